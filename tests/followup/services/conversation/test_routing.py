"""Whose text it is: replies are routed by the pair (To, From). A clinic with its own number hears
only its own patients; on the shared number, a phone that two clinics enrolled is never settled
silently: a crisis text pages every clinic behind it, and STOP and START apply to every record."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from followup.models import CheckIn, Clinic, Clinician, Flag, InboundMessage, OnCallShift, Patient
from followup.services.clinics import clinician_create
from followup.services.dispatch import checkins_dispatch_due
from tests.support.patients import enrol
from tests.support.sms import NOW, SHARED_NUMBER, bodies, text
from tests.support.web import web_client

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.time_machine(NOW, tick=False)]

HILLCREST_NUMBER = "+13035550100"
CRISIS = "I want to end my life"


def _on_call(clinician: Clinician) -> Clinician:
    OnCallShift.objects.create(
        clinic=clinician.clinic,
        clinician=clinician,
        level=1,
        starts_at=NOW - dt.timedelta(hours=8),
        ends_at=NOW + dt.timedelta(days=3),
    )
    return clinician


@pytest.fixture
def hillcrest(mallory: Clinician) -> Clinic:
    return mallory.clinic


@pytest.fixture
def bob_on_call(bob: Clinician) -> Clinician:
    return _on_call(bob)


@pytest.fixture
def harriet_on_call(hillcrest: Clinic) -> Clinician:
    harriet = clinician_create(
        clinic=hillcrest, username="harriet", password="x-Long-enough-9", phone="+13035550140"
    )
    return _on_call(harriet)


@pytest.fixture
def twin(hillcrest: Clinic, mallory: Clinician, pat: Patient) -> Patient:
    """Hillcrest's patient, enrolled with the same phone number as Riverside's Pat."""
    return enrol(hillcrest, "Tess", "Twin", pat.phone, actor=mallory, timezone="America/Denver")


def _session_yesterday(client: APIClient, patient: Patient) -> None:
    """A session 25 hours ago: its first check-in is due now."""
    response = client.post(
        "/api/v1/sessions/",
        {
            "patient": patient.pk,
            "occurred_at": (NOW - dt.timedelta(hours=25)).isoformat(),
            "treatment": "esketamine",
        },
        format="json",
    )
    assert response.status_code == 201


def _own_number(clinic: Clinic, number: str = HILLCREST_NUMBER) -> None:
    clinic.sms_number = number
    clinic.save(update_fields=["sms_number"])


def test_a_reply_to_a_clinics_own_number_reaches_only_that_clinics_patient(
    twilio: object,
    celery_inline: list,
    pat: Patient,
    twin: Patient,
    hillcrest: Clinic,
    bob_on_call: Clinician,
    harriet_on_call: Clinician,
) -> None:
    _own_number(hillcrest)

    text(twilio, twin, CRISIS, to=HILLCREST_NUMBER)

    flag = Flag.objects.get()
    assert (flag.clinic, flag.patient, flag.priority) == (hillcrest, twin, "critical")
    assert InboundMessage.objects.get().patient == twin
    assert len(twilio.messages_to(harriet_on_call.phone)) == 1
    assert twilio.messages_to(bob_on_call.phone) == []
    (crisis,) = twilio.messages_to(twin.phone)
    assert crisis.params["From"] == HILLCREST_NUMBER
    assert crisis.params["Body"].startswith("Hillcrest Clinic:")


def test_each_clinic_sends_from_its_own_sender_and_the_rest_from_the_shared_one(
    twilio: object,
    celery_inline: list,
    as_alice: APIClient,
    as_mallory: APIClient,
    pat: Patient,
    hillcrest: Clinic,
    mallory: Clinician,
) -> None:
    _own_number(hillcrest)
    other = enrol(
        hillcrest, "Olive", "Other", "+13035550177", actor=mallory, timezone="America/Denver"
    )
    for client, patient in ((as_alice, pat), (as_mallory, other)):
        _session_yesterday(client, patient)
    checkins_dispatch_due()

    assert [m.params["From"] for m in twilio.messages_to(pat.phone)] == [SHARED_NUMBER]
    assert [m.params["From"] for m in twilio.messages_to(other.phone)] == [HILLCREST_NUMBER]


def test_a_clinics_messaging_service_sends_its_texts_and_routes_its_replies(
    twilio: object,
    celery_inline: list,
    pat: Patient,
    twin: Patient,
    hillcrest: Clinic,
    harriet_on_call: Clinician,
    bob_on_call: Clinician,
) -> None:
    service = "MG" + "0123456789abcdef" * 2
    hillcrest.messaging_service_sid = service
    hillcrest.save(update_fields=["messaging_service_sid"])

    # A number in the service's pool: Twilio names the service in the webhook.
    text(twilio, twin, CRISIS, to="+13035550199", MessagingServiceSid=service)

    flag = Flag.objects.get()
    assert (flag.clinic, flag.patient) == (hillcrest, twin)
    (crisis,) = twilio.messages_to(twin.phone)
    assert crisis.params.get("MessagingServiceSid") == service
    assert "From" not in crisis.params
    assert twilio.messages_to(bob_on_call.phone) == []


def test_a_crisis_text_on_the_shared_number_pages_every_clinic_with_a_patient_on_it(
    twilio: object,
    celery_inline: list,
    pat: Patient,
    twin: Patient,
    hillcrest: Clinic,
    bob_on_call: Clinician,
    harriet_on_call: Clinician,
) -> None:
    text(twilio, pat, CRISIS)

    flags = {flag.clinic_id: flag for flag in Flag.objects.all()}
    assert set(flags) == {pat.clinic_id, hillcrest.pk}
    assert {(f.patient, f.reason, f.priority) for f in flags.values()} == {
        (pat, "crisis_language", "critical"),
        (twin, "crisis_language", "critical"),
    }
    # Each clinic's on-call clinician is paged once, and the person gets one crisis message.
    assert len(twilio.messages_to(bob_on_call.phone)) == 1
    assert len(twilio.messages_to(harriet_on_call.phone)) == 1
    assert len([b for b in bodies(twilio, pat) if "988" in b]) == 1

    # The dashboard of the clinic whose record did not take the text says it may be theirs,
    # and shows the text.
    (shared,) = [f for f in flags.values() if f.evidence[0].get("shared_number")]
    on_call = {pat.clinic_id: bob_on_call, hillcrest.pk: harriet_on_call}[shared.clinic_id]
    html = web_client(on_call).get(f"/dashboard/flags/{shared.pk}/").content.decode()
    assert "a patient of another clinic has the same phone number" in html
    assert CRISIS in html
    assert "crisis message answered it" in html


def test_stop_and_start_on_the_shared_number_apply_to_every_record_behind_it(
    twilio: object, celery_inline: list, pat: Patient, twin: Patient
) -> None:
    text(twilio, pat, "STOP")

    assert set(Patient.objects.values_list("opted_out", flat=True)) == {True}
    assert len(bodies(twilio, pat)) == 1  # confirmed once

    text(twilio, pat, "START")

    assert set(Patient.objects.values_list("opted_out", flat=True)) == {False}


def test_an_answer_on_the_shared_number_goes_to_the_record_with_a_check_in_open(
    twilio: object,
    celery_inline: list,
    as_alice: APIClient,
    as_mallory: APIClient,
    pat: Patient,
    twin: Patient,
) -> None:
    (baseline,) = CheckIn.objects.filter(patient=twin)
    assert as_mallory.post(f"/api/v1/check-ins/{baseline.pk}/cancel/").status_code == 200
    _session_yesterday(as_alice, pat)
    checkins_dispatch_due()

    text(twilio, pat, "2")

    check_in = CheckIn.objects.exclude(sent_at=None).get(patient=pat)
    assert check_in.responses.get(instrument="phq9").answers[0] == 2
    assert InboundMessage.objects.get().patient == pat


def test_a_nul_character_in_a_text_loses_nothing(
    twilio: object, celery_inline: list, pat: Patient, bob_on_call: Clinician
) -> None:
    response = text(twilio, Patient(phone=pat.phone + "\x00"), "I want to end\x00 my life")

    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert (message.from_number, message.patient) == (pat.phone, pat)
    assert message.body == "I want to end my life"
    assert Flag.objects.get().patient == pat
    assert len(twilio.messages_to(bob_on_call.phone)) == 1


def test_a_clinic_gets_its_own_number_when_it_is_created(db: None) -> None:
    out = io.StringIO()
    call_command(
        "createclinic",
        "Lakeside Clinic",
        "--admin",
        "lake",
        "--password",
        "x-Long-enough-9",
        "--sms-number",
        "(720) 555-0100",
        stdout=out,
    )
    assert Clinic.objects.get(name="Lakeside Clinic").sms_number == "+17205550100"


def test_the_patient_page_says_when_another_clinic_shares_the_number(
    pat: Patient, twin: Patient, hillcrest: Clinic, bob: Clinician
) -> None:
    page = web_client(bob).get(f"/dashboard/patients/{pat.pk}/").content.decode()
    assert "Shared phone number." in page
    assert "Another clinic has a patient with this phone number" in page

    _own_number(hillcrest)

    page = web_client(bob).get(f"/dashboard/patients/{pat.pk}/").content.decode()
    assert "Shared phone number." not in page
