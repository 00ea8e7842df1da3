import pytest
from django.test import Client

from followup.models import Clinician, InboundMessage, Patient
from tests.support.web import web_client as signed_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reply_from_the_dev_phone_goes_through_the_inbound_path(
    alice: Clinician, pat: Patient, celery_inline: list
) -> None:
    client = signed_in(alice)

    response = client.post(f"/dev/phone/{pat.pk}/", {"body": "STOP"})
    thread = client.get(f"/dev/phone/{pat.pk}/")

    assert response.status_code == 302
    assert InboundMessage.objects.get().status == "handled"
    pat.refresh_from_db()
    assert pat.opted_out
    html = thread.content.decode()
    assert "STOP" in html
    assert "You will get no more messages from Riverside Ketamine Clinic." in html


def test_it_exists_only_with_the_console_backend(
    alice: Clinician, pat: Patient, settings: object
) -> None:
    settings.SMS_BACKEND = "twilio"

    assert signed_in(alice).get("/dev/phone/").status_code == 404


def test_another_clinic_cannot_read_the_thread(mallory: Clinician, pat: Patient) -> None:
    assert signed_in(mallory).get(f"/dev/phone/{pat.pk}/").status_code == 404


def test_it_needs_a_sign_in(pat: Patient) -> None:
    assert Client().get("/dev/phone/").status_code == 302
