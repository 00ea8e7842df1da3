"""The dispatcher's other duties: consent, the web channel, expiry, and the safety hook."""

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from followup.models import CheckIn, Clinic, Clinician, Flag, Patient, Response
from followup.services import safety
from followup.services.checkin_links import checkin_token_make
from followup.services.dispatch import checkins_dispatch_due
from followup.services.flags import Fired
from followup.services.patients import patient_update
from followup.services.responses import response_record
from followup.services.sessions import session_record
from tests.support.patients import enrol
from tests.support.sms import NOW, bodies, text
from tests.support.web import web_client

# One clock for each test and its fixtures: NOW, unless a test moves it.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.time_machine(NOW, tick=False)]


def due_now(patient: Patient) -> CheckIn:
    with time_machine.travel(NOW - dt.timedelta(hours=25), tick=False):
        _, check_ins = session_record(
            patient=patient, occurred_at=NOW - dt.timedelta(hours=25), treatment="other"
        )
    return check_ins[0]


@pytest.fixture
def fired(monkeypatch: pytest.MonkeyPatch) -> list[Fired]:
    """Every fired rule handed to paging, which still pages."""
    calls: list[Fired] = []
    page = safety.flag_page

    def recorded(event: Fired) -> bool:
        calls.append(event)
        return page(event)

    monkeypatch.setattr(safety, "flag_page", recorded)
    return calls


def test_no_sms_without_consent(twilio: object, celery_inline: list, pat: Patient) -> None:
    Patient.objects.filter(pk=pat.pk).update(sms_consent=False, sms_consent_at=None)
    check_in = due_now(pat)

    checkins_dispatch_due()

    check_in.refresh_from_db()
    assert (check_in.status, check_in.undeliverable_reason) == ("undeliverable", "no_sms_consent")
    assert twilio.messages == []


def test_a_web_channel_patient_gets_the_link_by_sms(
    twilio: object, celery_inline: list, pat: Patient
) -> None:
    Patient.objects.filter(pk=pat.pk).update(channel="web")
    check_in = due_now(pat)

    checkins_dispatch_due()

    (body,) = bodies(twilio, pat)
    assert body == (
        "Riverside Ketamine Clinic: your check-in is ready. It takes about 3 minutes: "
        f"http://127.0.0.1:8000/c/{checkin_token_make(check_in.pk)}\nReply STOP to opt out."
    )
    check_in.refresh_from_db()
    assert (check_in.status, check_in.channel) == ("sent", "web")


def test_an_unfinished_check_in_gets_one_reminder_then_expires_keeping_partial_answers(
    twilio: object, celery_inline: list, pat: Patient
) -> None:
    check_in = due_now(pat)
    with time_machine.travel(NOW, tick=False):
        checkins_dispatch_due()
        text(twilio, pat, "1")
        text(twilio, pat, "2")
    for hours in (4, 5, 30):
        with time_machine.travel(NOW + dt.timedelta(hours=hours), tick=False):
            checkins_dispatch_due()
    with time_machine.travel(NOW + dt.timedelta(hours=72), tick=False):
        sweep = checkins_dispatch_due()

    sent = bodies(twilio, pat)
    assert sum("a reminder" in body for body in sent) == 1
    assert sweep.expired == 1
    check_in.refresh_from_db()
    assert check_in.status == "expired"
    partial = Response.objects.get(check_in=check_in)
    assert (partial.answers[:3], partial.complete, partial.total) == ([1, 2, None], False, None)
    with time_machine.travel(NOW + dt.timedelta(hours=73), tick=False):
        text(twilio, pat, "3")  # too late: nothing is recorded, nothing more is asked
    assert Response.objects.get(check_in=check_in).answers[2] is None
    # The clinic still sees it, and the patient is told the check-in has closed.
    assert bodies(twilio, pat)[len(sent) :] == [
        "Riverside Ketamine Clinic: that check-in has closed, so your answer was not recorded. "
        "The clinic will see your message. We will text you when the next check-in is due."
    ]
    assert pat.flags.get().reason == "unread_message"


def test_the_safety_hook_runs_once_per_trigger(
    twilio: object, celery_inline: list, pat: Patient, fired: list
) -> None:
    check_in = due_now(pat)
    checkins_dispatch_due()

    for answer in ["3", "3", "3", "3", "2", "2", "2", "2", "1"]:  # item 9 = 1, total 21
        text(twilio, pat, answer)
    text(twilio, pat, "I want to end my life")

    reasons = [(f.trigger.reason, f.created, f.source) for f in fired]
    assert reasons == [
        ("severe_depression", True, "sms"),  # items 1-8 already sum to 20
        ("suicidal_ideation", True, "sms"),
        ("severe_depression", False, "sms"),  # the total, added to the open flag
        ("crisis_language", True, "sms"),
    ]
    assert fired[0].flag.response.check_in_id == check_in.pk


def test_item_9_by_sms_then_the_whole_form_on_the_web_pages_once(
    twilio: object, celery_inline: list, pat: Patient, fired: list
) -> None:
    check_in = due_now(pat)
    checkins_dispatch_due()
    for answer in ["0"] * 8 + ["1"]:
        text(twilio, pat, answer)

    response = APIClient().post(
        f"/api/v1/public/check-ins/{checkin_token_make(check_in.pk)}/responses/",
        {"answers": {"phq9": [0] * 8 + [1], "gad7": [0] * 7}},
        format="json",
    )

    assert response.status_code == 201
    assert "crisis_resources" in response.json()
    assert [f.trigger.reason for f in fired] == ["suicidal_ideation"]


def test_items_1_to_8_by_sms_summing_24_raise_severe_depression_before_item_9(
    twilio: object, celery_inline: list, pat: Patient, fired: list
) -> None:
    check_in = due_now(pat)
    checkins_dispatch_due()

    for answer in ["3"] * 6:  # 18
        text(twilio, pat, answer)
    assert not Flag.objects.filter(patient=pat).exists()
    text(twilio, pat, "3")  # 21: the sum reaches 20
    text(twilio, pat, "3")  # 24, item 9 still to come

    flag = Flag.objects.get(patient=pat)
    assert (flag.reason, flag.priority, flag.status) == ("severe_depression", "high", "open")
    assert flag.response.check_in_id == check_in.pk
    assert [(e["answered"], e["answered_sum"]) for e in flag.evidence] == [(7, 21)]
    assert [(f.trigger.reason, f.created) for f in fired] == [("severe_depression", True)]
    partial = Response.objects.get(check_in=check_in, instrument="phq9")
    assert (partial.answers, partial.total) == ([3] * 8 + [None], None)


def expire_with_answers(twilio: object, patient: Patient, answers: list[str]) -> CheckIn:
    check_in = due_now(patient)
    checkins_dispatch_due()
    for answer in answers:
        text(twilio, patient, answer)
    with time_machine.travel(NOW + dt.timedelta(hours=72), tick=False):
        checkins_dispatch_due()
    check_in.refresh_from_db()
    assert check_in.status == "expired"
    return check_in


def test_an_expired_check_in_with_two_items_missing_shows_a_prorated_total(
    twilio: object, celery_inline: list, pat: Patient, bob: Clinician, as_bob: APIClient
) -> None:
    # PHQ-9 items 1-7 by SMS, then nothing: 14 over 7 items, 14 * 9/7 = 18 prorated.
    check_in = expire_with_answers(twilio, pat, ["2"] * 7)

    response = Response.objects.get(check_in=check_in, instrument="phq9")
    assert (response.total, response.severity) == (18, "moderately_severe")
    assert (response.complete, response.prorated) == (False, True)
    listed = as_bob.get("/api/v1/responses/", {"patient": pat.pk}).json()["results"]
    row = next(r for r in listed if r["id"] == response.pk)
    assert (row["total"], row["severity"], row["complete"], row["prorated"]) == (
        18,
        "moderately_severe",
        False,
        True,
    )
    page = web_client(bob).get(f"/dashboard/patients/{pat.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "PHQ-9: 18 prorated (moderately severe)" in html
    assert '18 <span class="muted">prorated</span>' in html  # the chart's table
    chart = page.context["chart"]["instruments"]["phq9"]["points"]
    assert [(p["y"], p.get("prorated")) for p in chart] == [(18, True)]
    assert not Flag.objects.filter(patient=pat).exists()  # 18 is not severe


def test_a_check_in_closing_with_three_items_missing_stays_partial(
    twilio: object, celery_inline: list, pat: Patient
) -> None:
    check_in = expire_with_answers(twilio, pat, ["3"] * 6)

    response = Response.objects.get(check_in=check_in, instrument="phq9")
    assert (response.total, response.severity, response.complete, response.prorated) == (
        None,
        "",
        False,
        False,
    )


def test_a_severe_prorated_total_raises_its_flag_when_the_check_in_closes(
    twilio: object, celery_inline: list, pat: Patient
) -> None:
    # 3, 3, 3, 3, 2, 2, 0: 16 answered (under 20), 16 * 9/7 = 20.6, prorated 21.
    check_in = expire_with_answers(twilio, pat, ["3", "3", "3", "3", "2", "2", "0"])

    flag = Flag.objects.get(patient=pat)
    assert (flag.reason, flag.response.check_in_id) == ("severe_depression", check_in.pk)
    assert [(e["total"], e["prorated"]) for e in flag.evidence] == [(21, True)]


def test_a_prorated_total_is_never_the_previous_score_for_deterioration(
    twilio: object, celery_inline: list, pat: Patient
) -> None:
    record = {"patient": pat, "instrument": "phq9", "channel": "web"}
    response_record(
        answers=[2, 2, 2, 2, 2, 0, 0, 0, 0], submitted_at=NOW - dt.timedelta(days=9), **record
    )
    expire_with_answers(twilio, pat, ["0"] * 7)  # prorated 0

    _, flags = response_record(
        answers=[3, 3, 3, 2, 2, 1, 1, 0, 0], submitted_at=NOW + dt.timedelta(days=4), **record
    )

    assert flags == []  # 15: +5 over the complete 10 (it would be +15 over the prorated 0)


# --- The check-in at enrolment: the pre-treatment baseline ----------------------------------


def test_the_check_in_at_enrolment_goes_out_and_is_answered_by_sms(
    twilio: object, celery_inline: list, as_alice: APIClient, pat: Patient
) -> None:
    baseline = pat.check_ins.get(session=None)

    checkins_dispatch_due()
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
        checkins_dispatch_due()
    morning = dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC)  # 08:00 in Chicago
    baseline = night_owl.check_ins.get(session=None)

    assert (baseline.status, baseline.due_at) == ("scheduled", morning)
    assert twilio.messages == []
    with time_machine.travel(morning, tick=False):
        checkins_dispatch_due()
    assert len(bodies(twilio, night_owl)) == 1


def test_the_check_in_at_enrolment_is_undeliverable_without_consent(
    twilio: object, celery_inline: list, clinic: Clinic
) -> None:
    patient = enrol(clinic, "Nora", "Noconsent", "+13125550178")
    patient_update(patient=patient, sms_consent=False)  # withdrawn before the first tick

    checkins_dispatch_due()

    baseline = patient.check_ins.get(session=None)
    assert (baseline.status, baseline.undeliverable_reason) == ("undeliverable", "no_sms_consent")
    assert twilio.messages == []


def test_a_check_in_moved_twice_keeps_the_time_its_plan_gave_it(
    twilio: object, celery_inline: list, pat: Patient
) -> None:
    planned = dt.datetime(2026, 11, 27, 12, 12, tzinfo=dt.UTC)  # 06:12 in Chicago
    with time_machine.travel(planned - dt.timedelta(hours=24), tick=False):
        _, check_ins = session_record(
            patient=pat, occurred_at=planned - dt.timedelta(hours=24), treatment="other"
        )
    with time_machine.travel(planned, tick=False):
        checkins_dispatch_due()  # moved to 08:00
    Clinic.objects.filter(pk=pat.clinic_id).update(quiet_hours_end=dt.time(9, 0))
    with time_machine.travel(planned + dt.timedelta(hours=2), tick=False):
        checkins_dispatch_due()  # 08:12, quiet again by the clinic's new rule: moved to 09:00

    check_in = CheckIn.objects.get(pk=check_ins[0].pk)
    assert (check_in.status, check_in.status_reason) == ("scheduled", "quiet_hours")
    assert check_in.due_at == dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC)
    assert check_in.deferred_from == planned
    assert twilio.messages == []
