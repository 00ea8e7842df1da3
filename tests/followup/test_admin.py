"""The Django admin: operators see everything; a clinic admin reads only their own clinic."""

import datetime as dt

import pytest
from django.db import models
from django.test import Client
from django.utils import timezone

from followup.models import (
    AuditEvent,
    Clinic,
    Clinician,
    InboundMessage,
    OutboundMessage,
    Patient,
)
from followup.services.sessions import session_record
from tests.support.flags import SI, raise_flag
from tests.support.patients import score
from tests.support.web import web_client


def signed_in(user: Clinician) -> Client:
    """Both factors: the admin site asks for the same second factor as the dashboard."""
    return web_client(user)


def test_a_clinic_admin_reads_their_own_patients(alice: Clinician, pat: Patient) -> None:
    page = signed_in(alice).get("/admin/followup/patient/")

    assert page.status_code == 200
    assert f"/admin/followup/patient/{pat.pk}/change/" in page.content.decode()


def test_another_clinics_admin_cannot_open_them(mallory: Clinician, pat: Patient) -> None:
    client = signed_in(mallory)

    listing = client.get("/admin/followup/patient/")
    detail = client.get(f"/admin/followup/patient/{pat.pk}/change/")

    assert f"/admin/followup/patient/{pat.pk}/" not in listing.content.decode()
    assert detail.status_code == 302  # the admin's "does not exist" redirect to its index


def test_a_clinic_admin_cannot_write_or_delete_from_the_admin(
    alice: Clinician, pat: Patient
) -> None:
    client = signed_in(alice)

    response = client.post(f"/admin/followup/patient/{pat.pk}/change/", {"first_name": "Changed"})
    delete = client.post(f"/admin/followup/patient/{pat.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert delete.status_code == 403
    pat.refresh_from_db()
    assert pat.first_name == "Pat"


def test_a_clinician_has_no_admin(bob: Clinician) -> None:
    assert signed_in(bob).get("/admin/followup/patient/").status_code == 302


def _clinic_form(clinic: Clinic, **changes: str) -> dict[str, str]:
    fields = {
        "name": clinic.name,
        "timezone": clinic.timezone,
        "country": clinic.country,
        "quiet_hours_start": "21:00",
        "quiet_hours_end": "08:00",
        "crisis_line": clinic.crisis_line,
        "emergency_line": clinic.emergency_line,
        "phone": clinic.phone,
    }
    return {**fields, **changes}


def test_an_operator_sets_the_clinics_own_number_checked_and_stored_as_e164(
    clinic: Clinic,
) -> None:
    operator = Clinician.objects.create_superuser("ops", password="a long enough passphrase")
    client = signed_in(operator)
    path = f"/admin/followup/clinic/{clinic.pk}/change/"

    refused = client.post(path, _clinic_form(clinic, phone="555-0142"))
    clinic.refresh_from_db()
    assert refused.status_code == 200  # the form again, with the error
    assert "not a valid phone number" in refused.content.decode()
    assert clinic.phone == ""

    saved = client.post(path, _clinic_form(clinic, phone="(312) 555-0142"))
    clinic.refresh_from_db()
    assert saved.status_code == 302
    assert clinic.phone == "+13125550142"


def test_a_clinic_admin_is_not_offered_a_filter_that_names_every_clinic(
    alice: Clinician, mallory: Clinician
) -> None:
    page = signed_in(alice).get("/admin/followup/clinician/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Hillcrest Clinic" not in html
    assert "clinic__id__exact" not in html


def test_an_operator_filters_clinicians_by_clinic(alice: Clinician, mallory: Clinician) -> None:
    operator = Clinician.objects.create_superuser("ops", password="a long enough passphrase")

    html = signed_in(operator).get("/admin/followup/clinician/").content.decode()

    assert "clinic__id__exact" in html
    assert "Hillcrest Clinic" in html


# Audited reads, and the audit log itself read-only ---------------------------------------


def _rows_of(pat: Patient) -> dict[str, models.Model]:
    """One row of each kind the admin shows with patient data."""
    session, check_ins = session_record(
        patient=pat, occurred_at=timezone.now() - dt.timedelta(days=2), treatment="other"
    )
    score(pat, "phq9", 12, days_ago=1)
    inbound = InboundMessage.objects.create(
        message_sid="SM" + "1" * 32, from_number=pat.phone, body="2", patient=pat
    )
    outbound = OutboundMessage.objects.create(
        clinic=pat.clinic, patient=pat, purpose="question", to=pat.phone, body="Q1",
        idempotency_key="admin-test",
    )  # fmt: skip
    return {
        "patient": pat,
        "treatmentsession": session,
        "checkin": check_ins[0],
        "response": pat.responses.get(),
        "flag": raise_flag(pat, SI),
        "inboundmessage": inbound,
        "outboundmessage": outbound,
    }


@pytest.mark.parametrize(
    "model",
    [
        "patient",
        "treatmentsession",
        "checkin",
        "response",
        "flag",
        "inboundmessage",
        "outboundmessage",
    ],
)
def test_the_admins_list_and_object_pages_of_patient_data_are_audited(
    alice: Clinician, pat: Patient, model: str
) -> None:
    row = _rows_of(pat)[model]
    client = signed_in(alice)

    listing = client.get(f"/admin/followup/{model}/", REMOTE_ADDR="192.0.2.9")
    shown = client.get(f"/admin/followup/{model}/{row.pk}/change/")

    assert (listing.status_code, shown.status_code) == (200, 200)
    listed = AuditEvent.objects.get(action=f"{model}.admin_list")
    assert (listed.actor, listed.ip_address) == (alice, "192.0.2.9")
    assert row.pk in listed.detail["ids"]
    assert listed.detail["patients"] == [pat.pk]
    viewed = AuditEvent.objects.get(action=f"{model}.admin_view")
    assert (viewed.actor, viewed.patient, viewed.object_id) == (alice, pat, str(row.pk))


def test_an_operator_adding_an_account_in_the_admin_is_audited(clinic: Clinic) -> None:
    operator = Clinician.objects.create_superuser("ops", password="a long enough passphrase")
    client = signed_in(operator)

    response = client.post(
        "/admin/followup/clinician/add/",
        {
            "username": "carol",
            "password1": "another long passphrase",
            "password2": "another long passphrase",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    carol = Clinician.objects.get(username="carol")
    event = AuditEvent.objects.get(action="clinician.create", object_id=str(carol.pk))
    assert event.actor == operator
    assert event.detail["via"] == "admin"


def test_nobody_adds_changes_or_deletes_audit_rows_in_the_admin(alice: Clinician) -> None:
    operator = Clinician.objects.create_superuser("ops", password="a long enough passphrase")
    event = AuditEvent.objects.get(action="clinician.create", object_id=str(alice.pk))
    client = signed_in(operator)
    base = "/admin/followup/auditevent/"

    assert client.get(base).status_code == 200
    page = client.get(f"{base}{event.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # shown, not a form
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{event.pk}/change/", {"action": "x"}).status_code == 403
    assert client.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = client.post(base, {"action": "delete_selected", "_selected_action": [event.pk]})
    assert bulk.status_code in (200, 302)
    assert AuditEvent.objects.filter(pk=event.pk, action=event.action).exists()
