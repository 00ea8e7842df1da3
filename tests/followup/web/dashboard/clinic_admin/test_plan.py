"""The follow-up plan page: its steps in hours or days and the check-in at enrolment, saved whole
or not at all, applying to sessions recorded from then on. Alice is Riverside's admin."""

import re

import pytest

from followup.models import AuditEvent, Clinic, Clinician
from tests.support.clinic_admin import SignedIn, text

# The follow-up plan ----------------------------------------------------------------------------


def plan_post(**fields: str) -> dict[str, str]:
    # As the page posts it with the default plan: the box for the check-in at enrolment ticked.
    data = {
        "rows": "6",
        "enrolment_check_in": "on",
        "reminder_after_hours": "4",
        "expire_after_hours": "72",
    }
    for n in range(1, 7):
        data[f"step_{n}_unit"] = "days"
    data.update(fields)
    return data


def test_it_shows_the_plan_and_says_when_changes_apply(
    alice: Clinician, signed_in: SignedIn
) -> None:
    response = signed_in(alice).get("/dashboard/plan/")
    page = response.content.decode()

    assert response.status_code == 200
    assert 'name="step_1_offset" value="24"' in page
    assert 'name="step_2_offset" value="7"' in page
    assert "Changes apply to patients enrolled and sessions recorded from now on." in text(response)


def test_it_saves_steps_in_hours_or_days(
    alice: Clinician, clinic: Clinic, signed_in: SignedIn
) -> None:
    client = signed_in(alice)
    response = client.post(
        "/dashboard/plan/",
        plan_post(
            step_1_offset="36", step_1_unit="hours", step_1_phq9="on", step_1_gad7="on",
            step_3_offset="10", step_3_gad7="on",
            reminder_after_hours="6", expire_after_hours="48",
        ),
    )  # fmt: skip
    after = text(client.get("/dashboard/plan/"))

    assert response.status_code == 302
    plan = clinic.follow_up_plan
    plan.refresh_from_db()
    assert plan.steps == [
        {"offset_hours": 36, "instruments": ["phq9", "gad7"]},
        {"offset_hours": 240, "instruments": ["gad7"]},
    ]
    assert (plan.reminder_after_hours, plan.expire_after_hours) == (6, 48)
    assert (
        "Follow-up plan saved: a baseline check-in when a patient is enrolled, then 2 check-ins "
        "after each session."
    ) in after
    assert AuditEvent.objects.get(action="follow_up_plan.update").actor == alice


def test_it_shows_and_edits_the_check_in_at_enrolment(
    alice: Clinician, clinic: Clinic, signed_in: SignedIn
) -> None:
    client = signed_in(alice)
    before = client.get("/dashboard/plan/").content.decode()
    default_steps = {"step_1_offset": "24", "step_1_unit": "hours", "step_1_phq9": "on"}

    # Unticked, as a browser posts it: the box is simply left out.
    unticked = plan_post(**default_steps)
    del unticked["enrolment_check_in"]
    off = client.post("/dashboard/plan/", unticked)
    after = client.get("/dashboard/plan/")

    box = re.compile(r'<input type="checkbox" name="enrolment_check_in"[^>]*>')
    assert "checked" in box.search(before).group(0)
    assert "Send a baseline check-in (PHQ-9 and GAD-7) as soon as a patient is enrolled" in before
    assert 'aria-describedby="enrolment-hint"' in box.search(before).group(0)
    assert off.status_code == 302
    clinic.follow_up_plan.refresh_from_db()
    assert clinic.follow_up_plan.enrolment_check_in is False
    assert "checked" not in box.search(after.content.decode()).group(0)
    assert (
        "Follow-up plan saved: no check-in at enrolment; 1 check-in after each session."
    ) in text(after)

    client.post("/dashboard/plan/", plan_post(**default_steps))
    clinic.follow_up_plan.refresh_from_db()
    assert clinic.follow_up_plan.enrolment_check_in is True


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"step_1_offset": "1", "step_1_phq9": "on", "step_2_offset": "30", "step_2_unit": "hours", "step_2_gad7": "on"}, "Steps must be at least 24 hours apart"),
        ({"step_1_offset": "2", "step_1_phq9": "on", "reminder_after_hours": "72"}, "“Reminder after” must be at least 1 and less than “Expires after”."),
        ({"step_1_offset": "2", "step_1_phq9": "on", "expire_after_hours": "400"}, "“Expires after” must be between 1 and 336 (14 days)."),
        ({"step_1_offset": "400", "step_1_phq9": "on"}, "At most 365 days after the session."),
        ({"step_1_offset": "3"}, "Tick PHQ-9, GAD-7 or both."),
        ({"step_1_gad7": "on"}, "Give the time after the session, or untick"),
        ({}, "A plan needs at least one step."),
    ],
)  # fmt: skip
def test_it_refuses_a_bad_plan_and_saves_nothing(
    fields: dict, message: str, alice: Clinician, clinic: Clinic, signed_in: SignedIn
) -> None:
    before = clinic.follow_up_plan.steps

    response = signed_in(alice).post("/dashboard/plan/", plan_post(**fields))

    assert response.status_code == 400
    assert message in text(response)
    clinic.follow_up_plan.refresh_from_db()
    assert clinic.follow_up_plan.steps == before
    assert not AuditEvent.objects.filter(action="follow_up_plan.update").exists()
