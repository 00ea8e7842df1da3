"""Who may open the admin pages (the on-call rota, the escalation policy, the follow-up plan):
a signed-out visitor is sent to sign in; Bob (a clinician) gets a 403 and changes nothing."""

import pytest
from django.test import Client

from followup.models import AuditEvent, Clinic, Clinician, OnCallShift
from tests.support.clinic_admin import SignedIn, text

# Who may open the pages ----------------------------------------------------------------------

PAGES = ["/dashboard/rota/", "/dashboard/policy/", "/dashboard/plan/"]


@pytest.mark.parametrize("path", PAGES)
def test_it_sends_a_signed_out_visitor_to_the_sign_in(path: str, clinic: Clinic) -> None:
    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/dashboard/login/?next=")


@pytest.mark.parametrize("path", PAGES)
def test_it_shows_bob_a_403_page_and_changes_nothing(
    path: str, bob: Clinician, clinic: Clinic, signed_in: SignedIn
) -> None:
    client = signed_in(bob)
    before = (clinic.escalation_policy.levels, clinic.follow_up_plan.steps)

    page = client.get(path)
    post = client.post(
        path,
        {"action": "add", "clinician": bob.pk, "starts_at": "2030-01-01T08:00",
         "ends_at": "2030-01-01T20:00", "level": 1, "rows": 1, "level_1_minutes": "1",
         "level_1_sms": "on", "repeat_minutes": "1", "step_1_offset": "2",
         "step_1_phq9": "on", "reminder_after_hours": "1", "expire_after_hours": "2"},
    )  # fmt: skip

    assert page.status_code == 403
    assert "Only the clinic's admins can open this page." in text(page)
    assert post.status_code == 403
    clinic.escalation_policy.refresh_from_db()
    clinic.follow_up_plan.refresh_from_db()
    assert (clinic.escalation_policy.levels, clinic.follow_up_plan.steps) == before
    assert not OnCallShift.objects.exists()
    assert not AuditEvent.objects.filter(action__contains=".update").exists()
