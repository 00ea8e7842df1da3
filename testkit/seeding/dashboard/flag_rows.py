"""A flag's rows (part of ``Seeder``): its timeline (raised, paged and escalated while open,
each page's delivery, acknowledged, resolved), its escalation steps, the page and crisis
messages, and a check-in's own messages."""

import datetime as dt
import json

from testkit.seeding.dashboard.shapes import ClinicInfo, flag_code


class FlagRows:
    """Part of ``Seeder``: uses its ``rng``, ``now`` and ``tables``."""

    def _flag(
        self,
        clinic: ClinicInfo,
        patient: int,
        initials: str,
        reason: str,
        status: str,
        created: dt.datetime,
        response: int | None,
        detail: dict,
    ) -> int:
        """A flag with its timeline: raised, paged (and escalated while open), each page's
        delivery, acknowledged, resolved; its escalation steps and page messages."""
        from followup.clinical.rules import PRIORITY_OF

        rng, now = self.rng, self.now
        pk = self._id("flags")
        code = flag_code(pk)
        priority = PRIORITY_OF[reason]
        evidence = [{**detail, "response": response, "at": created.isoformat()}]
        self._event(pk, "raised", created, None, evidence[0])
        acknowledged_at = acknowledged_by = resolved_at = resolved_by = None
        note = ""
        if status == "open":
            rounds = [(1, 0, created)]
            at = created + dt.timedelta(seconds=300)
            while True:
                level = min(3, rounds[-1][0] + 1)
                number = rounds[-1][1] + 1 if level == rounds[-1][0] else 0
                rounds.append((level, number, at))
                if at > now:
                    break
                at += dt.timedelta(seconds=300)
        else:
            acknowledged_at = created + dt.timedelta(seconds=rng.uniform(40, 280))
            acknowledged_by = clinic.on_call[1][0]
            rounds = [(1, 0, created), (2, 0, created + dt.timedelta(seconds=300))]
            if status == "resolved":
                resolved_at = acknowledged_at + dt.timedelta(hours=rng.uniform(0.3, 48))
                resolved_by = acknowledged_by
                note = "Called the patient; safety plan reviewed, next session confirmed."
        level_reached = 1
        for level, number, due in rounds:
            done = due <= now and (acknowledged_at is None or due <= acknowledged_at)
            self.tables["escalation_steps"].rows.append(
                (self._id("escalation_steps"), pk, level, number, due,
                 "done" if done else ("pending" if status == "open" else "cancelled"),
                 due - dt.timedelta(seconds=300) if number or level > 1 else due,
                 due if done else acknowledged_at)
            )  # fmt: skip
            if not done:
                continue
            level_reached = level
            target, target_phone = clinic.on_call[level]
            channels = ["sms", "voice"] if priority == "critical" else ["sms"]
            self._event(
                pk, "paged" if level == 1 else "escalated", due + dt.timedelta(seconds=1), None,
                {"level": level, "round": number, "channels": channels,
                 "to": [{"clinician": target, "as": "on_call" if level < 3 else "admin"}]},
            )  # fmt: skip
            for channel in channels:
                message = self._message(
                    clinic, None, target, None, pk, channel, "page", target_phone,
                    f"page:{pk}:{level}:{number}:{target_phone}:{channel}",
                    f"{priority.upper()} flag {code}: {reason.replace('_', ' ')}, patient "
                    f"{initials}. http://127.0.0.1:8000/dashboard/flags/{pk}/ "
                    f"Reply ACK {code} to acknowledge",
                    due + dt.timedelta(seconds=1),
                )  # fmt: skip
                info = {"message": message, "channel": channel, "clinician": target, "error": None}
                self._event(pk, "page_sent", due + dt.timedelta(seconds=3), None, info)
                if channel == "sms":
                    self._event(pk, "page_delivered", due + dt.timedelta(seconds=8), None, info)
        if acknowledged_at is not None:
            self._event(pk, "acknowledged", acknowledged_at, acknowledged_by, {"via": "dashboard"})
        if resolved_at is not None:
            self._event(pk, "resolved", resolved_at, resolved_by, {})
        self.tables["flags"].rows.append(
            (pk, clinic.pk, patient, response, code, reason, priority, status,
             json.dumps(evidence), json.dumps(clinic.policy), level_reached, created,
             acknowledged_at, acknowledged_by, resolved_at, resolved_by, note)
        )  # fmt: skip
        return pk

    def _event(self, flag: int, kind: str, at: dt.datetime, actor: int | None, detail) -> None:
        self.tables["flag_events"].rows.append(
            (self._id("flag_events"), flag, kind, at, actor, json.dumps(detail))
        )

    def _message(
        self,
        clinic: ClinicInfo,
        patient: int | None,
        clinician: int | None,
        check_in: int | None,
        flag: int | None,
        channel: str,
        purpose: str,
        to: str,
        key: str,
        body: str,
        at: dt.datetime,
    ) -> int:
        pk = self._id("outbound_messages")
        failed = purpose != "page" and self.rng.random() < 0.01
        self.tables["outbound_messages"].rows.append(
            (pk, clinic.pk, patient, clinician, check_in, flag, channel, purpose, to, body, key,
             "undelivered" if failed else "delivered", f"SM{pk:032x}",
             "30003" if failed else "", 1, at, at + dt.timedelta(seconds=1),
             at + dt.timedelta(seconds=6))
        )  # fmt: skip
        return pk

    def _check_in_messages(
        self,
        clinic: ClinicInfo,
        patient: int,
        phone: str,
        channel: str,
        check_in: int,
        sent: dt.datetime,
        reminded: dt.datetime | None,
        completed: dt.datetime | None,
    ) -> None:
        """The check-in's opening SMS (the first question, or the web link), its reminder and
        the thanks: the rest of the conversation is left out (one row per answer)."""
        if channel == "web":
            first = ("web_link", f"check-in:{check_in}:link", "Your check-in: a short form.")
        else:
            first = (
                "question",
                f"check-in:{check_in}:question:phq9:1",
                "1/16 Little interest or pleasure in doing things? 0 Not at all 1 Several days "
                "2 More than half the days 3 Nearly every day",
            )
        rows = [(*first, sent)]
        if reminded is not None:
            rows.append(("reminder", f"check-in:{check_in}:reminder", "A reminder.", reminded))
        if completed is not None:
            rows.append(("thanks", f"check-in:{check_in}:thanks", "Thank you.", completed))
        for purpose, key, body, at in rows:
            self._message(
                clinic, patient, None, check_in, None, "sms", purpose, phone, key, body, at
            )
