"""The seeder: two clinics (their clinicians with a second factor, the rota, the policies), then
each clinic's patients planned and written by ``COPY`` in rounds of ``CHUNK`` patients, the
sequences reset, every foreign key checked, a ``bench.seeded`` audit event with the options
(what a later run compares to reuse the database), and ``VACUUM ANALYZE``.

The work is split by concern over mixins: planning a history (``planning``), a patient's rows
(``patient_rows``) and a flag's timeline and messages (``flag_rows``)."""

import argparse
import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable
from zoneinfo import ZoneInfo

from testkit.seeding.dashboard.copying import Table
from testkit.seeding.dashboard.flag_rows import FlagRows
from testkit.seeding.dashboard.patient_rows import PatientRows
from testkit.seeding.dashboard.planning import Planning
from testkit.seeding.dashboard.shapes import (
    CHUNK,
    MAIN_CLINIC,
    MIN_ACKNOWLEDGED_FLAGS,
    MIN_OPEN_FLAGS,
    OTHER_CLINIC,
    ZONES,
    AnswerPool,
    ClinicInfo,
    _words,
)


class Seeder(Planning, PatientRows, FlagRows):
    def __init__(
        self, args: argparse.Namespace, marker: dict, say: Callable[[str], None] = print
    ) -> None:
        self.args = args
        self.marker = marker
        self.say = say
        self.rng = random.Random(args.random_seed)
        self.now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        self.counts: Counter = Counter()
        self.next_id: dict[str, int] = {}
        self.zones = {zone: ZoneInfo(zone) for zone in ZONES}

    # Orchestration ----------------------------------------------------------------------------

    def run(self) -> None:
        from django.db import connection, transaction

        started = time.monotonic()
        main, other = self._clinics()
        self.pool = AnswerPool(self.rng)
        self._tables()
        for table_name, table in self.tables.items():
            self.next_id[table_name] = (
                table.model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            )
        for clinic, patients, responses, heavy in (
            (main, self.args.patients, self.args.responses, True),
            (other, self.args.other_patients, 10 * self.args.other_patients, False),
        ):
            if patients <= 0:
                continue
            plans = self._plan_clinic(clinic, patients, responses, heavy)
            # 60 open and 390 acknowledged flags per 100,000 patients; in the measured clinic,
            # enough at any size for a full queue.
            floor = (MIN_OPEN_FLAGS, MIN_ACKNOWLEDGED_FLAGS) if heavy else (2, 5)
            self._plan_flags(
                plans,
                max(floor[0], round(patients * 6e-4)),
                max(floor[1], round(patients * 39e-4)),
            )
            for start in range(0, len(plans), CHUNK):
                with transaction.atomic(), connection.cursor() as cursor:
                    # Foreign keys are checked once at the end (_verify), not row by row.
                    cursor.execute("SET LOCAL session_replication_role = replica")
                    cursor.execute("SET LOCAL synchronous_commit = off")
                    for plan in plans[start : start + CHUNK]:
                        self._emit_patient(clinic, plan)
                    for name, table in self.tables.items():
                        self.counts[name] += table.copy(cursor.cursor)
                done = min(start + CHUNK, len(plans))
                if done % 20_000 == 0 or done == len(plans):
                    self.say(
                        f"  {clinic.name}: {done:,} / {len(plans):,} patients "
                        f"({time.monotonic() - started:.0f} s)"
                    )
        copied = time.monotonic() - started
        self._finish()
        self.say(
            f"seeded in {time.monotonic() - started:.0f} s (COPY {copied:.0f} s, then sequences, "
            f"foreign-key check, VACUUM ANALYZE): "
            + ", ".join(f"{name} {count:,}" for name, count in self.counts.items())
        )

    def _finish(self) -> None:
        from django.core.management.color import no_style
        from django.db import connection

        from followup.models import AuditEvent

        models = [table.model for table in self.tables.values()]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
        self._verify()
        AuditEvent.objects.create(
            action="bench.seeded",
            object_type="bench",
            detail={**self.marker, "rows": dict(self.counts)},
        )
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        self.say(f"VACUUM ANALYZE {time.monotonic() - started:.0f} s")

    def _verify(self) -> None:
        """Every foreign key of the copied rows points at a row (they were not checked while
        copying, under ``session_replication_role = replica``)."""
        from django.db import connection
        from django.db.models import ForeignKey

        q = connection.ops.quote_name
        broken = []
        with connection.cursor() as cursor:
            for table in self.tables.values():
                for f in table.model._meta.concrete_fields:
                    if not isinstance(f, ForeignKey):
                        continue
                    child, parent = table.model._meta.db_table, f.related_model._meta.db_table
                    cursor.execute(
                        f"SELECT count(*) FROM {q(child)} c WHERE c.{q(f.column)} IS NOT NULL "  # noqa: S608
                        f"AND NOT EXISTS (SELECT 1 FROM {q(parent)} p "
                        f"WHERE p.{q(f.target_field.column)} = c.{q(f.column)})"
                    )
                    missing = cursor.fetchone()[0]
                    if missing:
                        broken.append(f"{child}.{f.column}: {missing}")
        if broken:
            raise SystemExit("seeded rows with dangling foreign keys: " + "; ".join(broken))

    def _clinics(self) -> tuple[ClinicInfo, ClinicInfo]:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from followup.models import Clinician, OnCallShift
        from followup.services.clinics import clinic_create

        infos = []
        for name, zone, prefix, people in (
            (MAIN_CLINIC, "America/Chicago", "+1312", ("alice", "bob", "carol", "dan", "erin")),
            (OTHER_CLINIC, "America/New_York", "+1646", ("oscar", "petra")),
        ):
            clinic = clinic_create(name=name, timezone=zone)
            ids = []
            for n, username in enumerate(people):
                user = Clinician(
                    clinic=clinic,
                    username=f"bench.{username}",
                    first_name=username.title(),
                    last_name="Bench",
                    phone=f"{prefix}555{n:04d}",
                    role=Clinician.Role.ADMIN if n == len(people) - 1 else Clinician.Role.CLINICIAN,
                    is_staff=n == len(people) - 1,
                )
                user.set_unusable_password()
                user.save()
                TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
                ids.append((user.pk, user.phone))
            # The rota: a day shift and a night shift per level, the last 14 days and the next.
            for day in range(-14, 2):
                for half in range(2):
                    start = self.now.replace(hour=0, minute=0, second=0) + dt.timedelta(
                        days=day, hours=12 * half
                    )
                    for level in (1, 2):
                        pk, _ = ids[(day * 2 + half + level) % (len(ids) - 1 or 1)]
                        OnCallShift.objects.create(
                            clinic=clinic,
                            clinician_id=pk,
                            level=level,
                            starts_at=start,
                            ends_at=start + dt.timedelta(hours=12),
                        )
            policy = clinic.escalation_policy
            infos.append(
                ClinicInfo(
                    pk=clinic.pk,
                    name=name,
                    phone_prefix=prefix,
                    admin=ids[-1][0],
                    on_call={1: ids[0], 2: ids[1 % len(ids)], 3: ids[-1]},
                    policy={
                        "levels": policy.levels,
                        "repeat_every_seconds": policy.repeat_every_seconds,
                        "fallback_phones": policy.fallback_phones,
                    },
                    plan_hours=[step["offset_hours"] for step in clinic.follow_up_plan.steps],
                )
            )
        return infos[0], infos[1]

    def _tables(self) -> None:
        from followup import models as m

        self.tables = {
            "patients": Table(
                m.Patient,
                _words(
                    "id clinic_id first_name last_name phone timezone channel language sms_consent "
                    "sms_consent_at opted_out opted_out_at created_at updated_at"
                ),
            ),
            "sessions": Table(
                m.TreatmentSession,
                ("id", "patient_id", "occurred_at", "treatment", "recorded_by_id", "created_at"),
            ),
            "check_ins": Table(
                m.CheckIn,
                _words(
                    "id patient_id session_id step due_at local_date instruments status channel "
                    "sent_at completed_at expires_at cancelled_at cancel_reason "
                    "undeliverable_reason current_instrument current_item reminder_due_at "
                    "reminded_at created_at updated_at"
                ),
            ),
            "responses": Table(
                m.Response,
                _words(
                    "id patient_id check_in_id instrument answers difficulty total severity "
                    "complete channel started_at submitted_at updated_at"
                ),
            ),
            "flags": Table(
                m.Flag,
                _words(
                    "id clinic_id patient_id response_id code reason priority status evidence "
                    "policy_snapshot escalation_level created_at acknowledged_at "
                    "acknowledged_by_id resolved_at resolved_by_id resolution_note"
                ),
            ),
            "flag_events": Table(
                m.FlagEvent, ("id", "flag_id", "kind", "at", "actor_id", "detail")
            ),
            "escalation_steps": Table(
                m.EscalationStep,
                ("id", "flag_id", "level", "round", "due_at", "status", "created_at", "done_at"),
            ),
            "outbound_messages": Table(
                m.OutboundMessage,
                _words(
                    "id clinic_id patient_id clinician_id check_in_id flag_id channel purpose to "
                    "body idempotency_key status provider_sid error_code attempts created_at "
                    "sent_at updated_at"
                ),
            ),
            "audit_events": Table(
                m.AuditEvent,
                _words(
                    "id seq clinic_id actor_id action object_type object_id patient_id at detail"
                ),
            ),
        }

    def _id(self, table: str) -> int:
        self.next_id[table] += 1
        return self.next_id[table]
