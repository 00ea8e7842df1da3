"""Headers on pages and API answers: a strict Content-Security-Policy, and no copy of patient
data kept by a browser or proxy (``Cache-Control: no-store``)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from followup.models import CheckIn, Clinician, Patient
from followup.services.checkin_links import checkin_token_make
from followup.services.sessions import session_record
from tests.support.web import web_client


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.fixture
def check_in_token(pat: Patient) -> str:
    _, check_ins = session_record(
        patient=pat, occurred_at=timezone.now() - dt.timedelta(hours=25), treatment="other"
    )
    now = timezone.now()
    CheckIn.objects.filter(pk=check_ins[0].pk).update(
        status="sent", sent_at=now, expires_at=now + dt.timedelta(hours=72)
    )
    return checkin_token_make(check_ins[0].pk)


def test_pages_allow_only_their_own_scripts_and_styles(
    bob: Clinician, pat: Patient, check_in_token: str
) -> None:
    for response in (
        web_client(bob).get("/dashboard/"),
        web_client(bob).get(f"/dashboard/patients/{pat.pk}/"),
        Client().get(f"/c/{check_in_token}"),
        Client().get("/dashboard/login/"),
    ):
        assert response.status_code == 200
        policy = _directives(response["Content-Security-Policy"])
        assert policy["default-src"] == ["'none'"]
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        html = response.content.decode()
        assert "<style" not in html
        assert "style=" not in html
        assert "<script>" not in html


@pytest.mark.usefixtures("dev_mode")
def test_patient_data_is_never_stored_by_a_browser_or_proxy(
    bob: Clinician, as_bob: APIClient, pat: Patient, check_in_token: str
) -> None:
    responses = {
        "api list": as_bob.get("/api/v1/patients/"),
        "api detail": as_bob.get(f"/api/v1/patients/{pat.pk}/"),
        "api refused": as_bob.get("/api/v1/patients/999999/"),
        "queue": web_client(bob).get("/dashboard/"),
        "patient page": web_client(bob).get(f"/dashboard/patients/{pat.pk}/"),
        "check-in page": Client().get(f"/c/{check_in_token}"),
        "public check-in": Client().get(f"/api/v1/public/check-ins/{check_in_token}/"),
        "dev phone": web_client(bob).get(f"/dev/phone/{pat.pk}/"),
    }

    for name, response in responses.items():
        assert response.status_code in (200, 404), name
        assert "no-store" in response["Cache-Control"], name
