"""Integration keys for EHRs: a clinic's key acts as the admin who made it, within its scope,
until it expires or is revoked; only its hash is kept, and every use is an audit event."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from followup.models import AuditEvent, Clinician, IntegrationKey, Patient
from followup.services.credentials import integration_key_revoke
from tests.support.cast import client_with, key_for

pytestmark = pytest.mark.django_db

NEW_PATIENT = {
    "first_name": "Quinn",
    "last_name": "Lee",
    "phone": "+13125550188",
    "timezone": "America/Chicago",
    "channel": "sms",
    "language": "en",
    "sms_consent": True,
}


@pytest.mark.parametrize("scheme", ["Token", "Bearer"])
def test_a_read_write_key_reads_and_writes_its_clinic(
    alice: Clinician, pat: Patient, scheme: str
) -> None:
    client = client_with(key_for(alice), scheme)

    listed = client.get("/api/v1/patients/")
    created = client.post("/api/v1/patients/", NEW_PATIENT, format="json")

    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [pat.pk]
    assert created.status_code == 201
    assert Patient.objects.get(pk=created.json()["id"]).clinic == alice.clinic


def test_every_use_of_a_key_is_an_audit_event(alice: Clinician, pat: Patient) -> None:
    client = client_with(key_for(alice))

    client.get("/api/v1/patients/")
    client.get(f"/api/v1/patients/{pat.pk}/")

    uses = AuditEvent.objects.filter(action="integration_key.use").order_by("id")
    key = IntegrationKey.objects.get()
    assert [(e.actor, e.clinic, e.object_id, e.detail["path"]) for e in uses] == [
        (alice, alice.clinic, str(key.pk), "/api/v1/patients/"),
        (alice, alice.clinic, str(key.pk), f"/api/v1/patients/{pat.pk}/"),
    ]
    assert {e.detail["key"] for e in uses} == {"Epic"}


def test_a_read_key_reads_but_is_refused_any_change(alice: Clinician, pat: Patient) -> None:
    client = client_with(key_for(alice, scope="read"))

    assert client.get("/api/v1/patients/").status_code == 200
    created = client.post("/api/v1/patients/", NEW_PATIENT, format="json")
    changed = client.patch(f"/api/v1/patients/{pat.pk}/", {"first_name": "X"}, format="json")

    assert (created.status_code, changed.status_code) == (403, 403)
    assert created.json()["code"] == "read_only_key"
    assert "can only read" in created.json()["message"]
    assert Patient.objects.count() == 1
    pat.refresh_from_db()
    assert pat.first_name == "Pat"
    refused = AuditEvent.objects.filter(action="integration_key.use", detail__refused__isnull=False)
    assert [e.detail["method"] for e in refused.order_by("id")] == ["POST", "PATCH"]


def test_an_expired_key_is_refused(alice: Clinician) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = client_with(key_for(alice, valid_days=30))
        clock.shift(dt.timedelta(days=30) - dt.timedelta(seconds=1))
        assert client.get("/api/v1/patients/").status_code == 200
        clock.shift(dt.timedelta(seconds=1))

        response = client.get("/api/v1/patients/")

    assert response.status_code == 401
    assert "expired" in response.json()["message"]


def test_a_revoked_key_is_refused(alice: Clinician) -> None:
    client = client_with(key_for(alice))
    assert client.get("/api/v1/patients/").status_code == 200

    integration_key_revoke(clinic=alice.clinic, key_id=IntegrationKey.objects.get().pk, actor=alice)
    response = client.get("/api/v1/patients/")

    assert response.status_code == 401
    assert "revoked" in response.json()["message"]


def test_only_the_hash_of_a_key_is_kept(alice: Clinician) -> None:
    key = key_for(alice)

    row = IntegrationKey.objects.values().get()
    assert key.startswith("fuk_")
    assert key not in [str(value) for value in row.values()]
    assert row["digest"] == IntegrationKey.digest_of(key)
    assert (
        client_with(key[:-1] + ("A" if key[-1] != "A" else "B"))
        .get("/api/v1/patients/")
        .status_code
        == 401
    )


def test_a_key_stops_working_when_its_admin_is_no_longer_one(alice: Clinician) -> None:
    client = client_with(key_for(alice))

    alice.role = Clinician.Role.CLINICIAN
    alice.save(update_fields=["role"])

    assert client.get("/api/v1/patients/").status_code == 401


def test_a_key_reaches_only_its_own_clinic(mallory: Clinician, pat: Patient) -> None:
    client = client_with(key_for(mallory))

    assert client.get(f"/api/v1/patients/{pat.pk}/").status_code == 404
    assert client.get("/api/v1/patients/").json()["count"] == 0


def test_a_key_cannot_add_a_clinician(alice: Clinician) -> None:
    """A leaked key must not make itself an account that signs in to the dashboard."""
    client = client_with(key_for(alice))

    response = client.post(
        "/api/v1/clinicians/",
        {"username": "eve", "password": "a long enough passphrase", "role": "admin"},
        format="json",
    )

    assert response.status_code == 403
    assert "signed in themselves" in response.json()["message"]
    assert not Clinician.objects.filter(username="eve").exists()
    assert client.get("/api/v1/clinicians/").status_code == 200
