"""The Django admin: operators see everything; a clinic admin reads only their own clinic."""

from django.test import Client

from followup.models import Clinic, Clinician, Patient
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
