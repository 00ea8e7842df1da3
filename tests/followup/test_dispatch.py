"""The dispatcher's other duties: consent, the web channel, expiry, and the safety hook."""

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from followup import safety
from followup.dispatch import dispatch_due
from followup.models import CheckIn, Clinic, Patient, Response
from followup.services.sessions import session_record
from followup.tokens import make_token
from tests.support.patients import enrol
from tests.support.sms import NOW, bodies, text

# One clock for each test and its fixtures: NOW, unless a test moves it.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.time_machine(NOW, tick=False)]


def due_now(patient: Patient) -> CheckIn:
    with time_machine.travel(NOW - dt.timedelta(hours=25), tick=False):
        _, check_ins = session_record(
            patient=patient, occurred_at=NOW - dt.timedelta(hours=25), treatment="other"
        )
    return check_ins[0]


@pytest.fixture
def fired(monkeypatch: pytest.MonkeyPatch) -> list[safety.Fired]:
    calls: list[safety.Fired] = []
    monkeypatch.setattr(safety, "_handlers", [calls.append])
    return calls


def test_no_sms_without_consent(twilio: object, celery_inline: list, pat: Patient) -> None:
    Patient.objects.filter(pk=pat.pk).update(sms_consent=False, sms_consent_at=None)
    check_in = due_now(pat)

    dispatch_due()

    check_in.refresh_from_db()
    assert (check_in.status, check_in.undeliverable_reason) == ("undeliverable", "no_sms_consent")
    assert twilio.messages == []


def test_a_web_channel_patient_gets_the_link_by_sms(
    twilio: object, celery_inline: list, pat: Patient
) -> None:
    Patient.objects.filter(pk=pat.pk).update(channel="web")
    check_in = due_now(pat)

    dispatch_due()

    (body,) = bodies(twilio, pat)
    assert body == (
        "Riverside Ketamine Clinic: your check-in is ready. It takes about 3 minutes: "
        f"http://127.0.0.1:8000/c/{make_token(check_in.pk)}\nReply STOP to opt out."
    )
    check_in.refresh_from_db()
    assert (check_in.status, check_in.channel) == ("sent", "web")


def test_an_unfinished_check_in_gets_one_reminder_then_expires_keeping_partial_answers(
    twilio: object, celery_inline: list, pat: Patient
) -> None:
    check_in = due_now(pat)
    with time_machine.travel(NOW, tick=False):
        dispatch_due()
        text(twilio, pat, "1")
        text(twilio, pat, "2")
    for hours in (4, 5, 30):
        with time_machine.travel(NOW + dt.timedelta(hours=hours), tick=False):
            dispatch_due()
    with time_machine.travel(NOW + dt.timedelta(hours=72), tick=False):
        sweep = dispatch_due()

    sent = bodies(twilio, pat)
    assert sum("a reminder" in body for body in sent) == 1
    assert sweep.expired == 1
    check_in.refresh_from_db()
    assert check_in.status == "expired"
    partial = Response.objects.get(check_in=check_in)
    assert (partial.answers[:3], partial.complete, partial.total) == ([1, 2, None], False, None)
    with time_machine.travel(NOW + dt.timedelta(hours=73), tick=False):
        text(twilio, pat, "3")  # too late: nothing is recorded, nothing is asked
    assert Response.objects.get(check_in=check_in).answers[2] is None
    assert len(bodies(twilio, pat)) == len(sent)


def test_the_safety_hook_runs_once_per_trigger(
    twilio: object, celery_inline: list, pat: Patient, fired: list
) -> None:
    check_in = due_now(pat)
    dispatch_due()

    for answer in ["3", "3", "3", "3", "2", "2", "2", "2", "1"]:  # item 9 = 1, total 21
        text(twilio, pat, answer)
    text(twilio, pat, "I want to end my life")

    reasons = [(f.trigger.reason, f.created, f.source) for f in fired]
    assert reasons == [
        ("suicidal_ideation", True, "sms"),
        ("severe_depression", True, "sms"),
        ("crisis_language", True, "sms"),
    ]
    assert fired[0].flag.response.check_in_id == check_in.pk


def test_item_9_by_sms_then_the_whole_form_on_the_web_pages_once(
    twilio: object, celery_inline: list, pat: Patient, fired: list
) -> None:
    check_in = due_now(pat)
    dispatch_due()
    for answer in ["0"] * 8 + ["1"]:
        text(twilio, pat, answer)

    response = APIClient().post(
        f"/api/v1/public/check-ins/{make_token(check_in.pk)}/responses/",
        {"answers": {"phq9": [0] * 8 + [1], "gad7": [0] * 7}},
        format="json",
    )

    assert response.status_code == 201
    assert "crisis_resources" in response.json()
    assert [f.trigger.reason for f in fired] == ["suicidal_ideation"]


# --- The check-in at enrolment: the pre-treatment baseline ----------------------------------


def test_the_check_in_at_enrolment_goes_out_and_is_answered_by_sms(
    twilio: object, celery_inline: list, as_alice: APIClient, pat: Patient
) -> None:
    baseline = pat.check_ins.get(session=None)

    dispatch_due()
    phq9 = ["2", "2", "1", "2", "1", "1", "1", "1", "0"]
    gad7 = ["1", "2", "1", "1", "0", "1", "1"]
    for answer in phq9 + gad7:
        text(twilio, pat, answer)
    # Treatment begins after the baseline was answered: it stays as it is.
    as_alice.post(
        "/api/v1/sessions/",
        {"patient": pat.pk, "occurred_at": NOW.isoformat(), "treatment": "iv_ketamine"},
        format="json",
    )

    sent = bodies(twilio, pat)
    assert sent[0].startswith("Riverside Ketamine Clinic: your check-in.")
    assert "1/16 Little interest or pleasure in doing things" in sent[0]
    assert sent[-1] == "Thank you. Your answers have been sent to Riverside Ketamine Clinic."
    assert len(sent) == 17
    baseline.refresh_from_db()
    assert (baseline.status, baseline.sent_at, baseline.session) == ("completed", NOW, None)
    assert baseline.expires_at == NOW + dt.timedelta(hours=72)
    totals = dict(Response.objects.filter(check_in=baseline).values_list("instrument", "total"))
    assert totals == {"phq9": 11, "gad7": 7}


def test_the_check_in_at_enrolment_waits_for_the_morning(
    twilio: object, celery_inline: list, clinic: Clinic
) -> None:
    # 22:00 in Chicago: quiet hours.
    with time_machine.travel(NOW + dt.timedelta(hours=10), tick=False):
        night_owl = enrol(clinic, "Nia", "Owl", "+13125550177")
        dispatch_due()
    morning = dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC)  # 08:00 in Chicago
    baseline = night_owl.check_ins.get(session=None)

    assert (baseline.status, baseline.due_at) == ("scheduled", morning)
    assert twilio.messages == []
    with time_machine.travel(morning, tick=False):
        dispatch_due()
    assert len(bodies(twilio, night_owl)) == 1


def test_the_check_in_at_enrolment_is_undeliverable_without_consent(
    twilio: object, celery_inline: list, clinic: Clinic
) -> None:
    patient = enrol(clinic, "Nora", "Noconsent", "+13125550178", sms_consent=False)

    dispatch_due()

    baseline = patient.check_ins.get(session=None)
    assert (baseline.status, baseline.undeliverable_reason) == ("undeliverable", "no_sms_consent")
    assert twilio.messages == []
