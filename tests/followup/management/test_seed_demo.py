"""`seed_demo`: the demo clinic that `make run` shows."""

import io
import logging

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from followup.models import CheckIn, Clinic, Clinician, Flag, Response

# make run sets DEBUG; the refusal without it is tested below.
pytestmark = pytest.mark.usefixtures("dev_mode")


def test_seed_demo_fills_a_demo_clinic_once(db: None) -> None:
    out = io.StringIO()

    call_command("seed_demo", stdout=out)
    counts = (CheckIn.objects.count(), Response.objects.count(), Flag.objects.count())
    call_command("seed_demo", stdout=io.StringIO())

    assert (CheckIn.objects.count(), Response.objects.count(), Flag.objects.count()) == counts
    assert Response.objects.filter(complete=True).count() >= 20
    assert Flag.objects.filter(reason="suicidal_ideation", priority="critical").exists()
    assert "Demo login: demo / demo" in out.getvalue()
    assert "/api/v1/docs/" in out.getvalue()
    demo = Clinician.objects.get(username="demo")
    assert demo.check_password("demo")
    assert demo.is_clinic_admin


def test_seed_demo_prints_a_short_summary_and_no_line_per_flag(
    db: None, caplog: pytest.LogCaptureFixture
) -> None:
    out = io.StringIO()

    with caplog.at_level(logging.INFO):
        call_command("seed_demo", stdout=out)

    # Dozens of flags were raised and re-raised, and none of them was logged while seeding.
    assert Flag.objects.count() >= 3
    assert [r.getMessage() for r in caplog.records if r.name.startswith("followup")] == []
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Demo Ketamine Clinic: 5 patients, 35 sessions, ")
    assert lines[0].endswith(" open flags (1 critical).")
    assert len(lines) <= 12
    # Only while seeding: a flag raised afterwards is logged as ever.
    assert logging.getLogger("followup.services.safety").isEnabledFor(logging.INFO)


def test_seed_demo_gives_most_patients_a_baseline_before_treatment(db: None) -> None:
    call_command("seed_demo", stdout=io.StringIO())

    at_enrolment = CheckIn.objects.filter(session=None).select_related("patient")
    answered = [c for c in at_enrolment if c.status == "completed"]
    assert len(answered) == 4
    for check_in in answered:
        first_session = check_in.patient.sessions.order_by("occurred_at").first()
        assert check_in.completed_at < first_session.occurred_at
        assert {r.instrument for r in check_in.responses.filter(complete=True)} == {"phq9", "gad7"}
    # One patient never answered it before treatment began: the first session cancelled it.
    (cancelled,) = (c for c in at_enrolment if c.status == "cancelled")
    assert cancelled.cancel_reason == "treatment_started"


def test_seed_demo_refuses_to_run_without_debug(db: None, settings: object) -> None:
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only in development, with DEBUG on"):
        call_command("seed_demo", stdout=io.StringIO())

    assert not Clinic.objects.exists()
    assert not Clinician.objects.filter(username="demo").exists()
