"""A demo clinic for ``make run``: patients, their baselines at enrolment, sessions, answered
check-ins and a flag, and two clinicians on call (levels 1 and 2), so a demo flag pages them.

Idempotent: run again, it adds no patients and no second shift; it only lengthens the on-call
shifts, so ``make run`` on a later day still finds someone on call. It prints the same login.
"""

import contextlib
import datetime as dt
import logging
import random
import zoneinfo
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from followup.clinical.quiet_hours import daytime_zone
from followup.models import CheckIn, Clinic, Clinician, Flag, Patient, TreatmentSession
from followup.services.clinics import clinic_create, clinician_create
from followup.services.patients import patient_create
from followup.services.responses import response_record
from followup.services.rota import shift_extend
from followup.services.sessions import session_record

CLINIC_NAME = "Demo Ketamine Clinic"
DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo"  # noqa: S105 - the documented demo login, local only

# (first, last, phone, zone, channel, starting PHQ-9 level, starting GAD-7 level, course)
PATIENTS = [
    ("Alice", "Moreno", "+14155550101", "America/Los_Angeles", "sms", 19, 14, "responding"),
    ("Ben", "Okafor", "+13125550102", "America/Chicago", "web", 16, 12, "remitting"),
    ("Chloe", "Nguyen", "+12125550103", "America/New_York", "sms", 22, 17, "item9"),
    ("Daniel", "Kowalski", "+17205550104", "America/Denver", "sms", 12, 9, "flat"),
    ("Esther", "Lindqvist", "+16175550105", "America/New_York", "web", 14, 16, "worsening"),
]
SESSION_DAYS_AGO = (42, 35, 28, 21, 14, 7, 2)
# The level-2 clinician, paged when the demo login (level 1) does not acknowledge in time.
SECOND_ON_CALL = ("sam", "Sam", "Reyes", "+14155550191")
# Each run keeps both on call for this long ahead: a week of demos without seeding again.
ON_CALL_AHEAD = dt.timedelta(days=8)


class Command(BaseCommand):
    help = "Fill a demo clinic with patients, sessions, answers and a flag (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            # Its login is demo / demo, known to everyone: never in a real deployment.
            raise CommandError(
                "seed_demo makes a demo clinic whose login is demo / demo: it runs only in "
                "development, with DEBUG on (make run sets it)."
            )
        if not Clinic.objects.filter(name=CLINIC_NAME).exists():
            with _domain_logs_quiet(), transaction.atomic():
                self._seed()
        clinic = Clinic.objects.filter(name=CLINIC_NAME).earliest("pk")
        on_call = _on_call(clinic, timezone.now())
        base = settings.PUBLIC_BASE_URL
        self.stdout.write(
            "\n".join(
                [
                    _summary(clinic),
                    on_call,
                    "",
                    f"Follow-up is starting on {base}",
                    f"  Dashboard:  {base}/dashboard/",
                    f"  API docs:   {base}/api/v1/docs/",
                    f"  Admin:      {base}/admin/",
                    f"  Dev phone:  {base}/dev/phone/ (answer as a patient; read pages and"
                    " reply ACK <code> as the clinician on call)",
                    f"  Health:     {base}/healthz",
                    f"  Demo login: {DEMO_USERNAME} / {DEMO_PASSWORD} (no second factor in dev mode;"
                    " add one under /dashboard/security/authenticator/)",
                    "Ctrl-C stops web, worker and scheduler.",
                    "",
                ]
            )
        )

    def _seed(self) -> None:
        rng = random.Random(7)  # noqa: S311 - demo data, not security
        clinic = clinic_create(name=CLINIC_NAME, timezone="America/New_York")
        admin = Clinician(
            clinic=clinic,
            username=DEMO_USERNAME,
            first_name="Dana",
            last_name="Demo",
            role=Clinician.Role.ADMIN,
            phone="+14155550190",
            is_staff=True,
        )
        admin.set_password(DEMO_PASSWORD)
        admin.save()
        now = timezone.now()
        # On call before the demo flag is raised: it pages them, not the fallback contacts.
        _on_call(clinic, now)
        for first, last, phone, zone, channel, phq, gad, course in PATIENTS:
            if course == "flat":
                # This patient's check-in goes out at the first tick: somewhere it is daytime.
                zone = daytime_zone(timezone.now())
            patient = patient_create(
                clinic=clinic,
                actor=admin,
                first_name=first,
                last_name=last,
                phone=phone,
                timezone=zone,
                channel=channel,
                sms_consent=True,
            )
            first_session_at = _session_time(now, SESSION_DAYS_AGO[0])
            if course != "flat":
                # The check-in at enrolment, answered days before treatment began: the baseline.
                # (The "flat" patient never answered it; the first session cancelled it, and
                # that patient's page shows a baseline taken after treatment began.)
                self._answer_enrolment_check_in(
                    patient, phq, gad, rng, first_session_at - dt.timedelta(days=3)
                )
            for number, days_ago in enumerate(SESSION_DAYS_AGO):
                occurred_at = _session_time(now, days_ago)
                session_record(
                    patient=patient,
                    occurred_at=occurred_at,
                    treatment="iv_ketamine" if number % 2 == 0 else "esketamine",
                    actor=admin,
                    now=occurred_at,
                )
            self._answer_past_check_ins(patient, phq, gad, course, rng, now)

    def _answer_enrolment_check_in(
        self, patient: Patient, phq: int, gad: int, rng: random.Random, at: dt.datetime
    ) -> None:
        check_in = patient.check_ins.filter(session=None).first()
        if check_in is None:  # the plan sends none
            return
        # Enrolled weeks ago, as far as the demo goes.
        check_in.due_at = at
        check_in.local_date = at.astimezone(zoneinfo.ZoneInfo(patient.timezone)).date()
        check_in.save()
        self._answer(check_in, phq, gad, 0, at + dt.timedelta(minutes=rng.randint(20, 300)), rng)

    def _answer_past_check_ins(
        self,
        patient: Patient,
        phq: int,
        gad: int,
        course: str,
        rng: random.Random,
        now: dt.datetime,
    ) -> None:
        due = list(
            patient.check_ins.filter(status=CheckIn.Status.SCHEDULED, due_at__lt=now).order_by(
                "due_at"
            )
        )
        if course == "flat" and due:
            # Left unanswered: the dispatcher sends it at its first tick, so the dev phone shows
            # a live conversation right away.
            due = due[:-1]
        for index, check_in in enumerate(due):
            progress = index / max(len(due) - 1, 1)
            target_phq, target_gad = _course(course, phq, gad, progress)
            submitted_at = check_in.due_at + dt.timedelta(minutes=rng.randint(20, 300))
            if submitted_at > now:
                continue
            item9 = 2 if course == "item9" and check_in is due[-1] else 0
            self._answer(check_in, target_phq, target_gad, item9, submitted_at, rng)

    def _answer(
        self,
        check_in: CheckIn,
        phq: int,
        gad: int,
        item9: int,
        submitted_at: dt.datetime,
        rng: random.Random,
    ) -> None:
        check_in.status = CheckIn.Status.COMPLETED
        check_in.sent_at = check_in.due_at
        check_in.completed_at = submitted_at
        check_in.expires_at = check_in.due_at + dt.timedelta(hours=72)
        check_in.save()
        for code, total, items in (("phq9", phq, 9), ("gad7", gad, 7)):
            if code not in check_in.instruments:
                continue
            answers = _spread(total, items, rng)
            if code == "phq9":
                answers[8] = item9
            response_record(
                patient=check_in.patient,
                instrument=code,
                answers=answers,
                difficulty=min(3, total // 7),
                channel=check_in.channel,
                check_in=check_in,
                submitted_at=submitted_at,
            )


def _on_call(clinic: Clinic, now: dt.datetime) -> str:
    """The demo login on call at level 1 and Sam Reyes at level 2, from now until
    ``ON_CALL_AHEAD``: their shifts lengthened (or new ones), never a second one alongside."""
    dana = Clinician.objects.get(clinic=clinic, username=DEMO_USERNAME)
    username, first, last, phone = SECOND_ON_CALL
    sam = Clinician.objects.filter(clinic=clinic, username=username).first()
    if sam is None:
        sam = clinician_create(
            clinic=clinic,
            username=username,
            # Nobody signs in as Sam: a password no one knows.
            password=get_random_string(32),
            first_name=first,
            last_name=last,
            phone=phone,
            actor=dana,
        )
    # Whole hours: runs within the same hour change nothing.
    until = (now + ON_CALL_AHEAD).replace(minute=0, second=0, microsecond=0)
    for level, clinician in ((1, dana), (2, sam)):
        shift_extend(clinic=clinic, clinician=clinician, level=level, until=until, now=now)
    ends = timezone.localtime(until, zoneinfo.ZoneInfo(clinic.timezone))
    return (
        f"On call: {dana.get_full_name()} (level 1), {sam.get_full_name()} (level 2), "
        f"until {ends:%b %d %H:%M} {ends.tzname()}."
    )


@contextlib.contextmanager
def _domain_logs_quiet() -> Iterator[None]:
    # Weeks of demo answers raise and re-raise flags, each with an INFO line ("flag 4
    # re-triggered"): dozens that tell someone starting the demo nothing the summary does not.
    # Only while seeding, and warnings still show: flags raised afterwards are logged as ever.
    domain = logging.getLogger("followup")
    level = domain.level
    domain.setLevel(logging.WARNING)
    try:
        yield
    finally:
        domain.setLevel(level)


def _summary(clinic: Clinic) -> str:
    open_flags = clinic.flags.filter(status=Flag.Status.OPEN)
    critical = open_flags.filter(priority=Flag.Priority.CRITICAL).count()
    return (
        f"{clinic.name}: {clinic.patients.count()} patients, "
        f"{TreatmentSession.objects.filter(patient__clinic=clinic).count()} sessions, "
        f"{CheckIn.objects.filter(patient__clinic=clinic, status=CheckIn.Status.COMPLETED).count()}"
        f" answered check-ins, {open_flags.count()} open flags ({critical} critical)."
    )


def _session_time(now: dt.datetime, days_ago: int) -> dt.datetime:
    return (now - dt.timedelta(days=days_ago)).replace(hour=15, minute=0, second=0, microsecond=0)


def _course(course: str, phq: int, gad: int, progress: float) -> tuple[int, int]:
    if course == "remitting":
        return round(phq * (1 - 0.85 * progress)), round(gad * (1 - 0.8 * progress))
    if course == "responding":
        return round(phq * (1 - 0.55 * progress)), round(gad * (1 - 0.4 * progress))
    if course == "worsening":
        return min(27, round(phq + 8 * progress)), min(21, round(gad + 4 * progress))
    if course == "item9":
        return round(phq * (1 - 0.2 * progress)), round(gad * (1 - 0.1 * progress))
    return phq, gad


def _spread(total: int, items: int, rng: random.Random) -> list[int]:
    """Answers 0-3 over ``items`` items that sum to ``total``."""
    answers = [0] * items
    # PHQ-9 item 9 is set apart by the caller: the spread never puts a value there.
    spread_over = [i for i in range(items) if not (items == 9 and i == 8)]
    for _ in range(total):
        open_items = [i for i in spread_over if answers[i] < 3]
        if not open_items:
            break
        answers[rng.choice(open_items)] += 1
    return answers
