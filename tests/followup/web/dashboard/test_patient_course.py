"""A patient's course on their page (CLINICAL.md): baseline, response and remission, measured
from the check-in at enrolment."""

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from followup.models import (
    CheckIn,
    Clinician,
    Patient,
)
from followup.services.responses import response_record
from followup.services.sessions import session_record
from followup.web.dashboard.presenters import patient_record
from tests.support.patients import answers, score, text_of

Client_ = Callable[[Clinician], Client]
DASH, MINUS = "\N{EN DASH}", "\N{MINUS SIGN}"
NOW = timezone.now


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
