"""Schemathesis against the live OpenAPI schema, as a clinic admin: whatever it generates,
valid or not, the API answers with a 2xx, 3xx or 4xx, never a server error (SPEC §3)."""

import pytest
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.test import APIClient
from schemathesis import GenerationMode

from followup.models import Patient
from followup.services.sessions import session_record
from tests.support.fuzz import send

# Examples per operation and mode (valid, then invalid): about 1,400 requests in all, in
# about a minute and a half on two shared cores.
EXAMPLES = 25

# In the test's transaction: no commit per request, and the run leaves nothing behind. A
# database error in a request is a server error, reported as such.
pytestmark = pytest.mark.django_db


def _run(client: APIClient, operation: object, mode: GenerationMode, sent: list[str]) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case) -> None:
        sent.append(case.method)
        try:
            response = send(client, case)
        except Exception as exc:
            raise AssertionError(f"{exc!r}\n{case.as_curl_command()}") from exc
        assert response.status_code < 500, (
            f"{response.status_code} from {case.method} {case.formatted_path}\n"
            f"{case.as_curl_command()}"
        )

    run()


def test_no_generated_request_is_a_server_error(as_alice: APIClient, pat: Patient) -> None:
    session_record(patient=pat, occurred_at=timezone.now(), treatment="other")
    raw = as_alice.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    schema = schemathesis.openapi.from_dict(raw)
    sent: list[str] = []
    failures: list[str] = []

    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _run(as_alice, operation, mode, sent)
            except Unsatisfiable:
                # Nothing to send wrong: an operation with no parameters and no body.
                continue
            except AssertionError as exc:
                failures.append(f"{operation.label} ({mode.value}): {exc}")

    assert not failures, "\n\n".join(failures)
    assert len(sent) >= 1000
