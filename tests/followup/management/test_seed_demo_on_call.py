"""`seed_demo` puts the demo clinician (level 1) and Sam Reyes (level 2) on call, so a demo flag
pages them instead of the fallback contacts; each run keeps them on call a week ahead."""

import datetime as dt
import io
import itertools

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from followup.models import Clinician, OnCallShift

pytestmark = pytest.mark.usefixtures("dev_mode")


def _on_call(at: dt.datetime) -> set[tuple[str, int]]:
    return set(
        OnCallShift.objects.filter(starts_at__lte=at, ends_at__gt=at).values_list(
            "clinician__username", "level"
        )
    )


def test_it_puts_the_demo_clinician_and_a_second_level_on_call_for_a_week(db: None) -> None:
    out = io.StringIO()
    with time_machine.travel(timezone.now(), tick=False):
        now = timezone.now()
        call_command("seed_demo", stdout=out)

    assert _on_call(now) == {("demo", 1), ("sam", 2)}
    assert _on_call(now + dt.timedelta(days=7)) == {("demo", 1), ("sam", 2)}
    sam = Clinician.objects.get(username="sam")
    assert (sam.get_full_name(), sam.phone) == ("Sam Reyes", "+14155550191")
    assert Clinician.objects.get(username="demo").phone
    assert "On call: Dana Demo (level 1), Sam Reyes (level 2), until " in out.getvalue()


def test_running_it_again_makes_no_second_shift_and_no_second_clinician(db: None) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        call_command("seed_demo", stdout=io.StringIO())
        shifts = list(OnCallShift.objects.values_list("pk", "starts_at", "ends_at"))
        clock.shift(dt.timedelta(minutes=1))
        call_command("seed_demo", stdout=io.StringIO())

        assert list(OnCallShift.objects.values_list("pk", "starts_at", "ends_at")) == shifts
        assert Clinician.objects.filter(username="sam").count() == 1


def test_a_run_days_later_still_finds_someone_on_call(db: None) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        call_command("seed_demo", stdout=io.StringIO())
        for _ in range(3):  # make run, on three later weeks
            clock.shift(dt.timedelta(days=6))
            call_command("seed_demo", stdout=io.StringIO())
            now = timezone.now()

            assert _on_call(now) == {("demo", 1), ("sam", 2)}
            assert _on_call(now + dt.timedelta(days=7)) == {("demo", 1), ("sam", 2)}
        # Lengthened while a shift stays within 14 days, then a new one: never overlapping.
        for level in (1, 2):
            shifts = list(OnCallShift.objects.filter(level=level).order_by("starts_at"))
            assert all(s.ends_at - s.starts_at <= dt.timedelta(days=14) for s in shifts)
            assert all(a.ends_at <= b.starts_at for a, b in itertools.pairwise(shifts))
