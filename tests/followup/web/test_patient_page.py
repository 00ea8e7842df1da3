"""Each patient's page: isolation, audit, course, charts, timeline; recording a session;
the admin audit log."""

import datetime as dt
import json
import re
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from followup.models import (
    AuditEvent,
    CheckIn,
    Clinician,
    Flag,
    OutboundMessage,
    Patient,
    TreatmentSession,
)
from followup.services.audit import audit_event, audit_record, audit_record_many
from followup.services.flags import flag_acknowledge, flag_resolve
from followup.services.responses import response_record
from followup.services.sessions import session_record
from followup.web.dashboard import patients
from followup.web.dashboard.presenters import patient_record
from tests.support.patients import answers, past_check_in, score, text_of

Client_ = Callable[[Clinician], Client]
DASH, MINUS = "\N{EN DASH}", "\N{MINUS SIGN}"
NOW = timezone.now


# --- One patient's page ---------------------------------------------------------------------


def test_it_hides_another_clinics_patient(
    signed_in: Client_, mallory: Clinician, pat: Patient
) -> None:
    client = signed_in(mallory)
    sessions = TreatmentSession.objects.count()

    assert client.get(f"/dashboard/patients/{pat.pk}/").status_code == 404
    assert client.get(f"/dashboard/patients/{pat.pk}/audit/").status_code == 404
    posted = client.post(
        f"/dashboard/patients/{pat.pk}/sessions/",
        {"occurred_at": "2026-11-20T10:00", "treatment": "iv_ketamine"},
    )
    assert posted.status_code == 404
    assert TreatmentSession.objects.count() == sessions
    assert not AuditEvent.objects.filter(patient=pat, actor=mallory).exists()


def test_it_audits_each_view_with_the_callers_address(
    signed_in: Client_, bob: Clinician, pat: Patient
) -> None:
    client = signed_in(bob)

    client.get(f"/dashboard/patients/{pat.pk}/", REMOTE_ADDR="203.0.113.7")
    client.get(f"/dashboard/patients/{pat.pk}/", REMOTE_ADDR="198.51.100.4")

    views = AuditEvent.objects.filter(action="patient.view").order_by("id")
    assert [(e.actor, e.patient, e.ip_address) for e in views] == [
        (bob, pat, "203.0.113.7"),
        (bob, pat, "198.51.100.4"),
    ]
    assert (views[0].object_type, views[0].object_id) == ("patient", str(pat.pk))


def test_it_keeps_the_name_out_of_the_title(
    signed_in: Client_, bob: Clinician, pat: Patient
) -> None:
    html = signed_in(bob).get(f"/dashboard/patients/{pat.pk}/").content.decode()

    title = re.search(r"<title>(.*?)</title>", html, flags=re.S).group(1)
    assert title == f"Patient #{pat.pk} {DASH} Follow-up"
    assert "<h1>Pat Jones" in html


def test_it_shows_contact_and_consent(signed_in: Client_, bob: Clinician, pat: Patient) -> None:
    Patient.objects.filter(pk=pat.pk).update(opted_out=True, opted_out_at=NOW())
    score(pat, "gad7", 16, days_ago=1)  # severe anxiety: a high flag

    text = text_of(signed_in(bob).get(f"/dashboard/patients/{pat.pk}/"))

    assert "Phone +13125550123" in text
    assert "Time zone America/Chicago" in text
    assert "Channel SMS" in text
    assert "SMS consent Given" in text
    assert "Opted out Opted out since" in text
    assert "Open flags 1 High unresolved; see the timeline" in text


def test_it_shows_answers_item_by_item(signed_in: Client_, bob: Clinician, pat: Patient) -> None:
    _, check_ins = session_record(
        patient=pat, occurred_at=NOW() - dt.timedelta(days=2), treatment="iv_ketamine"
    )
    check_in = check_ins[0]
    response_record(
        patient=pat,
        instrument="phq9",
        answers=[1, 2, 0, 3, 1, 0, 2, 1, 0],
        difficulty=2,
        channel="web",
        check_in=check_in,
        submitted_at=NOW() - dt.timedelta(hours=20),
    )
    # A partial GAD-7: the patient stopped after item 3 (the SMS conversation keeps such rows).
    pat.responses.create(
        check_in=check_in,
        instrument="gad7",
        answers=[2, 1, 3, None, None, None, None],
        channel="sms",
    )

    text = text_of(signed_in(bob).get(f"/dashboard/patients/{pat.pk}/"))

    assert "PHQ-9: 10 (moderate)" in text
    assert "1 Little interest or pleasure in doing things 1 · Several days" in text
    assert "2 Feeling down, depressed, or hopeless 2 · More than half the days" in text
    assert "4 Feeling tired or having little energy 3 · Nearly every day" in text
    assert (
        "9 Thoughts that you would be better off dead, or of hurting yourself in some way "
        "0 · Not at all"
    ) in text
    assert "Difficulty (not scored) Very difficult" in text
    assert "GAD-7: Partial 3 of 7 answered, no total" in text
    assert "3 Worrying too much about different things 3 · Nearly every day" in text
    assert "4 Trouble relaxing not answered" in text
    assert "1 partial response has no total and is not plotted" in text


def test_it_shows_baseline_response_and_remission(
    signed_in: Client_, bob: Clinician, pat: Patient
) -> None:
    score(pat, "phq9", 16, days_ago=30)
    score(pat, "gad7", 12, days_ago=30)
    session_record(patient=pat, occurred_at=NOW() - dt.timedelta(days=29), treatment="esketamine")
    score(pat, "phq9", 9, days_ago=20)
    score(pat, "phq9", 4, days_ago=10)
    score(pat, "gad7", 8, days_ago=10)

    text = text_of(signed_in(bob).get(f"/dashboard/patients/{pat.pk}/"))

    phq9, gad7 = text.split("PHQ-9 Baseline")[1], text.split("GAD-7 Baseline")[1]
    assert phq9.startswith(" 16 moderately severe,")
    assert phq9.split(" Latest")[0].endswith("Before the first session.")
    assert "Latest 4 minimal," in phq9
    assert "↓ 5 better than the score before" in phq9
    assert f"Change {MINUS}12 better ({MINUS}75%)" in phq9
    assert "Status Response Remission Reliable improvement" in phq9
    assert gad7.startswith(" 12 moderate,")
    assert f"Change {MINUS}4 better ({MINUS}33%) Status Reliable improvement" in gad7
    assert "no score before treatment" not in text


def test_it_marks_a_baseline_taken_after_the_first_session(
    signed_in: Client_, bob: Clinician, pat: Patient
) -> None:
    session_record(patient=pat, occurred_at=NOW() - dt.timedelta(days=20), treatment="other")
    score(pat, "phq9", 8, days_ago=19)
    score(pat, "phq9", 7, days_ago=12)

    text = text_of(signed_in(bob).get(f"/dashboard/patients/{pat.pk}/"))

    assert "Baseline 8 mild, " in text
    assert (
        "First score, 24 h after the first session \N{EM DASH} no score before treatment." in text
    )
    assert "Status No response yet Response needs a baseline of 10 or more." in text


# Pat is enrolled at 09:00 on 3 Nov in Chicago; the check-in at enrolment is due then.
ENROLLED = dt.datetime(2026, 11, 3, 15, 0, tzinfo=dt.UTC)


def answer_at_enrolment(patient: Patient, phq9: int, gad7: int) -> CheckIn:
    """The check-in at enrolment answered two hours after it went out."""
    check_in = patient.check_ins.get(session=None)
    at = ENROLLED + dt.timedelta(hours=2)
    with time_machine.travel(at, tick=False):
        for code, total in (("phq9", phq9), ("gad7", gad7)):
            response_record(
                patient=patient,
                instrument=code,
                answers=answers(code, total),
                channel="sms",
                check_in=check_in,
            )
    # What the dispatcher and the conversation would have set (tested on their own).
    CheckIn.objects.filter(pk=check_in.pk).update(
        status="completed", sent_at=ENROLLED, completed_at=at
    )
    return check_in


def course_of(patient: Patient, scores: list[tuple[int, str, int]]) -> None:
    """A first session the day after enrolment, then (days after enrolment, scale, total)."""
    with time_machine.travel(ENROLLED + dt.timedelta(days=1), tick=False):
        session_record(patient=patient, occurred_at=timezone.now(), treatment="iv_ketamine")
    for days, code, total in scores:
        with time_machine.travel(ENROLLED + dt.timedelta(days=days), tick=False):
            score(patient, code, total, days_ago=0)


@pytest.mark.time_machine(ENROLLED, tick=False)
def test_it_measures_the_course_from_the_check_in_at_enrolment(
    signed_in: Client_, bob: Clinician, pat: Patient
) -> None:
    # A score from the referral, a week before enrolment: not the one just before treatment.
    with time_machine.travel(ENROLLED - dt.timedelta(days=7), tick=False):
        score(pat, "phq9", 20, days_ago=0)
    answer_at_enrolment(pat, phq9=14, gad7=12)
    # 24 h after the session, near the drug's peak effect; then two weeks on.
    course_of(pat, [(2, "phq9", 5), (2, "gad7", 6), (15, "phq9", 8), (15, "gad7", 9)])

    with time_machine.travel(ENROLLED + dt.timedelta(days=16), tick=False):
        text = text_of(signed_in(bob).get(f"/dashboard/patients/{pat.pk}/"))

    phq9, gad7 = text.split("PHQ-9 Baseline")[1], text.split("GAD-7 Baseline")[1]
    assert phq9.startswith(" 14 moderate, 3 Nov 2026 Before the first session. Latest 8 mild,")
    assert f"Change {MINUS}6 better ({MINUS}42%) Status Reliable improvement" in phq9
    assert gad7.startswith(" 12 moderate, 3 Nov 2026 Before the first session. Latest 9 mild,")
    assert "Check-in · At enrolment (baseline) · PHQ-9 and GAD-7 by SMS Answered" in text


@pytest.mark.time_machine(ENROLLED, tick=False)
def test_it_claims_no_remission_from_a_minimal_baseline(
    signed_in: Client_, bob: Clinician, pat: Patient
) -> None:
    answer_at_enrolment(pat, phq9=4, gad7=3)
    course_of(pat, [(8, "phq9", 1), (8, "gad7", 2)])

    with time_machine.travel(ENROLLED + dt.timedelta(days=9), tick=False):
        text = text_of(signed_in(bob).get(f"/dashboard/patients/{pat.pk}/"))

    phq9 = text.split("PHQ-9 Baseline")[1].split("GAD-7 Baseline")[0]
    assert phq9.startswith(" 4 minimal, 3 Nov 2026 Before the first session. Latest 1 minimal,")
    assert (
        "Status Minimal at baseline Response and remission are not claimed: the baseline was "
        "already minimal (below 5)."
    ) in phq9
    assert "Remission" not in text.replace("remission are not claimed", "")


@pytest.mark.time_machine(ENROLLED, tick=False)
def test_it_shows_why_the_check_in_at_enrolment_was_cancelled(
    signed_in: Client_, bob: Clinician, pat: Patient
) -> None:
    course_of(pat, [(2, "phq9", 12)])

    with time_machine.travel(ENROLLED + dt.timedelta(days=3), tick=False):
        text = text_of(signed_in(bob).get(f"/dashboard/patients/{pat.pk}/"))

    assert "Check-in · At enrolment (baseline) · PHQ-9 and GAD-7 by SMS Cancelled" in text
    assert (
        "Cancelled Wed 4 Nov, 09:00: a session was recorded before it went out, and answers "
        "given after treatment are no baseline"
    ) in text
    assert (
        "First score, 24 h after the first session \N{EM DASH} no score before treatment." in text
    )


def test_it_finds_the_baseline_beyond_a_capped_chart(
    signed_in: Client_, bob: Clinician, pat: Patient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(patient_record, "CHART_CAP", 3)
    score(pat, "phq9", 18, days_ago=40)
    score(pat, "phq9", 14, days_ago=31)  # the last before treatment: the baseline
    session_record(patient=pat, occurred_at=NOW() - dt.timedelta(days=30), treatment="other")
    for days_ago, total in ((25, 12), (20, 10), (15, 9), (10, 8), (5, 6)):
        score(pat, "phq9", total, days_ago=days_ago)

    text = text_of(signed_in(bob).get(f"/dashboard/patients/{pat.pk}/"))

    phq9 = text.split("PHQ-9 Baseline")[1]
    assert phq9.startswith(" 14 moderate, ")
    assert "Before the first session. Latest 6 mild," in phq9
    assert f"Change {MINUS}8 better ({MINUS}57%) Status Response Reliable improvement" in phq9


def test_it_gives_the_charts_their_data(signed_in: Client_, bob: Clinician, pat: Patient) -> None:
    session_record(patient=pat, occurred_at=NOW() - dt.timedelta(days=20), treatment="other")
    session_record(patient=pat, occurred_at=NOW() - dt.timedelta(days=10), treatment="iv_ketamine")
    score(pat, "phq9", 14, days_ago=21)
    score(pat, "phq9", 9, days_ago=5)
    pat.responses.create(instrument="phq9", answers=[1] + [None] * 8, channel="sms")

    html = signed_in(bob).get(f"/dashboard/patients/{pat.pk}/").content.decode()

    raw = re.search(r'<script id="patient-chart-data" type="application/json">(.*?)</script>', html)
    data = json.loads(raw.group(1))
    assert data["timezone"] == "America/Chicago"
    assert [s["label"] for s in data["sessions"]] == ["S1", "S2"]
    assert [s["treatment"] for s in data["sessions"]] == ["Other", "IV ketamine"]
    assert [p["y"] for p in data["instruments"]["phq9"]["points"]] == [14, 9]  # not the partial
    assert data["instruments"]["gad7"]["points"] == []
    assert [b["label"] for b in data["instruments"]["phq9"]["bands"]] == [
        "Minimal",
        "Mild",
        "Moderate",
        "Moderately severe",
        "Severe",
    ]
    assert data["instruments"]["gad7"]["max"] == 21
    assert 'role="img" aria-label="PHQ-9 totals over time: 2 complete scores from' in html
    assert "/static/followup/vendor/chart-4.6.1.umd.min.js" in html
    assert "cdn" not in html.lower()


def test_it_shows_the_timeline(signed_in: Client_, bob: Clinician, pat: Patient) -> None:
    # Recorded two days ago: all four check-ins of the plan are still ahead or open; their
    # later states (sent, answered, expired…) are the dispatcher's, written here as rows.
    _, check_ins = session_record(
        patient=pat, occurred_at=NOW() - dt.timedelta(days=2), treatment="im_ketamine"
    )
    first, second, third, fourth = check_ins
    sent = NOW() - dt.timedelta(days=1)
    CheckIn.objects.filter(pk=first.pk).update(
        status="completed", sent_at=sent, completed_at=sent + dt.timedelta(hours=1)
    )
    for n, status in enumerate(["delivered", "delivered", "failed"]):
        OutboundMessage.objects.create(
            clinic=pat.clinic,
            patient=pat,
            check_in=first,
            purpose="question",
            to=pat.phone,
            body="…",
            idempotency_key=f"test-{n}",
            status=status,
        )
    CheckIn.objects.filter(pk=second.pk).update(
        status="expired",
        sent_at=NOW() - dt.timedelta(days=13),
        expires_at=NOW() - dt.timedelta(days=10),
    )
    CheckIn.objects.filter(pk=third.pk).update(
        status="undeliverable", undeliverable_reason="no_sms_consent"
    )
    session_record(patient=pat, occurred_at=NOW() - dt.timedelta(hours=1), treatment="other")
    score(pat, "phq9", 22, days_ago=0.5)
    flag = Flag.objects.get(patient=pat)
    flag_acknowledge(flag=flag, actor=bob, via="dashboard")
    flag_resolve(flag=flag, actor=bob, note="Called the patient; safety plan reviewed.")

    text = text_of(signed_in(bob).get(f"/dashboard/patients/{pat.pk}/?timeline=all"))

    assert "Session S1 · IM ketamine" in text
    assert "Session S2 · Other" in text
    assert "Answered Due" in text
    assert "Messages: 2 delivered, 1 failed" in text
    assert "Expired Due" in text
    assert "Undeliverable Due" in text
    assert "Could not be sent: no SMS consent" in text
    assert "a newer session replaced it" in text  # the fourth, superseded by S2
    assert f"Flag {flag.code} High Severe depression score" in text
    assert "Status: Resolved" in text
    assert "Acknowledged" in text
    assert "by Bob Nurse" in text
    assert "Called the patient; safety plan reviewed." in text
    assert fourth.pk


def test_it_renders_the_page_in_a_bounded_number_of_queries(
    signed_in: Client_, bob: Clinician, pat: Patient, django_assert_max_num_queries: Callable
) -> None:
    def week_of_history(days_ago: int, total: int) -> None:
        session, _ = session_record(
            patient=pat, occurred_at=NOW() - dt.timedelta(days=days_ago), treatment="iv_ketamine"
        )
        check_in = past_check_in(session, days_ago=days_ago - 1)
        score(pat, "phq9", total, days_ago=days_ago - 1, check_in=check_in)
        score(pat, "gad7", total, days_ago=days_ago - 1, check_in=check_in)
        OutboundMessage.objects.create(
            clinic=pat.clinic,
            patient=pat,
            check_in=check_in,
            purpose="question",
            to=pat.phone,
            body="…",
            idempotency_key=f"q-{check_in.pk}",
            status="delivered",
        )
        pat.responses.create(instrument="gad7", answers=[1] + [None] * 6, channel="sms")

    client = signed_in(bob)
    url = f"/dashboard/patients/{pat.pk}/?timeline=all"
    week_of_history(100, 8)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for week in range(1, 13):
        week_of_history(100 - 7 * week, 5 + week % 10)
    score(pat, "phq9", 22, days_ago=1)  # and a flag

    # The page's view is an audit event: SQLite (development) reads the chain's last row first.
    bound = 20 if connection.vendor == "postgresql" else 21
    with django_assert_max_num_queries(bound), CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.status_code == 200
    assert "Session S13" in text_of(response)
    assert len(many) == len(few)


def test_it_shows_the_newest_entries_and_the_rest_behind_a_link(
    signed_in: Client_, bob: Clinician, pat: Patient
) -> None:
    # Sessions only (as a long-treated patient's history has them), so the count is exact.
    TreatmentSession.objects.bulk_create(
        TreatmentSession(
            patient=pat, occurred_at=NOW() - dt.timedelta(days=200 - 7 * n), treatment="other"
        )
        for n in range(25)
    )
    client = signed_in(bob)

    first = client.get(f"/dashboard/patients/{pat.pk}/")
    whole = client.get(f"/dashboard/patients/{pat.pk}/?timeline=all")

    first_html, whole_html = first.content.decode(), whole.content.decode()
    first_count = patients.TIMELINE_FIRST
    assert whole_html.count('<li class="tl ') > first_count  # 25 sessions, Pat's check-ins
    assert first_html.count('<li class="tl ') == first_count
    assert "Session S25" in text_of(first)
    assert "Session S1 " not in text_of(first)
    assert f"Show older entries The newest {first_count} are shown." in text_of(first)
    assert 'href="?timeline=all#timeline-heading"' in first_html
    assert whole_html.count('class="tl tl--session"') == 25
    assert "Session S1 " in text_of(whole)
    assert "Show older entries" not in text_of(whole)
    assert AuditEvent.objects.filter(action="patient.view", patient=pat).count() == 2


# --- Recording a session --------------------------------------------------------------------


def local_input(at: dt.datetime) -> str:
    """``at`` as a datetime-local field shows it in Pat's zone."""
    return at.astimezone(ZoneInfo("America/Chicago")).strftime("%Y-%m-%dT%H:%M")


def test_it_records_a_session_in_the_patients_time_zone(
    signed_in: Client_, bob: Clinician, pat: Patient
) -> None:
    client = signed_in(bob)
    when = (NOW() - dt.timedelta(hours=3)).replace(second=0, microsecond=0)

    response = client.post(
        f"/dashboard/patients/{pat.pk}/sessions/",
        {"occurred_at": local_input(when), "treatment": "esketamine"},
        REMOTE_ADDR="203.0.113.9",
    )

    assert response.status_code == 302
    assert response["Location"] == f"/dashboard/patients/{pat.pk}/"
    session = TreatmentSession.objects.get(patient=pat)
    assert (session.occurred_at, session.treatment, session.recorded_by) == (
        when,
        "esketamine",
        bob,
    )
    assert session.check_ins.count() == 4
    event = AuditEvent.objects.get(action="session.record")
    assert (event.actor, event.patient, event.ip_address) == (bob, pat, "203.0.113.9")
    assert sorted(event.detail["check_ins"]) == sorted(
        session.check_ins.values_list("pk", flat=True)
    )
    page = text_of(client.get(response["Location"]))
    assert "Session recorded: Esketamine nasal spray," in page
    assert "Check-ins scheduled (America/Chicago):" in page
    first_due = session.check_ins.order_by("due_at").first().due_at
    assert first_due.astimezone(ZoneInfo("America/Chicago")).strftime("%-d %b, %H:%M") in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"occurred_at": "", "treatment": "iv_ketamine"}, "Give the date and time the session"),
        ({"treatment": "iv_ketamine"}, "Give the date and time the session"),
        ({"occurred_at": "yesterday", "treatment": "iv_ketamine"}, "Give a date and time like"),
        ({"occurred_at": "2026-02-30T10:00", "treatment": "iv_ketamine"}, "Give a date and time"),
        ({"occurred_at": "0026-11-20T10:00", "treatment": "other"}, "too far in the past"),
        ({"occurred_at": "0001-01-01T00:00", "treatment": "other"}, "too far in the past"),
        ({"occurred_at": "9999-12-31T23:59", "treatment": "other"}, "too far in the future"),
        ({"occurred_at": "2026-03-08T02:30", "treatment": "other"}, "the clocks moved forward"),
        ({"occurred_at": "2026-11-20T10:00+01:00", "treatment": "other"}, "without a zone"),
        ({"occurred_at": "2026-11-20T10:00", "treatment": ""}, "Choose the treatment given."),
        ({"occurred_at": "2026-11-20T10:00", "treatment": "ketamine_pill"}, "Choose one of"),
        ({"occurred_at": "{future}", "treatment": "other"}, "is in the future"),
    ],
)
def test_it_refuses_bad_session_input_and_writes_nothing(
    signed_in: Client_, bob: Clinician, pat: Patient, data: dict, message: str
) -> None:
    data = {**data}
    if data.get("occurred_at") == "{future}":
        data["occurred_at"] = local_input(NOW() + dt.timedelta(hours=2))
    audit_events = AuditEvent.objects.count()

    response = signed_in(bob).post(f"/dashboard/patients/{pat.pk}/sessions/", data)

    assert response.status_code == 400
    text = text_of(response)
    assert "session not recorded" in text
    assert "Nothing was saved." in text
    assert message in text
    assert "Jones" not in text  # only the form: no patient data on the error page
    assert TreatmentSession.objects.count() == 0
    # Only the check-in at enrolment, still to go out: a refused session cancels nothing.
    assert list(CheckIn.objects.values_list("session", "status")) == [(None, "scheduled")]
    assert AuditEvent.objects.count() == audit_events


def test_it_accepts_only_posts_for_a_session(
    signed_in: Client_, bob: Clinician, pat: Patient
) -> None:
    assert signed_in(bob).get(f"/dashboard/patients/{pat.pk}/sessions/").status_code == 405


# --- The audit log --------------------------------------------------------------------------


def test_it_shows_admins_a_patients_audit_log(
    signed_in: Client_, alice: Clinician, bob: Clinician, pat: Patient
) -> None:
    signed_in(bob).get(f"/dashboard/patients/{pat.pk}/", REMOTE_ADDR="203.0.113.7")
    client = signed_in(alice)

    response = client.get(f"/dashboard/patients/{pat.pk}/audit/")

    assert response.status_code == 200
    assert (
        f"<title>Audit log of patient #{pat.pk} {DASH} Follow-up</title>"
        in response.content.decode()
    )
    rows = re.findall(r"<tr>.*?</tr>", response.content.decode(), flags=re.S)[1:]
    first = " ".join(re.sub(r"<[^>]+>", " ", rows[0]).split())
    assert re.fullmatch(
        rf"\d+ \w+ \d{{4}}, \d\d:\d\d:\d\d C[SD]T Bob Nurse patient\.view patient #{pat.pk} "
        r"203\.0\.113\.7",
        first,
    ), first
    last = " ".join(re.sub(r"<[^>]+>", " ", rows[-1]).split())
    assert "Alice Admin patient.create" in last
    assert AuditEvent.objects.filter(action="patient.audit_view", actor=alice).count() == 1


@pytest.mark.parametrize(
    ("utc", "local"),
    [
        (dt.datetime(2027, 11, 7, 6, 30, tzinfo=dt.UTC), "7 Nov 2027, 01:30:00 CDT"),
        (dt.datetime(2027, 11, 7, 7, 30, tzinfo=dt.UTC), "7 Nov 2027, 01:30:00 CST"),
    ],
)
def test_the_audit_log_tells_the_two_0130s_apart_when_summer_time_ends(
    signed_in: Client_, alice: Clinician, pat: Patient, utc: dt.datetime, local: str
) -> None:
    with time_machine.travel(utc, tick=False):  # audit rows are never changed afterwards
        audit_record(actor=alice, action="patient.update", obj=pat)

    response = signed_in(alice).get(f"/dashboard/patients/{pat.pk}/audit/")

    assert f"{local} Alice Admin patient.update" in text_of(response)


def test_it_pages_the_audit_log_newest_first(
    signed_in: Client_, alice: Clinician, pat: Patient
) -> None:
    audit_record_many(
        [audit_event(actor=alice, action=f"test.event{n}", obj=pat) for n in range(60)]
    )
    client = signed_in(alice)

    first = text_of(client.get(f"/dashboard/patients/{pat.pk}/audit/"))
    second = text_of(client.get(f"/dashboard/patients/{pat.pk}/audit/", {"page": 2}))

    assert "Page 1 of 2" in first
    assert "test.event59" in first
    assert "test.event10" in first
    assert "test.event9 " not in first
    assert "test.event9 " in second
    assert "patient.create" in second


def test_it_keeps_the_audit_log_from_clinicians(
    signed_in: Client_, bob: Clinician, alice: Clinician, pat: Patient
) -> None:
    assert signed_in(bob).get(f"/dashboard/patients/{pat.pk}/audit/").status_code == 403
    bob_page = signed_in(bob).get(f"/dashboard/patients/{pat.pk}/").content.decode()
    alice_page = signed_in(alice).get(f"/dashboard/patients/{pat.pk}/").content.decode()
    link = f'href="/dashboard/patients/{pat.pk}/audit/"'
    assert link not in bob_page
    assert link in alice_page
