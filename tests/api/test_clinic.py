import pytest
from rest_framework.test import APIClient

from followup.models import AuditEvent, Clinician, FollowUpPlan

DEFAULT_PLAN = {
    "steps": [
        {"offset_hours": 24, "instruments": ["phq9", "gad7"]},
        {"offset_hours": 168, "instruments": ["phq9", "gad7"]},
        {"offset_hours": 336, "instruments": ["phq9", "gad7"]},
        {"offset_hours": 672, "instruments": ["phq9", "gad7"]},
    ],
    "reminder_after_hours": 4,
    "expire_after_hours": 72,
}


def test_a_new_clinic_has_the_default_plan(as_bob: APIClient) -> None:
    body = as_bob.get("/api/v1/follow-up-plan/").json()

    assert {key: body[key] for key in DEFAULT_PLAN} == DEFAULT_PLAN


def test_an_admin_changes_the_plan(as_alice: APIClient, alice: Clinician) -> None:
    plan = {**DEFAULT_PLAN, "steps": DEFAULT_PLAN["steps"][:2], "reminder_after_hours": 6}

    response = as_alice.put("/api/v1/follow-up-plan/", plan, format="json")

    assert response.status_code == 200
    stored = FollowUpPlan.objects.get(clinic=alice.clinic)
    assert stored.steps == plan["steps"]
    assert stored.reminder_after_hours == 6


def test_a_clinician_cannot_change_the_plan(as_bob: APIClient, bob: Clinician) -> None:
    response = as_bob.put("/api/v1/follow-up-plan/", DEFAULT_PLAN, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_it_refuses_a_plan_with_two_steps_on_one_day(as_alice: APIClient) -> None:
    plan = {
        **DEFAULT_PLAN,
        "steps": [
            {"offset_hours": 24, "instruments": ["phq9"]},
            {"offset_hours": 30, "instruments": ["gad7"]},
        ],
    }

    response = as_alice.put("/api/v1/follow-up-plan/", plan, format="json")

    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {
        "steps": [
            "Steps must be at least 24 hours apart: a patient gets at most one check-in a day."
        ]
    }


def test_it_refuses_an_unknown_instrument_and_a_reminder_after_expiry(
    as_alice: APIClient, alice: Clinician
) -> None:
    unknown = {**DEFAULT_PLAN, "steps": [{"offset_hours": 24, "instruments": ["bdi2"]}]}
    late = {**DEFAULT_PLAN, "reminder_after_hours": 80}

    assert as_alice.put("/api/v1/follow-up-plan/", unknown, format="json").status_code == 400
    assert as_alice.put("/api/v1/follow-up-plan/", late, format="json").status_code == 400
    assert FollowUpPlan.objects.get(clinic=alice.clinic).steps == DEFAULT_PLAN["steps"]


def test_an_admin_adds_a_clinician_and_the_password_never_comes_back(
    as_alice: APIClient,
) -> None:
    response = as_alice.post(
        "/api/v1/clinicians/",
        {
            "username": "carol",
            "password": "a long enough passphrase",
            "first_name": "Carol",
            "last_name": "Oncall",
            "phone": "312 555 0177",
            "email": "carol@riverside.example",
            "role": "clinician",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["phone"] == "+13125550177"
    assert response.json()["email"] == "carol@riverside.example"  # for the daily digest
    assert "password" not in response.json()
    carol = Clinician.objects.get(username="carol")
    assert carol.check_password("a long enough passphrase")
    listed = as_alice.get("/api/v1/clinicians/").json()["results"]
    assert "password" not in listed[0]
    assert {c["username"] for c in listed} == {"alice", "carol"}


def test_adding_an_account_through_the_api_is_audited(
    as_alice: APIClient, alice: Clinician
) -> None:
    response = as_alice.post(
        "/api/v1/clinicians/",
        {"username": "dana", "password": "a long enough passphrase", "role": "admin"},
        format="json",
    )

    event = AuditEvent.objects.get(action="clinician.create", object_id=str(response.json()["id"]))
    assert (event.actor, event.clinic_id) == (alice, alice.clinic_id)
    assert event.detail == {"role": "admin"}
    assert "passphrase" not in str(event.detail)


def test_a_clinician_cannot_add_clinicians(as_bob: APIClient) -> None:
    response = as_bob.post(
        "/api/v1/clinicians/",
        {"username": "eve", "password": "a long enough passphrase"},
        format="json",
    )

    assert response.status_code == 403
    assert not Clinician.objects.filter(username="eve").exists()


def test_it_refuses_a_weak_password_and_a_taken_username(
    as_alice: APIClient, bob: Clinician
) -> None:
    weak = as_alice.post(
        "/api/v1/clinicians/", {"username": "dave", "password": "12345"}, format="json"
    )
    taken = as_alice.post(
        "/api/v1/clinicians/",
        {"username": "Bob", "password": "a long enough passphrase"},
        format="json",
    )

    assert weak.status_code == 400
    assert list(weak.json()["extra"]["fields"]) == ["password"]
    assert taken.status_code == 409
    assert taken.json()["extra"]["fields"] == {
        "username": ["That username is not available: choose another."]
    }


def test_it_refuses_an_email_that_is_no_address(as_alice: APIClient) -> None:
    response = as_alice.post(
        "/api/v1/clinicians/",
        {"username": "dave", "password": "a long enough passphrase", "email": "dave@"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["email"]
    assert not Clinician.objects.filter(username="dave").exists()


def test_it_lists_both_instruments_with_loinc_codes(as_bob: APIClient) -> None:
    body = as_bob.get("/api/v1/instruments/").json()

    phq9, gad7 = body["results"]
    assert (phq9["code"], phq9["panel_loinc"], phq9["total_loinc"]) == (
        "phq9",
        "44249-1",
        "44261-6",
    )
    assert (gad7["code"], gad7["panel_loinc"], gad7["total_loinc"]) == (
        "gad7",
        "69737-5",
        "70274-6",
    )
    assert len(phq9["items"]) == 9
    assert phq9["items"][8] == {
        "number": 9,
        "text": "Thoughts that you would be better off dead, or of hurting yourself in some way",
        "loinc": "44260-8",
    }
    assert [o["label"] for o in gad7["options"]] == [
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    ]
    assert phq9["max_total"] == 27
    assert gad7["max_total"] == 21


def test_the_check_in_at_enrolment_is_on_by_default_and_an_admin_turns_it_off_and_on(
    as_alice: APIClient, as_bob: APIClient, alice: Clinician
) -> None:
    assert as_bob.get("/api/v1/follow-up-plan/").json()["enrolment_check_in"] is True

    off = as_alice.put(
        "/api/v1/follow-up-plan/", {**DEFAULT_PLAN, "enrolment_check_in": False}, format="json"
    )
    read_back = as_bob.get("/api/v1/follow-up-plan/").json()
    # Left out of a PUT (a client written before the setting existed), it keeps its value.
    kept = as_alice.put("/api/v1/follow-up-plan/", DEFAULT_PLAN, format="json")
    on = as_alice.put(
        "/api/v1/follow-up-plan/", {**DEFAULT_PLAN, "enrolment_check_in": True}, format="json"
    )

    assert (off.status_code, off.json()["enrolment_check_in"]) == (200, False)
    assert read_back["enrolment_check_in"] is False
    assert (kept.status_code, kept.json()["enrolment_check_in"]) == (200, False)
    assert (on.status_code, on.json()["enrolment_check_in"]) == (200, True)
    assert FollowUpPlan.objects.get(clinic=alice.clinic).enrolment_check_in is True
    assert AuditEvent.objects.filter(action="follow_up_plan.update").count() == 3


@pytest.mark.parametrize("value", ["yes", "false", 0, 1, None, []])
def test_it_takes_only_true_or_false_for_the_check_in_at_enrolment(
    as_alice: APIClient, alice: Clinician, value: object
) -> None:
    response = as_alice.put(
        "/api/v1/follow-up-plan/", {**DEFAULT_PLAN, "enrolment_check_in": value}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["enrolment_check_in"]
    assert FollowUpPlan.objects.get(clinic=alice.clinic).enrolment_check_in is True


def test_a_clinician_cannot_turn_off_the_check_in_at_enrolment(
    as_bob: APIClient, bob: Clinician
) -> None:
    response = as_bob.put(
        "/api/v1/follow-up-plan/", {**DEFAULT_PLAN, "enrolment_check_in": False}, format="json"
    )

    assert response.status_code == 403
    assert FollowUpPlan.objects.get(clinic=bob.clinic).enrolment_check_in is True
