import datetime as dt

import pytest
from rest_framework.test import APIClient

from followup.models import AuditEvent, CheckIn, Clinician, Patient

NEW_PATIENT = {
    "first_name": "Robin",
    "last_name": "Lee",
    "phone": "(312) 555-0188",
    "timezone": "America/Chicago",
    "channel": "sms",
    "language": "en",
    "sms_consent": True,
}


def test_it_enrols_a_patient_with_the_number_in_e164(as_alice: APIClient) -> None:
    response = as_alice.post("/api/v1/patients/", NEW_PATIENT, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["phone"] == "+13125550188"
    assert body["timezone"] == "America/Chicago"
    assert body["sms_consent"] is True
    assert body["sms_consent_at"] is not None
    assert body["opted_out"] is False
    assert body["latest_scores"] == {"phq9": None, "gad7": None}
    assert Patient.objects.get(pk=body["id"]).phone == "+13125550188"


def test_it_records_no_consent_time_without_consent(as_alice: APIClient) -> None:
    response = as_alice.post(
        "/api/v1/patients/",
        {**NEW_PATIENT, "channel": "web", "sms_consent": False},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["sms_consent_at"] is None


@pytest.mark.parametrize(
    "body",
    [
        {**NEW_PATIENT, "sms_consent": False},
        {key: value for key, value in NEW_PATIENT.items() if key != "sms_consent"},
        # sms is the default channel
        {key: value for key, value in NEW_PATIENT.items() if key not in ("channel", "sms_consent")},
    ],
    ids=["consent-false", "consent-missing", "channel-and-consent-missing"],
)
def test_an_sms_patient_without_consent_is_a_400_and_nothing_is_written(
    as_alice: APIClient, body: dict
) -> None:
    response = as_alice.post("/api/v1/patients/", body, format="json")

    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "sms_consent_required"
    assert list(error["extra"]["fields"]) == ["sms_consent"]
    assert "sms_consent must be true for the sms channel" in error["message"]
    assert not Patient.objects.exists()
    assert not CheckIn.objects.exists()
    assert not AuditEvent.objects.filter(action="patient.create").exists()


def test_moving_a_patient_to_sms_without_consent_is_a_400_and_changes_nothing(
    as_bob: APIClient, pat: Patient
) -> None:
    Patient.objects.filter(pk=pat.pk).update(channel="web", sms_consent=False, sms_consent_at=None)

    refused = as_bob.patch(f"/api/v1/patients/{pat.pk}/", {"channel": "sms"}, format="json")
    also_refused = as_bob.patch(
        f"/api/v1/patients/{pat.pk}/", {"channel": "sms", "sms_consent": False}, format="json"
    )
    allowed = as_bob.patch(
        f"/api/v1/patients/{pat.pk}/", {"channel": "sms", "sms_consent": True}, format="json"
    )

    assert [refused.status_code, also_refused.status_code] == [400, 400]
    assert refused.json()["code"] == "sms_consent_required"
    assert list(refused.json()["extra"]["fields"]) == ["sms_consent"]
    assert AuditEvent.objects.filter(action="patient.update").count() == 1
    assert allowed.status_code == 200, allowed.json()
    assert (allowed.json()["channel"], allowed.json()["sms_consent"]) == ("sms", True)


def test_a_withdrawn_consent_is_recorded(as_bob: APIClient, pat: Patient) -> None:
    # Withdrawn consent is a fact to record, not bad input: nothing is sent from then on, and
    # each check-in says why (status_reason, see test_checkins).
    response = as_bob.patch(f"/api/v1/patients/{pat.pk}/", {"sms_consent": False}, format="json")

    assert response.status_code == 200, response.json()
    assert (response.json()["channel"], response.json()["sms_consent"]) == ("sms", False)


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("phone", "12", "invalid_phone"),
        ("phone", "not a number", "invalid_phone"),
        ("phone", "+1 800 555 0199", "not_mobile"),
        ("phone", "", "blank"),
        ("timezone", "Mars/Olympus_Mons", "invalid_timezone"),
        ("timezone", "CST6CDT-ish", "invalid_timezone"),
        ("channel", "pigeon", "invalid_choice"),
        ("language", "xx", "invalid_choice"),
        ("sms_consent", "perhaps", "invalid"),
        ("first_name", "", "blank"),
    ],
)
def test_it_refuses_bad_input_with_a_400_naming_the_field(
    as_alice: APIClient, field: str, value: str, code: str
) -> None:
    response = as_alice.post("/api/v1/patients/", {**NEW_PATIENT, field: value}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert field in body["message"] or field in body["extra"]["fields"]
    assert list(body["extra"]["fields"]) == [field]
    assert not Patient.objects.exists()
    assert not AuditEvent.objects.filter(action="patient.create").exists()


def test_it_refuses_a_second_patient_with_the_same_number(
    as_alice: APIClient, pat: Patient
) -> None:
    response = as_alice.post(
        "/api/v1/patients/", {**NEW_PATIENT, "phone": "+1 312 555 0123"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_phone"
    assert Patient.objects.count() == 1


def test_it_changes_a_patient_with_patch_and_audits_field_names_only(
    as_bob: APIClient, pat: Patient
) -> None:
    response = as_bob.patch(
        f"/api/v1/patients/{pat.pk}/",
        {"phone": "312-555-0199", "timezone": "America/New_York"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["phone"] == "+13125550199"
    assert response.json()["timezone"] == "America/New_York"
    assert response.json()["sms_consent"] is True  # untouched by a patch that did not name it
    event = AuditEvent.objects.get(action="patient.update")
    assert event.detail == {"fields": ["phone", "timezone"]}
    assert "0199" not in str(event.detail)


def test_a_bad_patch_changes_nothing(as_bob: APIClient, pat: Patient) -> None:
    response = as_bob.patch(
        f"/api/v1/patients/{pat.pk}/",
        {"first_name": "Patricia", "timezone": "Nowhere/Special"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {
        "timezone": ["'Nowhere/Special' is not an IANA time zone; use a name like America/Chicago."]
    }
    pat.refresh_from_db()
    assert pat.first_name == "Pat"


def test_it_lists_patients_paginated_with_search(as_alice: APIClient, pat: Patient) -> None:
    as_alice.post("/api/v1/patients/", NEW_PATIENT, format="json")

    everyone = as_alice.get("/api/v1/patients/").json()
    found = as_alice.get("/api/v1/patients/", {"search": "lee"}).json()

    assert everyone["count"] == 2
    assert set(everyone) == {"count", "next", "previous", "results"}
    assert [p["last_name"] for p in found["results"]] == ["Lee"]


def test_viewing_a_patient_is_audited(as_bob: APIClient, bob: object, pat: Patient) -> None:
    as_bob.get(f"/api/v1/patients/{pat.pk}/", REMOTE_ADDR="10.1.2.3")

    event = AuditEvent.objects.get(action="patient.view")
    assert event.actor == bob
    assert event.patient == pat
    assert event.ip_address == "10.1.2.3"


def test_it_needs_a_token(pat: Patient) -> None:
    response = APIClient().get("/api/v1/patients/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


# --- The check-in at enrolment: the pre-treatment baseline ----------------------------------

# 23:30 on 25 Nov in Chicago (05:30 UTC on the 26th): the patient's own day is the 25th.
LATE_EVENING = dt.datetime(2026, 11, 26, 5, 30, tzinfo=dt.UTC)


@pytest.mark.time_machine(LATE_EVENING, tick=False)
def test_enrolling_schedules_a_baseline_check_in_due_at_once(as_alice: APIClient) -> None:
    patient = as_alice.post("/api/v1/patients/", NEW_PATIENT, format="json").json()

    listed = as_alice.get("/api/v1/check-ins/", {"patient": patient["id"]}).json()

    (check_in,) = listed["results"]
    assert check_in["session"] is None
    assert check_in["instruments"] == ["phq9", "gad7"]
    assert check_in["status"] == "scheduled"
    assert dt.datetime.fromisoformat(check_in["due_at"]) == LATE_EVENING
    assert (check_in["channel"], check_in["sent_at"]) == ("sms", None)
    assert CheckIn.objects.get(pk=check_in["id"]).local_date == dt.date(2026, 11, 25)
    event = AuditEvent.objects.get(action="patient.create")
    assert event.detail["enrolment_check_in"] == check_in["id"]


def test_no_baseline_check_in_when_the_plan_has_none(as_alice: APIClient, alice: Clinician) -> None:
    plan = as_alice.get("/api/v1/follow-up-plan/").json()
    turned_off = as_alice.put(
        "/api/v1/follow-up-plan/", {**plan, "enrolment_check_in": False}, format="json"
    )

    patient = as_alice.post("/api/v1/patients/", NEW_PATIENT, format="json").json()

    assert turned_off.status_code == 200
    assert as_alice.get("/api/v1/check-ins/", {"patient": patient["id"]}).json()["count"] == 0
    assert AuditEvent.objects.get(action="patient.create").detail["enrolment_check_in"] is None


def test_a_refused_enrolment_schedules_nothing(as_alice: APIClient, pat: Patient) -> None:
    response = as_alice.post(
        "/api/v1/patients/", {**NEW_PATIENT, "phone": "+1 312 555 0123"}, format="json"
    )

    assert response.status_code == 409
    assert list(CheckIn.objects.values_list("patient", flat=True)) == [pat.pk]
