"""Every API read of patient data is an audit event: a list names the patients on its page (one
event, one INSERT), a detail names its object and patient."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from followup.models import AuditEvent, Clinic, Clinician, Patient
from followup.services.sessions import session_record
from tests.support.flags import SI, raise_flag
from tests.support.patients import enrol, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def robin(clinic: Clinic) -> Patient:
    return enrol(clinic, "Robin", "Lee", "+13125550188")


@pytest.fixture
def histories(pat: Patient, robin: Patient) -> None:
    """Pat and Robin each with a session and its check-ins, a score and a flag."""
    for patient in (pat, robin):
        session_record(
            patient=patient, occurred_at=timezone.now() - dt.timedelta(days=2), treatment="other"
        )
        score(patient, "phq9", 12, days_ago=1)
        raise_flag(patient, SI)


def only_event(action: str) -> AuditEvent:
    events = list(AuditEvent.objects.filter(action=action))
    assert len(events) == 1, [e.action for e in events]
    return events[0]


@pytest.mark.parametrize(
    ("path", "action"),
    [
        ("/api/v1/patients/", "patient.list"),
        ("/api/v1/sessions/", "session.list"),
        ("/api/v1/check-ins/", "check_in.list"),
        ("/api/v1/responses/", "response.list"),
        ("/api/v1/flags/", "flag.list"),
    ],
)
@pytest.mark.usefixtures("histories")
def test_a_list_is_one_event_naming_the_patients_it_returned(
    as_bob: APIClient, bob: Clinician, pat: Patient, robin: Patient, path: str, action: str
) -> None:
    response = as_bob.get(path, REMOTE_ADDR="198.51.100.4")

    assert response.status_code == 200
    event = only_event(action)
    assert event.actor == bob
    assert event.clinic == pat.clinic
    assert event.ip_address == "198.51.100.4"
    assert event.detail["patients"] == sorted([pat.pk, robin.pk])
    assert event.detail["ids"] == [row["id"] for row in response.json()["results"]]
    assert event.patient is None  # two patients: each is named in the detail


@pytest.mark.usefixtures("histories")
def test_a_list_of_one_patients_rows_names_that_patient(as_bob: APIClient, pat: Patient) -> None:
    response = as_bob.get("/api/v1/responses/", {"patient": pat.pk})

    assert {row["patient"] for row in response.json()["results"]} == {pat.pk}
    event = only_event("response.list")
    assert event.patient == pat
    assert event.detail["filters"] == ["patient"]


def test_a_search_names_the_patients_found_and_never_what_was_searched(
    as_bob: APIClient, pat: Patient, robin: Patient
) -> None:
    response = as_bob.get("/api/v1/patients/", {"search": "Robin"})

    assert [row["id"] for row in response.json()["results"]] == [robin.pk]
    event = only_event("patient.list")
    assert event.patient == robin
    assert event.detail["patients"] == [robin.pk]
    assert event.detail["filters"] == ["search"]
    assert "Robin" not in str(event.detail)


def test_a_page_is_one_event_in_one_insert(as_bob: APIClient, clinic: Clinic) -> None:
    patients = [enrol(clinic, "P", f"Many{n:02d}", f"+1312555{n + 3000:04d}") for n in range(12)]

    with CaptureQueriesContext(connection) as captured:
        response = as_bob.get("/api/v1/patients/", {"page_size": 10, "page": 2})

    assert response.status_code == 200
    inserts = [q for q in captured if q["sql"].startswith('INSERT INTO "followup_auditevent"')]
    assert len(inserts) == 1
    event = only_event("patient.list")
    assert event.detail["patients"] == [p.pk for p in patients[10:]]
    assert event.detail["page"] == 2


@pytest.mark.parametrize(
    ("path", "action"),
    [
        ("/api/v1/sessions/{session}/", "session.view"),
        ("/api/v1/check-ins/{check_in}/", "check_in.view"),
        ("/api/v1/responses/{response}/", "response.view"),
        ("/api/v1/flags/{flag}/", "flag.view"),
        ("/api/v1/patients/{patient}/", "patient.view"),
    ],
)
def test_a_detail_is_an_event_naming_its_object_and_patient(
    as_bob: APIClient, bob: Clinician, pat: Patient, path: str, action: str
) -> None:
    session, check_ins = session_record(
        patient=pat, occurred_at=timezone.now() - dt.timedelta(days=2), treatment="other"
    )
    score(pat, "phq9", 12, days_ago=1)
    ids = {
        "session": session.pk,
        "check_in": check_ins[0].pk,
        "response": pat.responses.get().pk,
        "flag": raise_flag(pat, SI).pk,
        "patient": pat.pk,
    }
    url = path.format(**ids)

    assert as_bob.get(url).status_code == 200

    event = only_event(action)
    assert (event.actor, event.patient) == (bob, pat)
    assert event.object_id == str(ids[action.split(".")[0]])


@pytest.mark.usefixtures("histories")
def test_another_clinics_list_names_none_of_ours(as_mallory: APIClient, mallory: Clinician) -> None:
    assert as_mallory.get("/api/v1/patients/").json()["results"] == []

    event = only_event("patient.list")
    assert event.actor == mallory
    assert event.clinic_id == mallory.clinic_id
    assert event.detail["patients"] == []
