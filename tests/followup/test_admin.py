"""The Django admin: operators see everything; a clinic admin reads only their own clinic."""

from django.test import Client

from followup.models import Clinician, Patient
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
