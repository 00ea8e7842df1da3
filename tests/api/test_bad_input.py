"""Bad input is a clear 4xx that names what is wrong, never a server error (SPEC §3)."""

import json

import pytest
from rest_framework.test import APIClient

from followup.models import Clinician, OnCallShift, Patient, TreatmentSession
from tests.support.flags import make_patient

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


SESSION = {"occurred_at": "2026-11-20T14:30:00Z", "treatment": "other"}


@pytest.mark.parametrize(
    ("patient", "message"),
    [
        (999999, "patient: Patient 999999 does not exist in your clinic."),
        ("999999", "patient: Patient 999999 does not exist in your clinic."),
        (10**30, f"patient: Patient {10**30} does not exist in your clinic."),
        ("abc", "patient: Give the patient's id, a whole number."),
        (True, "patient: Give the patient's id, a whole number."),
        (1.5, "patient: Give the patient's id, a whole number."),
        ({"id": 1}, "patient: Give the patient's id, a whole number."),
    ],
)
def test_an_unknown_or_malformed_patient_id_is_a_400_in_our_words(
    as_alice: APIClient, pat: Patient, patient: object, message: str
) -> None:
    response = as_alice.post("/api/v1/sessions/", {**SESSION, "patient": patient}, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == message
    assert list(response.json()["extra"]["fields"]) == ["patient"]
    assert not TreatmentSession.objects.exists()


def test_another_clinics_patient_or_clinician_reads_as_one_that_does_not_exist(
    as_alice: APIClient, mallory: Clinician
) -> None:
    theirs = make_patient(mallory.clinic, 142)

    session = as_alice.post("/api/v1/sessions/", {**SESSION, "patient": theirs.pk}, format="json")
    shift = as_alice.post(
        "/api/v1/on-call/shifts/",
        {
            "clinician": mallory.pk,
            "starts_at": "2026-12-01T08:00:00Z",
            "ends_at": "2026-12-01T20:00:00Z",
        },
        format="json",
    )

    assert (session.status_code, shift.status_code) == (400, 400)
    assert session.json()["extra"]["fields"] == {
        "patient": [f"Patient {theirs.pk} does not exist in your clinic."]
    }
    assert shift.json()["extra"]["fields"] == {
        "clinician": [f"Clinician {mallory.pk} does not exist in your clinic."]
    }
    assert session.json()["code"] == shift.json()["code"] == "does_not_exist"
    assert not TreatmentSession.objects.exists()
    assert not OnCallShift.objects.exists()


@pytest.mark.parametrize(
    ("path", "query", "message"),
    [
        ("check-ins", {"status": "nonsense"}, "status: Give one of: scheduled, sent, "
         "in_progress, completed, expired, cancelled, undeliverable."),
        ("flags", {"priority": "urgent"}, "priority: Give one of: critical, high, moderate."),
        ("responses", {"instrument": "bdi"}, "instrument: Give one of: phq9, gad7."),
        ("patients", {"opted_out": "maybe"}, "opted_out: Give true or false."),
        ("responses", {"complete": "yes"}, "complete: Give true or false."),
        ("on-call/shifts", {"level": "first"}, "level: Give a number."),
        ("check-ins", {"patient": "abc"}, "patient: Give the id of a patient of your clinic; "
         "abc is not one."),
        ("responses", {"patient": "999999"}, "patient: Give the id of a patient of your "
         "clinic; 999999 is not one."),
    ],
)  # fmt: skip
def test_a_bad_filter_value_is_a_400_naming_the_parameter_and_what_it_takes(
    as_alice: APIClient, pat: Patient, path: str, query: dict, message: str
) -> None:
    response = as_alice.get(f"/api/v1/{path}/", query)

    assert response.status_code == 400
    assert response.json()["message"] == message
    assert list(response.json()["extra"]["fields"]) == list(query)


def test_a_boolean_filter_still_filters_by_true_and_false(
    as_alice: APIClient, pat: Patient
) -> None:
    Patient.objects.filter(pk=pat.pk).update(opted_out=True)

    opted_out = as_alice.get("/api/v1/patients/", {"opted_out": "true"}).json()
    not_opted_out = as_alice.get("/api/v1/patients/", {"opted_out": "false"}).json()
    either = as_alice.get("/api/v1/patients/", {"opted_out": ""}).json()

    assert [p["id"] for p in opted_out["results"]] == [pat.pk]
    assert not_opted_out["results"] == []
    assert [p["id"] for p in either["results"]] == [pat.pk]
