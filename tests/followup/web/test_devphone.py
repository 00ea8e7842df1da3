import pytest
from django.test import Client

from followup.models import Clinician, InboundMessage, Patient
from followup.services.drills import drill_patient_for
from followup.services.patients import patient_create
from tests.support.web import web_client as signed_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("dev_mode")]


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


def test_it_is_a_404_with_debug_off(alice: Clinician, pat: Patient, settings: object) -> None:
    settings.DEBUG = False
    client = signed_in(alice)

    assert client.get("/dev/phone/").status_code == 404
    assert client.get(f"/dev/phone/{pat.pk}/").status_code == 404
    assert client.post(f"/dev/phone/{pat.pk}/", {"body": "START"}).status_code == 404
    assert not InboundMessage.objects.exists()


def test_it_lists_and_reads_only_the_clinics_own_patients_messages(
    alice: Clinician, mallory: Clinician, pat: Patient
) -> None:
    # Hillcrest's patient texts from another number; an unknown sender texted from Pat's.
    theirs = patient_create(
        clinic=mallory.clinic,
        first_name="Quinn",
        last_name="Hill",
        phone="+13125550999",
        timezone="America/Denver",
        channel="sms",
        sms_consent=True,
    )
    InboundMessage.objects.create(
        message_sid="SMtheirs", from_number=theirs.phone, body="their secret", patient=theirs
    )
    InboundMessage.objects.create(
        message_sid="SMstranger", from_number=pat.phone, body="stranger's text"
    )
    InboundMessage.objects.create(
        message_sid="SMpat", from_number=pat.phone, body="pat's answer", patient=pat
    )
    client = signed_in(alice)

    listing = client.get("/dev/phone/").content.decode()
    thread = client.get(f"/dev/phone/{pat.pk}/").content.decode()

    assert f"/dev/phone/{pat.pk}/" in listing
    assert f"/dev/phone/{theirs.pk}/" not in listing
    assert "pat&#x27;s answer" in thread
    assert "stranger" not in thread
    assert "their secret" not in thread
    assert client.get(f"/dev/phone/{theirs.pk}/").status_code == 404


def test_the_drill_patient_is_not_on_the_dev_phone(alice: Clinician, pat: Patient) -> None:
    drill = drill_patient_for(alice.clinic)
    client = signed_in(alice)

    listing = client.get("/dev/phone/").content.decode()

    assert f"/dev/phone/{pat.pk}/" in listing
    assert f"/dev/phone/{drill.pk}/" not in listing
    assert "Drill Patient" not in listing
    assert client.get(f"/dev/phone/{drill.pk}/").status_code == 404
    assert client.post(f"/dev/phone/{drill.pk}/", {"body": "3"}).status_code == 404
    assert not InboundMessage.objects.exists()


def test_it_does_not_answer_for_a_number_another_clinic_shares(
    alice: Clinician, mallory: Clinician, pat: Patient
) -> None:
    Patient.objects.filter(pk=pat.pk).update(opted_out=True)
    patient_create(
        clinic=mallory.clinic,
        first_name="Quinn",
        last_name="Hill",
        phone=pat.phone,
        timezone="America/Denver",
        channel="sms",
        sms_consent=True,
    )

    response = signed_in(alice).post(f"/dev/phone/{pat.pk}/", {"body": "START"})

    assert response.status_code == 409
    assert "Another clinic has a patient with this number" in response.content.decode()
    assert not InboundMessage.objects.exists()


def test_a_reply_with_a_nul_byte_is_kept_without_it(
    alice: Clinician, pat: Patient, celery_inline: list
) -> None:
    response = signed_in(alice).post(f"/dev/phone/{pat.pk}/", {"body": "HE\x00LP"})

    assert response.status_code == 302
    assert InboundMessage.objects.get().body == "HELP"
