"""No patient message between 21:00 and 08:00 in the patient's own zone (CLINICAL.md)."""

import datetime as dt

import pytest
import time_machine

from followup.clinical.quiet_hours import in_quiet_hours, next_allowed
from followup.models import CheckIn, Patient
from followup.services.dispatch import checkins_dispatch_due
from followup.services.sessions import session_record

UTC = dt.UTC
NINE_PM, EIGHT_AM = dt.time(21, 0), dt.time(8, 0)
CHICAGO = "America/Chicago"


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2026, 11, 26, 14, 0), at(2026, 11, 26, 14, 0)),  # 08:00 CST: open
        (at(2026, 11, 26, 13, 59), at(2026, 11, 26, 14, 0)),  # 07:59 CST: wait a minute
        (at(2026, 11, 27, 2, 59), at(2026, 11, 26, 2, 59)),  # 20:59 CST the 26th: open
        (at(2026, 11, 27, 3, 0), at(2026, 11, 27, 14, 0)),  # 21:00 CST: next morning
        # Spring forward (8 March 2026, 02:00 CST -> 03:00 CDT): 08:00 CDT is 13:00 UTC.
        (at(2026, 3, 8, 6, 0), at(2026, 3, 8, 13, 0)),
        # Fall back (1 November 2026, 02:00 CDT -> 01:00 CST): 08:00 CST is 14:00 UTC.
        (at(2026, 11, 1, 4, 0), at(2026, 11, 1, 14, 0)),
    ],
)
def test_next_allowed_minute_in_chicago(moment: dt.datetime, expected: dt.datetime) -> None:
    if expected < moment:  # the row means "allowed as it is"
        expected = moment
    assert next_allowed(moment, zone=CHICAGO, start=NINE_PM, end=EIGHT_AM) == expected


def test_a_stricter_clinic_stops_at_eight_in_the_evening() -> None:
    assert in_quiet_hours(at(2026, 11, 27, 2, 0), zone=CHICAGO, start=dt.time(20), end=EIGHT_AM)
    assert not in_quiet_hours(at(2026, 11, 27, 2, 0), zone=CHICAGO, start=NINE_PM, end=EIGHT_AM)


def test_a_window_that_does_not_span_midnight() -> None:
    start, end = dt.time(1, 0), dt.time(6, 0)
    assert in_quiet_hours(at(2026, 11, 26, 9, 0), zone=CHICAGO, start=start, end=end)  # 03:00
    assert next_allowed(at(2026, 11, 26, 9, 0), zone=CHICAGO, start=start, end=end) == at(
        2026, 11, 26, 12, 0
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.time_machine(at(2026, 3, 7, 5, 0), tick=False)  # the session, and Pat enrolled
def test_a_patient_in_quiet_hours_gets_nothing_until_the_window_opens_across_dst(
    twilio: object, celery_inline: list, pat: Patient
) -> None:
    # A session on Saturday 7 March at 23:00 CST: its +24 h check-in comes due at 00:00 CDT on
    # Monday 9 March... in UTC terms at 05:00 on the 8th, 23:00 CST Saturday plus 24 hours, which
    # is Sunday night after the clocks went forward at 02:00.
    occurred_at = at(2026, 3, 7, 5, 0)
    _, check_ins = session_record(patient=pat, occurred_at=occurred_at, treatment="other")
    first = check_ins[0]

    with time_machine.travel(at(2026, 3, 8, 5, 0), tick=False):
        sweep = checkins_dispatch_due()
    first.refresh_from_db()
    assert (sweep.deferred, first.status) == (1, "scheduled")
    assert first.due_at == at(2026, 3, 8, 13, 0)  # 08:00 CDT, after the change
    # It says why, and keeps the time its plan gave it.
    assert (first.status_reason, first.deferred_from) == ("quiet_hours", at(2026, 3, 8, 5, 0))

    with time_machine.travel(at(2026, 3, 8, 12, 59), tick=False):
        checkins_dispatch_due()
    assert twilio.messages_to(pat.phone) == []

    with time_machine.travel(at(2026, 3, 8, 13, 0), tick=False):
        checkins_dispatch_due()
    assert len(twilio.messages_to(pat.phone)) == 1
    assert CheckIn.objects.get(pk=first.pk).sent_at == at(2026, 3, 8, 13, 0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.time_machine(at(2026, 11, 26, 0, 0), tick=False)  # the session, and Pat enrolled
def test_reminders_wait_for_the_morning_too(
    twilio: object, celery_inline: list, pat: Patient
) -> None:
    # Sent at 18:00 CST; the 4 h reminder would fall at 22:00 CST, inside quiet hours.
    sent_at = at(2026, 11, 27, 0, 0)
    session_record(patient=pat, occurred_at=sent_at - dt.timedelta(hours=24), treatment="other")
    with time_machine.travel(sent_at, tick=False):
        checkins_dispatch_due()

    with time_machine.travel(sent_at + dt.timedelta(hours=4), tick=False):
        checkins_dispatch_due()
    assert len(twilio.messages_to(pat.phone)) == 1

    with time_machine.travel(at(2026, 11, 27, 14, 0), tick=False):  # 08:00 CST
        checkins_dispatch_due()
        checkins_dispatch_due()
    sent = [m.params["Body"] for m in twilio.messages_to(pat.phone)]
    assert len(sent) == 2
    assert sent[1].startswith("Riverside Ketamine Clinic: a reminder, your check-in is not")
