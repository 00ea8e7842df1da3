"""Turning a treatment session into check-in rows (SPEC §2 step 2, CLINICAL.md schedule), and
the check-in at enrolment, before treatment.

Pure planning over plain values; ``services.sessions`` applies it inside one transaction.
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PlannedCheckIn:
    step: int
    due_at: dt.datetime
    local_date: dt.date
    instruments: tuple[str, ...]


def plan_check_ins(
    *,
    occurred_at: dt.datetime,
    steps: Sequence[dict],
    timezone: str,
    expire_after_hours: int,
    now: dt.datetime,
    next_session_at: dt.datetime | None,
    taken_dates: Iterable[dt.date],
) -> list[PlannedCheckIn]:
    """The check-ins a session at ``occurred_at`` should get.

    Left out: steps at or after a later session (that session's plan supersedes them); steps
    whose answer window closed already (a session recorded long after the fact); steps that fall
    on a local day that already has a live check-in (never two on one day).
    """
    zone = zoneinfo.ZoneInfo(timezone)
    expire_after = dt.timedelta(hours=expire_after_hours)
    taken = set(taken_dates)
    planned = []
    for index, step in enumerate(steps):
        due_at = occurred_at + dt.timedelta(hours=step["offset_hours"])
        if next_session_at is not None and due_at >= next_session_at:
            continue
        if due_at + expire_after <= now:
            continue
        local_date = due_at.astimezone(zone).date()
        if local_date in taken:
            continue
        taken.add(local_date)
        planned.append(
            PlannedCheckIn(
                step=index,
                due_at=due_at,
                local_date=local_date,
                instruments=tuple(step["instruments"]),
            )
        )
    return planned


# The check-in at enrolment asks both scales: it is the pre-treatment baseline that response
# and remission are measured from (CLINICAL.md, progress over a treatment course).
ENROLMENT_INSTRUMENTS = ("phq9", "gad7")


def plan_enrolment_check_in(*, now: dt.datetime, timezone: str) -> PlannedCheckIn:
    """The check-in when a patient is enrolled: due at once, before any session.

    Quiet hours and consent are the dispatcher's to apply, as for every check-in; the local day
    is today's in the patient's zone, where no other check-in can be yet.
    """
    return PlannedCheckIn(
        step=0,
        due_at=now,
        local_date=now.astimezone(zoneinfo.ZoneInfo(timezone)).date(),
        instruments=ENROLMENT_INSTRUMENTS,
    )
