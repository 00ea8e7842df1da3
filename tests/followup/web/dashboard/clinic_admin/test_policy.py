"""The escalation policy page: levels, repeat and fallback phones, saved whole or not at all.

Alice (Riverside's admin) reads and changes it; Mallory (Hillcrest's admin) changes only her own.
"""

import pytest

from followup.models import AuditEvent, Clinic, Clinician
from tests.support.clinic_admin import SignedIn, text

# The escalation policy -------------------------------------------------------------------------


def policy_post(**fields: str) -> dict[str, str]:
    data = {"rows": "5", "repeat_minutes": "5", "fallback_phones": ""}
    data.update(fields)
    return data


def test_it_shows_the_policy_and_the_defaults(alice: Clinician, signed_in: SignedIn) -> None:
    response = signed_in(alice).get("/dashboard/policy/")
    page = response.content.decode()

    assert response.status_code == 200
    assert "<title>Escalation policy " in page
    assert 'name="level_3_minutes" value="5"' in page
    assert 'name="level_4_minutes"' in page
    assert 'name="level_4_minutes" value' not in page
    assert "Defaults (CLINICAL.md)" in text(response)


def test_it_saves_levels_repeat_and_fallback_phones(
    alice: Clinician, clinic: Clinic, signed_in: SignedIn
) -> None:
    client = signed_in(alice)
    response = client.post(
        "/dashboard/policy/",
        policy_post(
            level_1_minutes="3", level_1_sms="on", level_1_voice="on",
            level_2_minutes="", level_3_minutes="10", level_3_sms="on",
            repeat_minutes="7.5",
            fallback_phones="(312) 555-0188\n\n+1 312 555 0199\n+13125550188",
        ),
    )  # fmt: skip
    after = client.get("/dashboard/policy/")

    assert response.status_code == 302
    policy = clinic.escalation_policy
    policy.refresh_from_db()
    assert policy.levels == [
        {"level": 1, "timeout_seconds": 180, "channels": ["sms", "voice"]},
        {"level": 2, "timeout_seconds": 600, "channels": ["sms"]},
    ]
    assert policy.repeat_every_seconds == 450
    assert policy.fallback_phones == ["+13125550188", "+13125550199"]
    assert "Escalation policy saved: 2 levels." in text(after)
    assert 'name="level_2_minutes" value="10"' in after.content.decode()
    assert 'name="repeat_minutes" value="7.5"' in after.content.decode()
    assert "Last changed" in text(after)
    assert "by Alice Admin" in text(after)
    assert AuditEvent.objects.get(action="escalation_policy.update").actor == alice


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"fallback_phones": "+13125550188\n12345"}, "'12345' is not a valid phone number"),
        ({"level_1_minutes": "5"}, "Tick SMS, voice call or both."),
        ({"level_1_sms": "on"}, "Give the minutes before the next level, or untick"),
        ({"level_1_minutes": "0", "level_1_sms": "on"}, "greater than or equal to 0.5"),
        ({}, "Keep at least one level: someone must be paged."),
        ({"level_1_minutes": "5", "level_1_sms": "on", "repeat_minutes": "0"}, "greater than or equal to 1"),
    ],
)  # fmt: skip
def test_it_refuses_a_bad_policy_and_saves_nothing(
    fields: dict, message: str, alice: Clinician, clinic: Clinic, signed_in: SignedIn
) -> None:
    before = clinic.escalation_policy.levels

    response = signed_in(alice).post("/dashboard/policy/", policy_post(**fields))

    assert response.status_code == 400
    assert message in text(response)
    assert "Nothing was saved." in text(response)
    clinic.escalation_policy.refresh_from_db()
    assert clinic.escalation_policy.levels == before
    assert not AuditEvent.objects.filter(action="escalation_policy.update").exists()


def test_mallory_changes_only_her_own_policy(
    mallory: Clinician, clinic: Clinic, signed_in: SignedIn
) -> None:
    before = clinic.escalation_policy.levels

    response = signed_in(mallory).post(
        "/dashboard/policy/", policy_post(level_1_minutes="2", level_1_sms="on")
    )

    assert response.status_code == 302
    mallory.clinic.escalation_policy.refresh_from_db()
    assert mallory.clinic.escalation_policy.levels == [
        {"level": 1, "timeout_seconds": 120, "channels": ["sms"]}
    ]
    clinic.escalation_policy.refresh_from_db()
    assert clinic.escalation_policy.levels == before
