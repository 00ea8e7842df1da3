"""The schema tells an integrator every error an operation can answer, each with the one
``Error`` body, and the API's real 4xx answers have that body."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from followup.models import Clinician, Flag, Patient
from followup.services.checkin_links import checkin_token_make
from followup.services.flags import flag_resolve
from followup.services.sessions import session_record
from tests.support.flags import SI, raise_flag
from tests.support.openapi import (
    ERROR_REF,
    WRITES,
    errors_of,
    openapi_schema,
    operation,
    operations,
)

pytestmark = pytest.mark.django_db


def _expected(path: str, method: str, op: dict) -> set[str]:
    """The error statuses an operation must list, from what the schema says it is."""
    parameters = {(p["in"], p["name"]) for p in op.get("parameters", [])}
    filters = {name for where, name in parameters if where == "query"} - {"page", "page_size"}
    expected = set()
    if method in WRITES or filters:
        expected.add("400")
    if op.get("security"):
        expected |= {"401", "403"}
    if "{" in path or ("query", "page") in parameters:
        expected.add("404")
    if ("header", "Idempotency-Key") in parameters:
        expected |= {"409", "422"}
    if "{token}" in path:
        expected.add("410")
    return expected


def test_every_operation_lists_its_error_answers_with_the_error_body() -> None:
    schema = openapi_schema()
    missing, not_error = [], []

    for path, method, op in operations(schema):
        responses = op["responses"]
        for status in _expected(path, method, op) - set(responses):
            missing.append(f"{method.upper()} {path}: {status}")
        for status, response in responses.items():
            if not status.startswith("4"):
                continue
            body = response.get("content", {}).get("application/json", {}).get("schema")
            if body != {"$ref": ERROR_REF} or not response.get("description"):
                not_error.append(f"{method.upper()} {path}: {status} {response}")

    assert not missing
    assert not not_error
    assert all(any(s.startswith("4") for s in op["responses"]) for _, _, op in operations(schema))


def test_the_error_component_is_the_one_error_shape() -> None:
    error = openapi_schema()["components"]["schemas"]["Error"]

    assert error["required"] == ["code", "extra", "message"]
    assert error["properties"]["message"]["type"] == "string"
    assert error["properties"]["code"]["type"] == "string"
    extra = error["properties"]["extra"]
    assert extra["type"] == "object"
    assert set(extra["properties"]) == {"fields", "rows", "retry_after_seconds"}
    schemas = openapi_schema()["components"]["schemas"]
    assert not {name for name in schemas if "Error" in name} - {"Error"}


def test_the_token_and_the_patients_links_need_no_credentials() -> None:
    schema = openapi_schema()

    assert operation(schema, "/api/v1/auth/token/", "post")["security"] == []
    assert operation(schema, "/api/v1/public/check-ins/{token}/", "get")["security"] == []
    responses = "/api/v1/public/check-ins/{token}/responses/"
    assert operation(schema, responses, "post")["security"] == []
    token = operation(schema, "/api/v1/auth/token/", "post")["responses"]
    assert set(token) == {"200", "400", "429"}  # no 401 or 403: nothing to be refused by
    assert "Wrong password" in token["400"]["description"]
    assert "security" not in schema
    for path, _, op in operations(schema):
        if path.startswith(("/api/v1/auth/", "/api/v1/public/")):
            continue
        assert {"tokenAuth": []} in op["security"], path


def test_an_admin_only_write_says_who_may_do_it() -> None:
    schema = openapi_schema()

    shifts = operation(schema, "/api/v1/on-call/shifts/", "post")["responses"]["403"]
    clinicians = operation(schema, "/api/v1/clinicians/", "post")["responses"]["403"]
    reading = operation(schema, "/api/v1/on-call/shifts/", "get")["responses"]["403"]
    assert "clinic admin" in shifts["description"]
    assert "integration key" in clinicians["description"]
    assert "admin" not in reading["description"]


# The real answers -------------------------------------------------------------------------


def _assert_documented_error(
    schema: dict, path: str, method: str, response: object, status: int
) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert errors_of(schema, {"$ref": ERROR_REF}, body) == [], body
    assert body["message"]
    if status != 405:  # a method the path does not have is no operation to list it
        assert str(status) in operation(schema, path, method)["responses"], (path, status)


def test_bad_input_and_unknown_ids_answer_the_documented_error(
    as_alice: APIClient, pat: Patient
) -> None:
    schema = openapi_schema()
    cases = [
        ("/api/v1/sessions/", "post", {"patient": 999999, "treatment": "x"}, 400),
        ("/api/v1/patients/", "post", {"first_name": "Pat"}, 400),
        ("/api/v1/patients/import/", "post", {"patients": [{"first_name": "Pat"}]}, 400),
        ("/api/v1/flags/{id}/resolve/", "post", None, 404),
    ]
    for path, method, body, status in cases:
        url = path.replace("{id}", "999999")
        response = as_alice.post(url, body, format="json")
        _assert_documented_error(schema, path, method, response, status)

    filtered = as_alice.get("/api/v1/check-ins/", {"status": "nonsense"})
    _assert_documented_error(schema, "/api/v1/check-ins/", "get", filtered, 400)
    page = as_alice.get("/api/v1/check-ins/", {"page": 99})
    _assert_documented_error(schema, "/api/v1/check-ins/", "get", page, 404)
    retrieve = as_alice.get("/api/v1/patients/999999/")
    _assert_documented_error(schema, "/api/v1/patients/{id}/", "get", retrieve, 404)
    rows = as_alice.post(
        "/api/v1/patients/import/", {"patients": [{"first_name": "Pat"}]}, format="json"
    )
    assert rows.json()["extra"]["rows"]


def test_refusals_answer_the_documented_error(
    as_bob: APIClient, bob: Clinician, pat: Patient
) -> None:
    schema = openapi_schema()
    nobody = APIClient().get("/api/v1/patients/")
    wrong = APIClient(HTTP_AUTHORIZATION="Token fup_not-a-token").get("/api/v1/patients/")
    not_admin = as_bob.post(
        "/api/v1/on-call/shifts/",
        {
            "clinician": bob.pk,
            "starts_at": "2026-12-01T08:00:00Z",
            "ends_at": "2026-12-01T20:00:00Z",
        },
        format="json",
    )
    no_such_method = as_bob.delete(f"/api/v1/patients/{pat.pk}/")

    _assert_documented_error(schema, "/api/v1/patients/", "get", nobody, 401)
    _assert_documented_error(schema, "/api/v1/patients/", "get", wrong, 401)
    _assert_documented_error(schema, "/api/v1/on-call/shifts/", "post", not_admin, 403)
    _assert_documented_error(schema, "/api/v1/patients/{id}/", "delete", no_such_method, 405)
    assert nobody.json()["code"] == "not_authenticated"
    assert not_admin.json()["code"] == "permission_denied"


def test_conflicts_answer_the_documented_error(
    as_alice: APIClient, alice: Clinician, pat: Patient
) -> None:
    schema = openapi_schema()
    flag = raise_flag(pat, SI)
    flag_resolve(flag=flag, actor=alice, note="Called; safe.")
    again = as_alice.post(f"/api/v1/flags/{flag.pk}/resolve/", {"note": "Again"}, format="json")
    taken = as_alice.post(
        "/api/v1/patients/",
        {
            "first_name": "Sam",
            "last_name": "Lee",
            "phone": pat.phone,
            "timezone": "UTC",
            "channel": "web",
        },
        format="json",
    )

    _assert_documented_error(schema, "/api/v1/flags/{id}/resolve/", "post", again, 409)
    assert again.json()["code"] == "already_resolved"
    assert Flag.objects.get(pk=flag.pk).resolution_note == "Called; safe."
    _assert_documented_error(schema, "/api/v1/patients/", "post", taken, 409)
    assert taken.json()["code"] == "duplicate_phone"


def test_a_key_sent_again_with_another_body_answers_the_documented_422(
    as_alice: APIClient, pat: Patient
) -> None:
    schema = openapi_schema()
    key = {"HTTP_IDEMPOTENCY_KEY": "0b6d3f1e-7a2c-4e9d-8c1b-2a3f4e5d6c7b"}
    body = {"patient": pat.pk, "occurred_at": "2026-11-20T14:30:00Z", "treatment": "other"}
    first = as_alice.post("/api/v1/sessions/", body, format="json", **key)
    other = as_alice.post(
        "/api/v1/sessions/", {**body, "treatment": "esketamine"}, format="json", **key
    )

    assert first.status_code == 201
    _assert_documented_error(schema, "/api/v1/sessions/", "post", other, 422)
    assert other.json()["code"] == "idempotency_key_reused"


def test_a_used_link_and_a_lockout_answer_the_documented_error(pat: Patient) -> None:
    schema = openapi_schema()
    _, check_ins = session_record(
        patient=pat, occurred_at=timezone.now() - dt.timedelta(hours=25), treatment="other"
    )
    check_in = check_ins[0]
    check_in.status, check_in.expires_at = "expired", timezone.now()
    check_in.save(update_fields=["status", "expires_at"])
    link = f"/api/v1/public/check-ins/{checkin_token_make(check_in.pk)}/"
    gone = APIClient().get(link)
    _assert_documented_error(schema, "/api/v1/public/check-ins/{token}/", "get", gone, 410)

    # A wrong password, again and again for one username, from one address: locked out.
    answers = [
        APIClient().post(
            "/api/v1/auth/token/", {"username": "alice", "password": "wrong"}, format="json"
        )
        for _ in range(6)
    ]
    _assert_documented_error(schema, "/api/v1/auth/token/", "post", answers[0], 400)
    _assert_documented_error(schema, "/api/v1/auth/token/", "post", answers[-1], 429)
    assert answers[-1].json()["code"] == "locked_out"
