"""Each flag's page: its evidence, what it was measured against, its pages and escalation in
words, and the message that raised it (a patient's message to read, a text from an unknown
number); each view audited.

The cast: Bob (clinician) and Alice (admin) of Riverside, Pat and other Riverside patients,
Mallory of Hillcrest with a patient of her own.
"""

import datetime as dt
import re
from collections.abc import Callable

from django.test import Client
from django.utils import timezone

from followup.models import (
    AuditEvent,
    CheckIn,
    Clinic,
    Clinician,
    EscalationStep,
    Flag,
    OnCallShift,
    OutboundMessage,
    Patient,
)
from followup.services.checkin_links import checkin_token_make
from followup.services.escalations import escalation_step_run
from followup.services.responses import response_record
from followup.services.sessions import session_record
from followup.services.web_checkin import checkin_answer_web
from tests.support.queue import QUEUE, row_ids
from tests.support.sms import sign_and_post, text

# The flag's page ---------------------------------------------------------------------------


def test_it_shows_a_flag_with_its_evidence_and_timeline_and_audits_each_view(
    signed_in: Callable, bob: Clinician, paged_flag: Flag
) -> None:
    client = signed_in(bob)
    client.post(f"/dashboard/flags/{paged_flag.pk}/acknowledge/")
    client.post(f"/dashboard/flags/{paged_flag.pk}/resolve/", {"note": "Called; safe."})

    first = client.get(f"/dashboard/flags/{paged_flag.pk}/")
    client.get(f"/dashboard/flags/{paged_flag.pk}/")

    assert first.status_code == 200
    html = re.sub(r"\s+", " ", first.content.decode())
    assert "<title>Flag \N{EN DASH} Follow-up</title>" in html
    assert "PHQ-9 item 9 answered 2 (More than half the days)" in html
    assert "Thoughts that you would be better off dead, or of hurting yourself in some way" in html
    assert "Paged level 1 by SMS and call: Bob Nurse (on call)" in html
    assert "SMS to Bob Nurse: sent" in html
    assert "Call to Bob Nurse: ringing" in html
    assert "Crisis resources sent to the patient by SMS" in html
    assert "Acknowledged</strong> by Bob Nurse from the dashboard" in html
    assert "Resolved</strong> by Bob Nurse" in html
    assert "Called; safe." in html
    assert f'href="/dashboard/patients/{paged_flag.patient_id}/"' in html
    views = AuditEvent.objects.filter(action="flag.view", object_id=str(paged_flag.pk))
    assert list(views.values_list("actor", "patient")) == [(bob.pk, paged_flag.patient_id)] * 2


def test_it_says_which_score_a_deterioration_and_a_severe_sum_were_measured_against(
    signed_in: Callable, bob: Clinician, pat: Patient
) -> None:
    start = timezone.now() - dt.timedelta(days=21)
    for week, total in enumerate([4, 9, 14]):  # +5 each week; 14 is 10 above the baseline
        response_record(
            patient=pat,
            instrument="phq9",
            answers=[min(3, max(0, total - 3 * n)) for n in range(9)],
            channel="web",
            submitted_at=start + dt.timedelta(days=7 * week),
        )
    _, check_ins = session_record(
        patient=pat, occurred_at=timezone.now() - dt.timedelta(hours=25), treatment="other"
    )
    CheckIn.objects.filter(pk=check_ins[0].pk).update(
        status="sent", sent_at=timezone.now(), expires_at=timezone.now() + dt.timedelta(days=3)
    )
    checkin_answer_web(
        token=checkin_token_make(check_ins[0].pk),
        answers={"phq9": [3] * 7 + [None, None], "gad7": [None] * 7},
    )
    worse = Flag.objects.get(patient=pat, reason="reliable_deterioration")
    severe = Flag.objects.get(patient=pat, reason="severe_depression")
    client = signed_in(bob)

    worse_page = re.sub(r"\s+", " ", client.get(f"/dashboard/flags/{worse.pk}/").content.decode())
    severe_page = re.sub(r"\s+", " ", client.get(f"/dashboard/flags/{severe.pk}/").content.decode())

    assert (
        "PHQ-9 total 14, up 10 from the baseline of 4 (up 5 from the previous score of 9); "
        "a rise of 6 or more is a reliable deterioration" in worse_page
    )
    assert (
        "PHQ-9 not finished: the 7 of 9 items answered already sum to 21; 20 or more flags"
        in severe_page
    )


def test_it_tells_a_failed_page_and_the_escalation_in_words(
    signed_in: Callable, bob: Clinician, alice: Clinician, paged_flag: Flag
) -> None:
    from followup.services.messages import message_status_record

    sms = OutboundMessage.objects.get(flag=paged_flag, purpose="page", channel="sms")
    message_status_record(message_id=sms.pk, provider_status="undelivered", error_code="30003")
    for step in EscalationStep.objects.filter(flag=paged_flag, status="pending"):
        escalation_step_run(step.pk)  # level 2: nobody on call there, so the admins are paged

    html = re.sub(
        r"\s+", " ", signed_in(bob).get(f"/dashboard/flags/{paged_flag.pk}/").content.decode()
    )

    assert "SMS to Bob Nurse: <strong>⚠ not delivered</strong> (error 30003)" in html
    assert "escalated to level 2</strong> by SMS and call: Alice Admin (clinic admin)" in html
    assert "Nobody on call at level 2" in html


def test_it_shows_the_message_that_raised_a_crisis_language_flag(
    signed_in: Callable,
    bob: Clinician,
    alice: Clinician,
    pat: Patient,
    twilio: object,
    celery_inline: list,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    params = {
        "MessageSid": "SM" + "c" * 32,
        "AccountSid": twilio.account_sid,
        "From": pat.phone,
        "To": "+13125550100",
        "Body": "honestly i just want to die",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_and_post(Client(), "/twilio/sms/", params, twilio.auth_token)
    assert response.status_code == 200
    flag = Flag.objects.get(patient=pat, reason="crisis_language")

    html = signed_in(bob).get(f"/dashboard/flags/{flag.pk}/").content.decode()

    assert "Crisis language in a text message: words about wanting to die" in html
    assert "honestly i just want to die" in html
    assert "Rota gap" in html  # nobody on call: the admins were paged


# Messages to read, and texts from numbers that are no patient's -----------------------------


def test_a_patients_message_to_read_is_on_the_queue_and_its_page_shows_the_text(
    signed_in: Callable,
    bob: Clinician,
    pat: Patient,
    twilio: object,
    celery_inline: list,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        text(twilio, pat, "Can you call me about my next appointment please")

    flag = Flag.objects.get(patient=pat)
    client = signed_in(bob)
    html = client.get(QUEUE).content.decode()
    assert row_ids(html) == [flag.pk]
    assert "A message to read" in html
    assert "Nobody (moderate: not paged, shown here)" in html
    page = client.get(f"/dashboard/flags/{flag.pk}/").content.decode()
    assert "A text message for a clinician to read" in page
    assert "Can you call me about my next appointment please" in page


def test_a_crisis_text_from_an_unknown_number_is_on_the_queue_and_its_page(
    signed_in: Callable,
    bob: Clinician,
    bob_on_call: OnCallShift,
    clinic: Clinic,
    twilio: object,
    celery_inline: list,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        text(twilio, Patient(phone="+13125550999"), "i want to kill myself")

    flag = Flag.objects.get()
    client = signed_in(bob)
    html = client.get(QUEUE).content.decode()
    assert row_ids(html) == [flag.pk]
    assert "Unknown sender, number ending 0999" in html
    page = client.get(f"/dashboard/flags/{flag.pk}/").content.decode()
    assert 'href="tel:+13125550999"' in page
    assert "i want to kill myself" in page
    assert "Bob Nurse" in page  # paged
