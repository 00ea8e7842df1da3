"""Bad input is a clear 4xx that names what is wrong, never a server error (SPEC §3)."""

import json

import pytest
from rest_framework.test import APIClient

from followup.models import Clinician, OnCallShift, Patient, TreatmentSession

NOT_A_TIME = "2024-01-01T12:99:00Z"


@pytest.mark.parametrize("value", [NOT_A_TIME, "2024-02-30T10:00:00Z", "2024-01-01T25:00:00Z"])
def test_a_session_time_that_cannot_be_is_a_400_naming_the_field(
    as_alice: APIClient, pat: Patient, value: str
) -> None:
    response = as_alice.post(
        "/api/v1/sessions/",
        {"patient": pat.pk, "occurred_at": value, "treatment": "other"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["occurred_at"]
    assert "is not a real date and time" in response.json()["message"]
    assert not TreatmentSession.objects.exists()


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+09:00"])
def test_a_year_at_the_ends_of_the_calendar_is_a_400(
    as_alice: APIClient, pat: Patient, value: str
) -> None:
    response = as_alice.post(
        "/api/v1/sessions/",
        {"patient": pat.pk, "occurred_at": value, "treatment": "other"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {
        "occurred_at": ["Give a year between 2000 and 2100."]
    }


@pytest.mark.parametrize("field", ["starts_at", "ends_at"])
def test_a_shift_time_that_cannot_be_is_a_400_naming_the_field(
    as_alice: APIClient, bob: Clinician, field: str
) -> None:
    body = {
        "clinician": bob.pk,
        "starts_at": "2026-12-01T08:00:00Z",
        "ends_at": "2026-12-01T20:00:00Z",
        "level": 1,
    }

    response = as_alice.post("/api/v1/on-call/shifts/", {**body, field: NOT_A_TIME}, format="json")

    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == [field]
    assert not OnCallShift.objects.exists()


@pytest.mark.parametrize("path", ["/api/v1/follow-up-plan/", "/api/v1/escalation-policy/"])
def test_options_describes_the_clinics_settings(as_alice: APIClient, path: str) -> None:
    response = as_alice.options(path)

    assert response.status_code == 200
    assert response.json()["name"]
    assert "PUT" in response.json()["actions"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/api/v1/patients/",
            {
                "first_name": "Pa\x00t",
                "last_name": "Jones",
                "phone": "+13125550199",
                "timezone": "America/Chicago",
                "sms_consent": True,
            },
            "first_name",
        ),
        (
            "/api/v1/patients/",
            {
                "first_name": "Pat",
                "last_name": "Jones",
                "phone": "+1312555\x000199",
                "timezone": "America/Chicago",
            },
            "phone",
        ),
        (
            "/api/v1/patients/",
            {
                "first_name": "Pat",
                "last_name": "Jones",
                "phone": "+13125550199",
                "timezone": "America/\ud800Chicago",
            },
            "timezone",
        ),
        (
            "/api/v1/clinicians/",
            {"username": "da\x00ve", "password": "a long passphrase"},
            "username",
        ),
    ],
)
def test_a_character_postgresql_cannot_store_is_a_400_naming_the_field(
    as_alice: APIClient, pat: Patient, path: str, body: dict, field: str
) -> None:
    patients = Patient.objects.count()

    # As JSON escapes them (a lone surrogate cannot be UTF-8), the way a client sends them.
    response = as_alice.post(path, json.dumps(body), content_type="application/json")

    assert response.status_code == 400
    assert field in response.json()["extra"]["fields"]
    assert Patient.objects.count() == patients


def test_a_nul_byte_in_a_search_or_filter_is_a_400(as_alice: APIClient, pat: Patient) -> None:
    search = as_alice.get("/api/v1/patients/", {"search": "Jo\x00nes"})
    status = as_alice.get("/api/v1/check-ins/", {"status": "sent\x00"})
    patient = as_alice.get("/api/v1/flags/", {"patient": f"{pat.pk}\x00"})

    assert (search.status_code, status.status_code, patient.status_code) == (400, 400, 400)
    assert list(search.json()["extra"]["fields"]) == ["search"]
    assert list(status.json()["extra"]["fields"]) == ["status"]
    assert list(patient.json()["extra"]["fields"]) == ["patient"]
