"""A clinician of another clinic gets 404 for every object of the first (SPEC §3, isolation)."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from followup.models import Clinician, Patient
from followup.services.responses import response_record
from followup.services.sessions import session_record


@pytest.fixture
def riverside_objects(pat: Patient, bob: Clinician) -> dict[str, int]:
    session, check_ins = session_record(
        patient=pat, occurred_at=dt.datetime.now(dt.UTC), treatment="iv_ketamine"
    )
    response, _ = response_record(
        patient=pat,
        instrument="phq9",
        answers=[1, 1, 1, 1, 1, 1, 1, 1, 0],
        channel="web",
        check_in=check_ins[0],
    )
    return {
        "patient": pat.pk,
        "session": session.pk,
        "check_in": check_ins[0].pk,
        "response": response.pk,
        "clinician": bob.pk,
    }


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/patients/{patient}/", None),
        ("patch", "/api/v1/patients/{patient}/", {"first_name": "Mallory was here"}),
        ("get", "/api/v1/sessions/{session}/", None),
        ("get", "/api/v1/check-ins/{check_in}/", None),
        ("post", "/api/v1/check-ins/{check_in}/cancel/", None),
        ("get", "/api/v1/responses/{response}/", None),
        ("get", "/api/v1/clinicians/{clinician}/", None),
    ],
)
def test_an_outsider_gets_404_for_every_object(
    as_mallory: APIClient,
    riverside_objects: dict[str, int],
    method: str,
    path: str,
    body: dict | None,
) -> None:
    response = getattr(as_mallory, method)(path.format(**riverside_objects), body, format="json")

    assert response.status_code == 404
    assert response.json() == {"message": "Not found.", "code": "not_found", "extra": {}}


def test_an_outsider_changes_nothing_and_sees_nothing_in_lists(
    as_mallory: APIClient, riverside_objects: dict[str, int], pat: Patient
) -> None:
    as_mallory.patch(f"/api/v1/patients/{pat.pk}/", {"first_name": "X"}, format="json")
    as_mallory.post(f"/api/v1/check-ins/{riverside_objects['check_in']}/cancel/")

    for path in ("patients", "sessions", "check-ins", "responses"):
        assert as_mallory.get(f"/api/v1/{path}/").json()["count"] == 0, path
    assert [c["username"] for c in as_mallory.get("/api/v1/clinicians/").json()["results"]] == [
        "mallory"
    ]
    pat.refresh_from_db()
    assert pat.first_name == "Pat"
    assert pat.check_ins.get(pk=riverside_objects["check_in"]).status == "scheduled"


def test_an_outsider_cannot_record_a_session_for_another_clinics_patient(
    as_mallory: APIClient, pat: Patient
) -> None:
    response = as_mallory.post(
        "/api/v1/sessions/",
        {"patient": pat.pk, "occurred_at": "2026-11-25T10:00:00Z", "treatment": "other"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "does_not_exist"
    assert not pat.sessions.exists()


def test_filters_cannot_reach_into_another_clinic(
    as_mallory: APIClient, riverside_objects: dict[str, int]
) -> None:
    response = as_mallory.get("/api/v1/check-ins/", {"patient": riverside_objects["patient"]})

    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.json()["count"] == 0
