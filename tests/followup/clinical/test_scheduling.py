"""Planning check-ins from a session, as a pure function (SPEC §2 step 2)."""

import datetime as dt

from followup.clinical.defaults import plan_steps
from followup.clinical.scheduling import plan_check_ins

UTC = dt.UTC


def plan(occurred_at: dt.datetime, **overrides: object) -> list:
    arguments = {
        "occurred_at": occurred_at,
        "steps": plan_steps(),
        "timezone": "America/New_York",
        "expire_after_hours": 72,
        "now": occurred_at,
        "next_session_at": None,
        "taken_dates": [],
        **overrides,
    }
    return plan_check_ins(**arguments)


def test_it_plans_the_default_steps_in_order() -> None:
    occurred_at = dt.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)

    planned = plan(occurred_at)

    assert [p.due_at - occurred_at for p in planned] == [
        dt.timedelta(hours=24),
        dt.timedelta(days=7),
        dt.timedelta(days=14),
        dt.timedelta(days=28),
    ]
    assert [p.step for p in planned] == [0, 1, 2, 3]
    assert all(p.instruments == ("phq9", "gad7") for p in planned)


def test_local_dates_follow_the_patients_zone_across_daylight_saving() -> None:
    # 03:30 UTC is 22:30 the evening before in New York (EST, -5) and 23:30 after the switch to
    # EDT (-4) on 8 March 2026: the local date is the day before the UTC date throughout.
    occurred_at = dt.datetime(2026, 3, 2, 3, 30, tzinfo=UTC)

    planned = plan(occurred_at)

    assert [p.local_date for p in planned] == [
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 8),
        dt.date(2026, 3, 15),
        dt.date(2026, 3, 29),
    ]


def test_a_zone_east_of_utc_can_be_a_day_ahead() -> None:
    occurred_at = dt.datetime(2026, 3, 2, 20, 0, tzinfo=UTC)

    planned = plan(occurred_at, timezone="Pacific/Auckland")

    assert planned[0].local_date == dt.date(2026, 3, 4)


def test_steps_at_or_after_the_next_session_are_left_to_it() -> None:
    occurred_at = dt.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)

    planned = plan(occurred_at, next_session_at=occurred_at + dt.timedelta(days=7))

    assert [p.step for p in planned] == [0]


def test_steps_whose_answer_window_has_closed_are_left_out() -> None:
    occurred_at = dt.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    now = occurred_at + dt.timedelta(hours=24 + 72)

    assert [p.step for p in plan(occurred_at, now=now)] == [1, 2, 3]
    assert [p.step for p in plan(occurred_at, now=now - dt.timedelta(seconds=1))] == [0, 1, 2, 3]


def test_a_taken_local_day_is_skipped() -> None:
    occurred_at = dt.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)

    planned = plan(occurred_at, taken_dates=[dt.date(2026, 3, 9)])

    assert [p.step for p in planned] == [0, 2, 3]
