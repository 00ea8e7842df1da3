"""No N+1: every list and detail of the API costs the same number of queries for a few rows as
for many (a page of 50 patients, with their scores, check-ins, responses and flags)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from followup.models import Clinician, OnCallShift, Patient
from followup.services.flags import flag_acknowledge
from followup.services.sessions import session_record
from tests.support.cast import client_with, key_for
from tests.support.flags import SI, raise_flag
from tests.support.patients import enrol, score

pytestmark = pytest.mark.django_db

PATHS = (
    "/api/v1/patients/",
    "/api/v1/check-ins/",
    "/api/v1/responses/",
    "/api/v1/flags/",
    "/api/v1/flags/?status=open",
    "/api/v1/clinicians/",
    "/api/v1/on-call/shifts/",
)


def fill(pat: Patient, first: int, count: int) -> None:
    """``count`` more patients, each with sessions, scores, a flag and a shift of their own."""
    now = timezone.now()
    for n in range(first, first + count):
        other = enrol(pat.clinic, "P", f"Many{n:02d}", f"+1312555{n + 3000:04d}")
        session_record(patient=other, occurred_at=now - dt.timedelta(days=2), treatment="other")
        score(other, "phq9", 5 + n % 20, days_ago=1)
        score(other, "gad7", n % 20, days_ago=1)
        flag = raise_flag(other, SI)
        if n % 2:
            flag_acknowledge(flag=flag, actor=pat.clinic.clinicians.first(), via="api")
        OnCallShift.objects.create(
            clinic=pat.clinic,
            clinician=pat.clinic.clinicians.first(),
            level=1 + n % 2,
            starts_at=now + dt.timedelta(days=n),
            ends_at=now + dt.timedelta(days=n, hours=8),
        )


def queries(client: APIClient, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.content[:200])
    return len(captured)


@pytest.mark.parametrize("path", PATHS)
def test_a_list_costs_the_same_queries_for_two_rows_as_for_twenty(
    as_alice: APIClient, pat: Patient, path: str
) -> None:
    fill(pat, 0, 2)
    as_alice.get(path)  # the token's first use
    few = queries(as_alice, path)
    fill(pat, 2, 18)

    assert queries(as_alice, path) == few


def test_a_flags_timeline_costs_the_same_queries_however_long(
    as_alice: APIClient, pat: Patient
) -> None:
    flag = raise_flag(pat, SI)
    path = f"/api/v1/flags/{flag.pk}/"
    as_alice.get(path)
    few = queries(as_alice, path)
    for _ in range(10):
        raise_flag(pat, SI)  # re-triggered: more events on the same flag
    flag_acknowledge(flag=flag, actor=pat.clinic.clinicians.first(), via="api")

    assert queries(as_alice, path) == few


def test_a_token_costs_one_query_with_the_clinic_and_its_plan(as_alice: APIClient) -> None:
    """The instruments need nothing from the database: what is left is the caller."""
    assert queries(as_alice, "/api/v1/instruments/") == 1


# Writing an audit event: its insert (PostgreSQL links the chain in a trigger; SQLite, in the
# development setup, reads the last row first).
AUDIT_WRITE = 1 if connection.vendor == "postgresql" else 2


@pytest.mark.parametrize("path", ["/api/v1/instruments/", *PATHS])
def test_an_integration_key_costs_what_a_token_does_and_its_audit(
    as_alice: APIClient, alice: Clinician, pat: Patient, path: str
) -> None:
    fill(pat, 0, 2)
    as_key = client_with(key_for(alice))
    as_alice.get(path)
    as_key.get(path)

    assert queries(as_key, path) == queries(as_alice, path) + AUDIT_WRITE
