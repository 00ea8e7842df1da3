"""The dev phone's on-call threads: the pages a clinician's phone gets, and ``ACK <code>``
replied from it through the real inbound path. Also the patients' list: the live check-in
marked, and times in the clinic's zone."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from followup.models import CheckIn, Clinician, Flag, InboundMessage, OnCallShift, Patient
from followup.services.clinics import clinician_create
from followup.services.sessions import session_record
from tests.support.cast import PASSWORD
from tests.support.web import web_client as signed_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("dev_mode")]


def test_the_page_arrives_on_the_on_call_thread_and_ack_acknowledges_the_flag(
    alice: Clinician, bob: Clinician, paged_flag: Flag, celery_inline: list
) -> None:
    client = signed_in(alice)

    listing = client.get("/dev/phone/").content.decode()
    before = client.get(f"/dev/phone/on-call/{bob.pk}/").content.decode()
    response = client.post(f"/dev/phone/on-call/{bob.pk}/", {"body": f"ack {paged_flag.code}"})
    after = client.get(f"/dev/phone/on-call/{bob.pk}/").content.decode()

    assert f"/dev/phone/on-call/{bob.pk}/" in listing
    assert f"Reply ACK {paged_flag.code} to acknowledge." in before
    assert "Call: the page read aloud" in before
    assert response.status_code == 302
    paged_flag.refresh_from_db()
    assert (paged_flag.status, paged_flag.acknowledged_by) == ("acknowledged", bob)
    inbound = InboundMessage.objects.get(from_number=bob.phone)
    assert (inbound.body, inbound.status) == (f"ack {paged_flag.code}", "handled")
    assert f"Follow-up: flag {paged_flag.code} acknowledged. Thank you." in after


def test_an_ack_for_a_flag_the_phone_was_not_paged_for_changes_nothing(
    alice: Clinician, paged_flag: Flag, celery_inline: list
) -> None:
    # Alice is not on call: her phone got no page for this flag.
    signed_in(alice).post(f"/dev/phone/on-call/{alice.pk}/", {"body": f"ACK {paged_flag.code}"})

    paged_flag.refresh_from_db()
    assert paged_flag.status == "open"


def test_another_clinic_cannot_open_or_reply_from_a_clinicians_phone(
    mallory: Clinician, bob: Clinician, paged_flag: Flag, celery_inline: list
) -> None:
    client = signed_in(mallory)

    assert client.get(f"/dev/phone/on-call/{bob.pk}/").status_code == 404
    assert client.post(f"/dev/phone/on-call/{bob.pk}/", {"body": "ACK X"}).status_code == 404
    assert f"/dev/phone/on-call/{bob.pk}/" not in client.get("/dev/phone/").content.decode()
    paged_flag.refresh_from_db()
    assert paged_flag.status == "open"
    assert not InboundMessage.objects.exists()


def test_the_on_call_thread_is_a_404_with_debug_off(
    alice: Clinician, bob: Clinician, bob_on_call: OnCallShift, settings: object
) -> None:
    settings.DEBUG = False
    client = signed_in(alice)

    assert client.get(f"/dev/phone/on-call/{bob.pk}/").status_code == 404
    assert client.post(f"/dev/phone/on-call/{bob.pk}/", {"body": "ACK ABC"}).status_code == 404
    assert not InboundMessage.objects.exists()


def test_it_does_not_reply_from_a_phone_another_clinic_shares(
    alice: Clinician, bob: Clinician, mallory: Clinician
) -> None:
    clinician_create(
        clinic=mallory.clinic,
        username="quinn",
        password=PASSWORD,
        first_name="Quinn",
        last_name="Hill",
        phone=bob.phone,
    )

    response = signed_in(alice).post(f"/dev/phone/on-call/{bob.pk}/", {"body": "ACK ABC"})

    assert response.status_code == 409
    assert not InboundMessage.objects.exists()


@pytest.mark.time_machine(dt.datetime(2026, 3, 10, 15, 30, tzinfo=dt.UTC), tick=False)
def test_it_marks_the_live_check_in_and_gives_times_in_the_clinics_zone(
    alice: Clinician, pat: Patient, celery_inline: list
) -> None:
    _, check_ins = session_record(
        patient=pat, occurred_at=timezone.now() - dt.timedelta(hours=25), treatment="other"
    )
    CheckIn.objects.filter(pk=check_ins[0].pk).update(status="sent", sent_at=timezone.now())
    client = signed_in(alice)
    client.post(f"/dev/phone/{pat.pk}/", {"body": "HELP"})

    listing = client.get("/dev/phone/").content.decode()
    thread = client.get(f"/dev/phone/{pat.pk}/").content.decode()

    assert "Check-in live" in listing
    # 15:30 UTC is 10:30 in Chicago (CDT since March 8th), the clinic's zone.
    local = timezone.now().astimezone(zoneinfo.ZoneInfo("America/Chicago"))
    assert local.strftime("%H:%M") == "10:30"
    assert "Mar 10, 10:30 CDT" in thread
    assert "15:30" not in thread


def test_nobody_on_call_says_where_pages_go(alice: Clinician, pat: Patient) -> None:
    listing = signed_in(alice).get("/dev/phone/").content.decode()

    assert "Nobody on call: pages go to the fallback contacts." in listing
    assert "Check-in live" not in listing
