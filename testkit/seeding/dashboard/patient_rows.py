"""A patient's rows (part of ``Seeder``): the patient and its audit event, sessions, check-ins,
responses on the patient's course, the history's resolved flags and the unresolved one."""

import datetime as dt
import json

from testkit.seeding.dashboard.shapes import (
    FIRST_NAMES,
    HEAVY_PHONE,
    HISTORY_FLAG_RATE,
    LAST_NAMES,
    MESSAGE_WINDOW,
    ClinicInfo,
    PatientPlan,
    Visit,
)


class PatientRows:
    """Part of ``Seeder``: uses its ``rng``, ``now``, ``tables``, ``pool`` and ``zones``, and the
    flag rows of ``FlagRows``."""

    def _emit_patient(self, clinic: ClinicInfo, plan: PatientPlan) -> None:
        from followup.clinical.rules import (
            RELIABLE_DETERIORATION_POINTS,
            SEVERE_TOTAL,
            response_triggers,
        )

        rng, now, t = self.rng, self.now, self.tables
        pk = self._id("patients")
        if plan.heavy:
            first, last, phone = "Margaret", "Ellison", HEAVY_PHONE
        else:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            phone = f"{clinic.phone_prefix}{2_000_000 + plan.number:07d}"
        initials = f"{first[0]}{last[0]}"
        opted_out = plan.opted_out_at is not None
        t["patients"].rows.append(
            (
                pk,
                clinic.pk,
                first,
                last,
                phone,
                plan.zone,
                plan.channel,
                "en",
                plan.consent,
                plan.created if plan.consent else None,
                opted_out,
                plan.opted_out_at,
                plan.created,
                plan.opted_out_at or plan.created,
            )
        )
        audit_id = self._id("audit_events")
        t["audit_events"].rows.append(
            (
                audit_id,
                audit_id,  # seq: the chain's trigger is off while copying (the hashes stay empty)
                clinic.pk,
                clinic.admin,
                "patient.create",
                "patient",
                str(pk),
                pk,
                plan.created,
                json.dumps({"fields": ["first_name", "last_name", "phone", "timezone"]}),
            )
        )
        session_ids, recorded = [], []
        for occurred in plan.sessions:
            sid = self._id("sessions")
            created = min(now, occurred + dt.timedelta(minutes=rng.uniform(5, 120)))
            treatment = rng.choices(
                ("iv_ketamine", "im_ketamine", "esketamine", "other"), weights=(60, 15, 22, 3)
            )[0]
            t["sessions"].rows.append((sid, pk, occurred, treatment, clinic.admin, created))
            session_ids.append(sid)
            recorded.append(created)

        zone = self.zones[plan.zone]
        previous: dict[str, int | None] = {"phq9": None, "gad7": None}
        answered_count = 0
        for index, visit in enumerate(plan.visits):
            cid = self._id("check_ins")
            outcome = visit.outcome
            created = recorded[visit.session]
            sent = expires = reminder_due = reminded = completed_at = cancelled_at = None
            current_instrument, current_item = "", None
            status = {"expired0": "expired", "expired1": "expired", "expired2": "expired"}.get(
                outcome, outcome
            )
            updated = created
            if outcome == "cancelled":
                cancelled_at = updated = recorded[visit.session + 1]
            elif outcome == "undeliverable":
                updated = visit.due + dt.timedelta(seconds=20)
            elif outcome != "scheduled":
                sent = visit.due + dt.timedelta(seconds=20)
                expires, reminder_due = sent + dt.timedelta(hours=72), sent + dt.timedelta(hours=4)
                unfinished = outcome != "completed" or visit.answered > reminder_due
                reminded = reminder_due if unfinished and reminder_due <= now else None
                updated = visit.answered or sent
                if outcome == "completed":
                    completed_at = visit.answered + dt.timedelta(seconds=40)  # after the GAD-7
                elif status == "expired":
                    updated = expires
                else:
                    current_instrument, current_item = "phq9", 1
            kinds: list[tuple[str, str]] = {
                "completed": [("phq9", "complete"), ("gad7", "complete")],
                "in_progress": [("phq9", "partial")],
                "expired1": [("phq9", "partial")],
                "expired2": [("phq9", "complete"), ("gad7", "partial")],
            }.get(outcome, [])
            flagged = index == plan.flag_visit
            response_ids: dict[str, int] = {}
            fired: dict[str, list] = {}  # the flagged response's triggers, per instrument
            for code, kind in kinds:
                rid = self._id("responses")
                response_ids[code] = rid
                if kind == "partial":
                    answers = self.pool.partial(code)
                    if outcome == "in_progress":
                        current_item = next(i for i, a in enumerate(answers) if a is None) + 1
                    started = min(now, sent + dt.timedelta(minutes=rng.uniform(5, 600)))
                    t["responses"].rows.append(
                        (rid, pk, cid, code, json.dumps(answers), None, None, "", False,
                         plan.channel, started, None, started)
                    )  # fmt: skip
                    continue
                answers, severity, total = self._answers(
                    plan, code, answered_count, previous, flagged
                )
                if flagged:
                    fired[code] = response_triggers(code, answers, previous[code])
                submitted = visit.answered + dt.timedelta(seconds=40 if code == "gad7" else 0)
                t["responses"].rows.append(
                    (rid, pk, cid, code, json.dumps(answers), rng.choice((None, 0, 1, 1, 2)),
                     total, severity, True, plan.channel,
                     visit.answered - dt.timedelta(minutes=3), submitted, submitted)
                )  # fmt: skip
                old = now - visit.answered > dt.timedelta(days=3)
                prior = previous[code]
                if (
                    old
                    and not flagged
                    and (
                        total >= SEVERE_TOTAL[code]
                        or (
                            prior is not None
                            and total - prior >= RELIABLE_DETERIORATION_POINTS[code]
                        )
                    )
                    and rng.random() < HISTORY_FLAG_RATE
                ):
                    trigger = response_triggers(code, answers, prior)[0]
                    self._flag(
                        clinic, pk, initials, trigger.reason, "resolved",
                        submitted + dt.timedelta(seconds=2), rid, trigger.detail,
                    )  # fmt: skip
                previous[code] = total
            if completed_at is not None:
                answered_count += 1
            if flagged:
                self._unresolved_flag(clinic, plan, pk, phone, initials, visit, response_ids, fired)
            local_date = visit.due.astimezone(zone).date()
            t["check_ins"].rows.append(
                (cid, pk, session_ids[visit.session], visit.step, visit.due, local_date,
                 '["phq9", "gad7"]', status, plan.channel, sent, completed_at, expires,
                 cancelled_at, "superseded" if cancelled_at else "", visit.reason,
                 current_instrument, current_item, reminder_due, reminded, created, updated)
            )  # fmt: skip
            if sent is not None and (plan.heavy or now - sent < MESSAGE_WINDOW):
                self._check_in_messages(clinic, pk, phone, plan.channel, cid, sent, reminded,
                                        completed_at)  # fmt: skip

    def _answers(
        self,
        plan: PatientPlan,
        code: str,
        answered: int,
        previous: dict[str, int | None],
        flagged: bool,
    ) -> tuple[list[int], str, int]:
        """A complete response on the patient's course; the answers of the planned unresolved
        flag's response are made to fire its rule."""
        rng, pool = self.rng, self.pool
        base = plan.baseline[0 if code == "phq9" else 1]
        target = round(base * (1 - plan.improvement * min(1.0, answered / 6)) + rng.gauss(0, 1.8))
        reason = plan.flag_reason if flagged else ""
        prior = previous[code]
        if reason == "suicidal_ideation" and code == "phq9":
            item9 = rng.randint(1, 3)
            answers, severity = pool.make(code, max(item9, min(19, max(target, 10))), item9=item9)
            return answers, severity, sum(answers)
        if reason == "severe_depression" and code == "phq9":
            target = rng.randint(20, 24)
        elif reason == "severe_anxiety" and code == "gad7":
            target = rng.randint(15, 21)
        elif reason == "reliable_deterioration" and code == "phq9":
            if prior is None or prior > 18:  # no room for +6: this patient's flag is severe
                plan.flag_reason = "severe_depression"
                target = rng.randint(20, 24)
            else:
                target = prior + rng.randint(6, min(9, 24 - prior))
        elif not reason and rng.random() < 0.5:
            # Half the history's severe totals are capped: fewer rule triggers to seed.
            target = min(target, 19 if code == "phq9" else 14)
        answers, severity = pool.complete(code, target)
        return answers, severity, sum(answers)

    def _unresolved_flag(
        self,
        clinic: ClinicInfo,
        plan: PatientPlan,
        pk: int,
        phone: str,
        initials: str,
        visit: Visit,
        response_ids: dict[str, int],
        fired: dict[str, list],
    ) -> None:
        reason = plan.flag_reason
        code = "gad7" if reason == "severe_anxiety" else "phq9"
        created = visit.answered + dt.timedelta(seconds=2)
        if reason == "crisis_language":
            detail: dict = {"category": "self_harm"}
            response_id = None
        else:
            # The answers were made to fire the rule (followup.clinical.rules); its detail is the evidence.
            detail = next(tr.detail for tr in fired[code] if tr.reason == reason)
            response_id = response_ids[code]
        flag = self._flag(
            clinic, pk, initials, reason, plan.flag_status, created, response_id, detail
        )
        if reason in ("suicidal_ideation", "crisis_language"):
            self._message(
                clinic, pk, None, None, flag, "sms", "crisis", phone,
                f"crisis:{flag}:1", "If you are thinking about hurting yourself, call or text 988.",
                created + dt.timedelta(seconds=1),
            )  # fmt: skip
            self._event(flag, "crisis_message", created + dt.timedelta(seconds=1), None, {})
