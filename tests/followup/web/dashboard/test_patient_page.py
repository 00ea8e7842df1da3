"""Each patient's page: isolation, audit of each view, contact and consent, answers item by item,
the charts' data, the timeline, and its query cost."""

import datetime as dt
import json
import re
from collections.abc import Callable

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
from followup.services.dispatch import checkins_dispatch_due
from followup.services.flags import flag_acknowledge, flag_resolve
from followup.services.responses import response_record
from followup.services.sessions import session_record
from followup.web.dashboard import patients
from tests.support.patients import past_check_in, score, text_of

Client_ = Callable[[Clinician], Client]
DASH = "\N{EN DASH}"
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
    assert "Not sent: no SMS consent" in text
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


# 06:12 in Chicago, inside Pat's quiet hours (21:00-08:00, in her zone, as the page shows times).
EARLY = dt.datetime(2026, 11, 26, 12, 12, tzinfo=dt.UTC)


@pytest.mark.time_machine(EARLY, tick=False)
def test_it_says_why_a_check_in_went_out_later_or_not_at_all(
    signed_in: Client_, bob: Clinician, pat: Patient
) -> None:
    with time_machine.travel(EARLY - dt.timedelta(hours=24), tick=False):
        _, check_ins = session_record(
            patient=pat, occurred_at=EARLY - dt.timedelta(hours=24), treatment="other"
        )
    checkins_dispatch_due()  # the first is due now, in quiet hours: moved to 08:00
    CheckIn.objects.filter(pk=check_ins[1].pk).update(
        status="undeliverable", undeliverable_reason="send_failed:30003"
    )

    text = text_of(signed_in(bob).get(f"/dashboard/patients/{pat.pk}/?timeline=all"))

    assert "Moved to 08:00 (quiet hours); planned for Thu 26 Nov, 06:12" in text
    assert "Not sent: the message failed (Twilio error 30003)" in text
