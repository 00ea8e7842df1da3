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


@pytest.mark.parametrize(
    ("path", "parameter", "kind"),
    [
        ("check-ins", "patient", "patient"),
        ("check-ins", "session", "session"),
        ("responses", "patient", "patient"),
        ("responses", "check_in", "check_in"),
        ("flags", "patient", "patient"),
        ("sessions", "patient", "patient"),
        ("on-call/shifts", "clinician", "clinician"),
    ],
)
def test_a_filter_by_another_clinics_id_answers_as_for_an_id_that_does_not_exist(
    as_mallory: APIClient, riverside_objects: dict[str, int], path: str, parameter: str, kind: str
) -> None:
    """No oracle: the answer never tells an outsider that the id exists elsewhere."""
    theirs = as_mallory.get(f"/api/v1/{path}/", {parameter: riverside_objects[kind]})
    value_missing = riverside_objects[kind] + 10_000
    missing = as_mallory.get(f"/api/v1/{path}/", {parameter: value_missing})

    assert theirs.status_code == missing.status_code == 400
    for response, value in ((theirs, riverside_objects[kind]), (missing, value_missing)):
        body = response.json()
        assert body["code"] == "invalid_choice"
        said = body["extra"]["fields"][parameter]
        assert len(said) == 1
        assert said[0].endswith(f" of your clinic; {value} is not one.")
        assert body["message"] == f"{parameter}: {said[0]}"
    # The same words for both, but for the id the caller sent.
    assert missing.json()["message"].replace(str(value_missing), "?") == theirs.json()[
        "message"
    ].replace(str(riverside_objects[kind]), "?")


def test_a_filter_by_the_clinics_own_id_still_filters(
    as_alice: APIClient, riverside_objects: dict[str, int]
) -> None:
    response = as_alice.get("/api/v1/check-ins/", {"session": riverside_objects["session"]})

    assert response.status_code == 200
    assert {c["session"] for c in response.json()["results"]} == {riverside_objects["session"]}


def test_a_taken_username_does_not_say_whose_or_where(
    as_mallory: APIClient, as_alice: APIClient, bob: Clinician
) -> None:
    elsewhere = as_mallory.post(
        "/api/v1/clinicians/",
        {"username": "bob", "password": "a long enough passphrase"},
        format="json",
    )
    here = as_alice.post(
        "/api/v1/clinicians/",
        {"username": "bob", "password": "a long enough passphrase"},
        format="json",
    )

    assert elsewhere.status_code == here.status_code == 409
    assert elsewhere.json() == here.json()
    assert elsewhere.json()["message"] == "That username is not available: choose another."
    assert "bob" not in elsewhere.content.decode()
