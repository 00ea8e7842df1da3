"""The examples in the schema fit their operation's schemas, and the main ones work as sent."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from followup.models import CheckIn, Patient
from followup.services.checkin_links import checkin_token_make
from followup.services.sessions import session_record
from tests.support.openapi import errors_of, openapi_schema, operation, operations

pytestmark = pytest.mark.django_db

MAIN_WRITES = {
    ("/api/v1/auth/token/", "post"): {"request", "200"},
    ("/api/v1/patients/", "post"): {"request", "201"},
    ("/api/v1/sessions/", "post"): {"request"},
    ("/api/v1/flags/{id}/acknowledge/", "post"): {"200"},
    ("/api/v1/flags/{id}/resolve/", "post"): {"request", "200"},
    ("/api/v1/public/check-ins/{token}/responses/", "post"): {"request", "201", "202"},
}


def _examples(op: dict) -> list[tuple[str, str, dict, object]]:
    """Every example of an operation: ``(where, name, schema, value)``."""
    found = []
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    for name, example in body.get("examples", {}).items():
        found.append(("request", name, body["schema"], example["value"]))
    for status, response in op["responses"].items():
        content = response.get("content", {}).get("application/json", {})
        for name, example in content.get("examples", {}).items():
            found.append((status, name, content["schema"], example["value"]))
    return found


def test_every_example_fits_its_schema() -> None:
    schema = openapi_schema()
    wrong = []
    seen = 0

    for path, method, op in operations(schema):
        for where, name, body_schema, value in _examples(op):
            seen += 1
            for error in errors_of(schema, body_schema, value):
                wrong.append(f"{method.upper()} {path} {where} {name!r}: {error}")

    assert not wrong, "\n".join(wrong)
    assert seen >= 12


def test_the_main_writes_have_examples_of_what_they_take_and_give() -> None:
    schema = openapi_schema()

    for (path, method), wanted in MAIN_WRITES.items():
        where = {where for where, *_ in _examples(operation(schema, path, method))}
        assert wanted <= where, (path, wanted - where)
    public = operation(schema, "/api/v1/public/check-ins/{token}/responses/", "post")
    names = [name for where, name, *_ in _examples(public) if where == "request"]
    assert len(names) == 2  # complete and partial


def test_an_example_that_does_not_fit_is_caught() -> None:
    """The check above is not vacuous: a misspelt field or a wrong type fails it."""
    schema = openapi_schema()
    body = operation(schema, "/api/v1/patients/", "post")["requestBody"]["content"]
    patient_in = body["application/json"]["schema"]

    assert errors_of(schema, patient_in, {"first_name": "Pat"})
    fine = {"first_name": "P", "last_name": "J", "phone": "+13125550100", "timezone": "UTC"}
    assert not errors_of(schema, patient_in, fine)
    assert errors_of(schema, patient_in, {**fine, "frist_name": "P"})
    assert errors_of(schema, patient_in, {**fine, "sms_consent": "yes"})


def test_the_patient_example_enrols_a_patient_as_it_says(as_alice: APIClient) -> None:
    schema = openapi_schema()
    op = operation(schema, "/api/v1/patients/", "post")
    examples = {name: value for where, name, _, value in _examples(op) if where == "request"}

    for value in examples.values():
        response = as_alice.post("/api/v1/patients/", value, format="json")
        assert response.status_code == 201, response.json()
        created = response.json()
        assert (
            errors_of(
                schema, op["responses"]["201"]["content"]["application/json"]["schema"], created
            )
            == []
        )
    assert Patient.objects.filter(external_id="MRN-00042").exists()


def test_the_public_examples_save_some_answers_then_score_them(pat: Patient) -> None:
    _, check_ins = session_record(
        patient=pat, occurred_at=timezone.now() - dt.timedelta(hours=25), treatment="other"
    )
    now = timezone.now()
    CheckIn.objects.filter(pk=check_ins[0].pk).update(
        status="sent", sent_at=now, expires_at=now + dt.timedelta(hours=72)
    )
    path = "/api/v1/public/check-ins/{token}/responses/"
    url = path.replace("{token}", checkin_token_make(check_ins[0].pk))
    schema = openapi_schema()
    op = operation(schema, path, "post")
    examples = {name: value for where, name, _, value in _examples(op) if where == "request"}

    partial = APIClient().post(url, examples["SomeItemsSoFar"], format="json")
    complete = APIClient().post(url, examples["EveryItemAnswered"], format="json")

    assert (partial.status_code, complete.status_code) == (202, 201)
    for response in (partial, complete):
        status = str(response.status_code)
        body_schema = op["responses"][status]["content"]["application/json"]["schema"]
        assert errors_of(schema, body_schema, response.json()) == []
    assert complete.json()["totals"] == {"phq9": 7, "gad7": 4}
    assert complete.json()["severities"] == {"phq9": "mild", "gad7": "minimal"}
