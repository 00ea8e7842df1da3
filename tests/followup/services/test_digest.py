"""The morning digest: moderate flags page nobody, so each clinician hears of them by email at
08:00 in the clinic's own time (CLINICAL.md, escalation defaults)."""

import datetime as dt
import threading

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection

from followup.clinical.rules import Trigger
from followup.models import Clinic, Clinician, Digest, Patient
from followup.services.clinics import clinic_create, clinician_create
from followup.services.flags import flag_resolve
from tests.support import mail
from tests.support.cast import PASSWORD
from tests.support.flags import SI, WORSE, make_patient, raise_flag
from tests.support.patients import enrol

# 08:00 in Chicago (CST, UTC-6), where Riverside is; 07:00 in Denver, where Hillcrest is.
MORNING = dt.datetime(2026, 11, 26, 14, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)
UNREAD = Trigger("unread_message", "moderate", {"text": "the ringing in my ears is back"})

pytestmark = pytest.mark.time_machine(MORNING, tick=False)


def tick() -> int:
    """The scheduler's digest tick, by its stable name, run in this process."""
    import tasks  # noqa: F401 - registers the tasks
    from config.celery import app

    return app.tasks["followup.digest"].apply(throw=True).get()


def tick_at(when: dt.datetime) -> int:
    with time_machine.travel(when, tick=False):
        return tick()


def with_email(clinician: Clinician, email: str) -> Clinician:
    Clinician.objects.filter(pk=clinician.pk).update(email=email)
    clinician.refresh_from_db()
    return clinician


def sent_to(outbox: list) -> list[str]:
    return [to for message in outbox for to in message.to]


@pytest.fixture
def outbox(db: None, mailoutbox: list) -> list:
    """Django's test outbox, taken after the database is set up (which replaces it)."""
    from django.core import mail

    return mail.outbox


@pytest.fixture
def team(alice: Clinician, bob: Clinician) -> list[Clinician]:
    """Riverside's people with an address: Alice (admin) and Bob (clinician)."""
    return [with_email(alice, "alice@riverside.example"), with_email(bob, "bob@riverside.example")]


@pytest.fixture
def worse(pat: Patient) -> None:
    """Something to report: Pat's scores worsened (moderate, paged to nobody)."""
    raise_flag(pat, WORSE)


def test_each_clinician_gets_the_counts_and_the_link_and_nothing_about_any_patient(
    outbox: list, team: list[Clinician], pat: Patient, clinic: Clinic
) -> None:
    moderate = raise_flag(pat, WORSE)
    unread = raise_flag(pat, UNREAD)
    raise_flag(pat, UNREAD)  # a second message from Pat, added to the same flag
    other = enrol(clinic, "Quinn", "Rivera", "+13125550107")
    critical = raise_flag(other, SI)
    flag_resolve(flag=raise_flag(make_patient(clinic, 8), WORSE), actor=team[0], note="Called.")

    assert tick() == 1

    assert sent_to(outbox) == ["alice@riverside.example", "bob@riverside.example"]
    alice_mail, bob_mail = outbox
    assert alice_mail.subject == (
        "Follow-up digest for Riverside Ketamine Clinic: 1 flag to review, 2 messages to read, "
        "1 paged flag unresolved"
    )
    assert alice_mail.from_email == django_settings.DEFAULT_FROM_EMAIL
    assert alice_mail.body == (
        "Good morning Alice,\n"
        "\n"
        "This is the daily digest of Riverside Ketamine Clinic for Thursday, November 26, 2026.\n"
        "Waiting on the dashboard:\n"
        "\n"
        "- 1 moderate flag to review (open or acknowledged)\n"
        "- 2 messages from patients to read\n"
        "- 1 critical or high flag paged and not yet resolved\n"
        "\n"
        "Open the dashboard: http://127.0.0.1:8000/dashboard/\n"
        "\n"
        "Moderate flags and messages page nobody: they wait on the dashboard until someone "
        "reviews them.\n"
        "This email gives counts only; the details are on the dashboard, after you sign in.\n"
    )
    assert bob_mail.body.startswith("Good morning Bob,\n")
    assert bob_mail.body.removeprefix("Good morning Bob,") == alice_mail.body.removeprefix(
        "Good morning Alice,"
    )
    for message in outbox:
        text = f"{message.subject}\n{message.body}"
        for patient in (pat, other):
            assert patient.first_name not in text
            assert patient.last_name not in text
            assert patient.phone not in text
            assert patient.phone.removeprefix("+1") not in text
            assert f"/patients/{patient.pk}/" not in text
        assert "PJ" not in text
        assert "QR" not in text
        assert "ringing" not in text
        for flag in (moderate, unread, critical):
            assert flag.code not in text
            assert f"/flags/{flag.pk}/" not in text
    digest = Digest.objects.get()
    assert (digest.clinic, digest.local_date, digest.recipients) == (
        clinic,
        dt.date(2026, 11, 26),
        2,
    )
    assert digest.counts == {"moderate": 1, "unread": 2, "urgent": 1}


def test_nothing_before_eight_then_one_email_however_many_ticks(
    outbox: list, team: list[Clinician], worse: None
) -> None:
    assert tick_at(MORNING - MINUTE) == 0
    assert outbox == []

    tick_at(MORNING)
    tick_at(MORNING)
    tick_at(MORNING + dt.timedelta(hours=5))

    assert sent_to(outbox) == ["alice@riverside.example", "bob@riverside.example"]
    # And again the next morning, not before.
    tick_at(MORNING + dt.timedelta(days=1) - MINUTE)
    assert len(outbox) == 2
    tick_at(MORNING + dt.timedelta(days=1))
    assert len(outbox) == 4


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_send_one_email_each(
    outbox: list, team: list[Clinician], worse: None
) -> None:
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def scheduler() -> None:
        try:
            barrier.wait()
            tick()
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(sent_to(outbox)) == ["alice@riverside.example", "bob@riverside.example"]
    assert Digest.objects.count() == 1


def test_nobody_without_an_address_or_no_longer_active_gets_one(
    outbox: list, alice: Clinician, bob: Clinician, clinic: Clinic, worse: None
) -> None:
    with_email(alice, "alice@riverside.example")  # Bob has no address
    gone = clinician_create(
        clinic=clinic, username="gone", password=PASSWORD, email="gone@riverside.example"
    )
    Clinician.objects.filter(pk=gone.pk).update(is_active=False)

    tick()

    assert sent_to(outbox) == ["alice@riverside.example"]
    assert Digest.objects.get().recipients == 1


def test_another_clinic_gets_its_own_at_its_own_eight(
    outbox: list, team: list[Clinician], worse: None, mallory: Clinician
) -> None:
    with_email(mallory, "mallory@hillcrest.example")
    raise_flag(make_patient(mallory.clinic, 9), WORSE)

    tick()  # 08:00 in Chicago, 07:00 in Denver
    assert "mallory@hillcrest.example" not in sent_to(outbox)

    tick_at(MORNING + dt.timedelta(hours=1))
    assert sent_to(outbox)[-1:] == ["mallory@hillcrest.example"]
    assert "Hillcrest Clinic: 1 flag" in outbox[-1].subject
    assert len(outbox) == 3


def test_nothing_to_report_sends_nothing_and_settles_the_day(
    outbox: list, team: list[Clinician], pat: Patient
) -> None:
    tick()

    assert outbox == []
    assert Digest.objects.get().counts == {"moderate": 0, "unread": 0, "urgent": 0}
    # A flag raised later that day waits for the dashboard and tomorrow's digest.
    raise_flag(pat, WORSE)
    tick_at(MORNING + dt.timedelta(hours=6))
    assert outbox == []
    tick_at(MORNING + dt.timedelta(days=1))
    assert len(outbox) == 2


@pytest.mark.parametrize(
    ("zone", "due"),
    [
        # Summer time begins: 08:00 CDT (UTC-5), an hour earlier in UTC than the day before.
        ("America/Chicago", dt.datetime(2026, 3, 8, 13, 0, tzinfo=dt.UTC)),
        # Summer time ends in the night: 08:00 CST (UTC-6), an hour later than the day before.
        ("America/Chicago", dt.datetime(2026, 11, 1, 14, 0, tzinfo=dt.UTC)),
        # London on the day Chicago's clocks move: still GMT, 08:00 UTC.
        ("Europe/London", dt.datetime(2026, 3, 8, 8, 0, tzinfo=dt.UTC)),
        # London's own changes: 08:00 BST (UTC+1), then 08:00 GMT again.
        ("Europe/London", dt.datetime(2026, 3, 29, 7, 0, tzinfo=dt.UTC)),
        ("Europe/London", dt.datetime(2026, 10, 25, 8, 0, tzinfo=dt.UTC)),
    ],
)
def test_eight_oclock_is_the_clinics_own_even_the_day_the_clocks_change(
    outbox: list, zone: str, due: dt.datetime
) -> None:
    with time_machine.travel(due - dt.timedelta(days=1), tick=False):
        far = clinic_create(name="Far Clinic", timezone=zone)
        clinician_create(clinic=far, username="dana", password=PASSWORD, email="dana@far.example")
        raise_flag(make_patient(far, 10), WORSE)

    tick_at(due - MINUTE)
    assert outbox == []

    tick_at(due)
    assert sent_to(outbox) == ["dana@far.example"]
    assert Digest.objects.get().local_date == due.date()


def test_a_mail_server_that_breaks_off_half_way_is_tried_again_for_everyone(
    outbox: list, team: list[Clinician], worse: None, settings: object, monkeypatch: object
) -> None:
    settings.EMAIL_BACKEND = mail.PATH
    monkeypatch.setattr(mail.FlakyMailServer, "accepted", 0)
    monkeypatch.setattr(mail.FlakyMailServer, "drop_after", 1)

    assert tick() == 0

    assert sent_to(outbox) == ["alice@riverside.example"]  # Bob's was cut off
    assert not Digest.objects.exists()
    monkeypatch.setattr(mail.FlakyMailServer, "drop_after", None)
    tick_at(MORNING + dt.timedelta(minutes=5))
    # At least once each: Alice has hers twice rather than Bob none.
    assert sent_to(outbox) == [
        "alice@riverside.example",
        "alice@riverside.example",
        "bob@riverside.example",
    ]
    tick_at(MORNING + dt.timedelta(minutes=10))
    assert len(outbox) == 3


def test_an_address_refused_for_good_does_not_hold_back_the_others(
    outbox: list, team: list[Clinician], worse: None, settings: object, monkeypatch: object
) -> None:
    settings.EMAIL_BACKEND = mail.PATH
    monkeypatch.setattr(mail.FlakyMailServer, "refused", frozenset({"alice@riverside.example"}))

    tick()
    tick_at(MORNING + dt.timedelta(minutes=5))

    assert sent_to(outbox) == ["bob@riverside.example"]
    assert Digest.objects.get().recipients == 1


def test_the_scheduler_runs_the_digest_tick() -> None:
    entry = django_settings.CELERY_BEAT_SCHEDULE["digest"]

    assert entry["task"] == "followup.digest"
    assert entry["schedule"] <= 5 * 60
