"""Storing a complete answer set: scored, flagged by the rules, and nothing written when bad."""

import datetime as dt
import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from followup.clinical.rules import Trigger
from followup.errors import DomainError
from followup.models import Flag, FlagEvent, Patient, Response
from followup.services.flags import CODE_ALPHABET, flag_raise
from followup.services.responses import response_record
from followup.services.sessions import session_record

T0 = dt.datetime(2026, 10, 1, 15, 0, tzinfo=dt.UTC)


def test_it_scores_a_complete_phq9_and_lists_it(as_bob: APIClient, pat: Patient) -> None:
    response, flags = response_record(
        patient=pat,
        instrument="phq9",
        answers=[2, 2, 1, 1, 1, 1, 1, 1, 0],
        difficulty=1,
        channel="web",
        submitted_at=T0,
    )

    assert (response.total, response.severity, response.complete) == (10, "moderate", True)
    assert flags == []
    listed = as_bob.get("/api/v1/responses/", {"patient": pat.pk, "instrument": "phq9"}).json()
    assert listed["results"][0] | {"submitted_at": None} == {
        "id": response.pk,
        "patient": pat.pk,
        "check_in": None,
        "instrument": "phq9",
        "answers": [2, 2, 1, 1, 1, 1, 1, 1, 0],
        "difficulty": 1,
        "total": 10,
        "severity": "moderate",
        "complete": True,
        "prorated": False,
        "submitted_at": None,
        "channel": "web",
    }
    patient = as_bob.get(f"/api/v1/patients/{pat.pk}/").json()
    assert patient["latest_scores"]["phq9"]["total"] == 10
    assert patient["latest_scores"]["gad7"] is None


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        ([1] * 8, "wrong_item_count"),
        ([1, 1, 1, 1, 1, 1, 1, 1, 4], "invalid_value"),
        ([1, 1, 1, 1, 1, 1, 1, 1, True], "invalid_value"),
        ([1, 1, 1, 1, 1, 1, 1, 1, None], "incomplete"),
    ],
)
def test_bad_answers_write_nothing(pat: Patient, answers: list, code: str) -> None:
    with pytest.raises(DomainError) as raised:
        response_record(patient=pat, instrument="phq9", answers=answers, channel="web")

    assert raised.value.code == code
    assert not Response.objects.exists()


def test_a_second_answer_set_for_one_check_in_is_refused(pat: Patient) -> None:
    _, check_ins = session_record(
        patient=pat, occurred_at=dt.datetime.now(dt.UTC), treatment="iv_ketamine"
    )
    answer = {"patient": pat, "instrument": "gad7", "answers": [1] * 7, "channel": "sms"}
    response_record(check_in=check_ins[0], **answer)

    with pytest.raises(DomainError) as raised:
        response_record(check_in=check_ins[0], **answer)

    assert raised.value.code == "duplicate"
    assert Response.objects.count() == 1


def test_item_9_and_a_severe_total_raise_a_critical_and_a_high_flag(pat: Patient) -> None:
    _, flags = response_record(
        patient=pat, instrument="phq9", answers=[3, 3, 3, 2, 2, 2, 2, 2, 1], channel="sms"
    )

    assert sorted((f.reason, f.priority) for f in flags) == [
        ("severe_depression", "high"),
        ("suicidal_ideation", "critical"),
    ]
    assert all(len(f.code) == 5 and set(f.code) <= set(CODE_ALPHABET) for f in flags)
    assert flags[0].policy_snapshot["levels"][0]["channels"] == ["sms", "voice"]


def test_reliable_deterioration_compares_with_the_previous_complete_score(
    pat: Patient,
) -> None:
    record = {"patient": pat, "instrument": "gad7", "channel": "web"}
    response_record(answers=[1, 1, 1, 0, 0, 0, 0], submitted_at=T0, **record)

    _, small = response_record(
        answers=[1, 1, 1, 1, 1, 1, 0], submitted_at=T0 + dt.timedelta(days=7), **record
    )
    _, large = response_record(
        answers=[2, 2, 2, 1, 1, 1, 1], submitted_at=T0 + dt.timedelta(days=14), **record
    )

    assert small == []  # 3 -> 6: +3, under the GAD-7 threshold of 4
    assert [(f.reason, f.priority) for f in large] == [("reliable_deterioration", "moderate")]


def test_a_new_trigger_joins_the_open_flag_of_its_reason(pat: Patient) -> None:
    trigger = Trigger(
        "suicidal_ideation", "critical", {"instrument": "phq9", "item": 9, "value": 1}
    )

    first, created_first = flag_raise(patient=pat, trigger=trigger)
    again, created_again = flag_raise(patient=pat, trigger=trigger)

    assert (created_first, created_again) == (True, False)
    assert first.pk == again.pk
    assert len(Flag.objects.get().evidence) == 2
    assert list(FlagEvent.objects.values_list("kind", flat=True)) == ["raised", "trigger_added"]


def test_a_resolved_flag_does_not_swallow_a_new_trigger(pat: Patient) -> None:
    trigger = Trigger("severe_anxiety", "high", {"instrument": "gad7", "total": 16})
    old, _ = flag_raise(patient=pat, trigger=trigger)
    Flag.objects.filter(pk=old.pk).update(
        status="resolved", resolved_at=dt.datetime.now(dt.UTC), resolution_note="Called back."
    )

    new, created = flag_raise(patient=pat, trigger=trigger)

    assert created
    assert new.pk != old.pk


@pytest.mark.postgresql  # SQLite serialises writers: there is no race to lose
@pytest.mark.django_db(transaction=True)
def test_simultaneous_triggers_make_one_flag(pat: Patient) -> None:
    trigger = Trigger("crisis_language", "critical", {"category": "suicide"})
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def raise_flag() -> None:
        try:
            barrier.wait()
            flag_raise(patient=pat, trigger=trigger)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=raise_flag) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Flag.objects.filter(patient=pat, reason="crisis_language").count() == 1
    assert len(Flag.objects.get(patient=pat).evidence) == 6


def phq9_totalling(total: int) -> list[int]:
    return [min(3, max(0, total - 3 * n)) for n in range(9)]


def gad7_totalling(total: int) -> list[int]:
    return [min(3, max(0, total - 3 * n)) for n in range(7)]


def test_a_steady_rise_is_a_reliable_deterioration_against_the_baseline(pat: Patient) -> None:
    """4 -> 9 -> 14 -> 19: each step is +5, under the PHQ-9's 6, but 14 is 10 above the 4."""
    raised = []
    for week, total in enumerate([4, 9, 14, 19]):
        _, flags = response_record(
            patient=pat,
            instrument="phq9",
            answers=phq9_totalling(total),
            channel="web",
            submitted_at=T0 + dt.timedelta(days=7 * week),
        )
        raised.append([flag.reason for flag in flags])

    assert raised == [[], [], ["reliable_deterioration"], ["reliable_deterioration"]]
    flag = Flag.objects.get(patient=pat, reason="reliable_deterioration")
    assert [
        (e["reference"], e["total"], e["previous_total"], e["baseline_total"])
        for e in flag.evidence
    ] == [("baseline", 14, 9, 4), ("baseline", 19, 14, 4)]


def test_the_baseline_is_the_last_score_before_the_first_session(pat: Patient) -> None:
    record = {"patient": pat, "instrument": "gad7", "channel": "web"}
    response_record(answers=gad7_totalling(3), submitted_at=T0, **record)
    response_record(answers=gad7_totalling(6), submitted_at=T0 + dt.timedelta(days=1), **record)
    session_record(patient=pat, occurred_at=T0 + dt.timedelta(days=2), treatment="esketamine")

    _, nine = response_record(
        answers=gad7_totalling(9), submitted_at=T0 + dt.timedelta(days=3), **record
    )
    _, ten = response_record(
        answers=gad7_totalling(10), submitted_at=T0 + dt.timedelta(days=4), **record
    )

    assert nine == []  # +3 over the baseline of 6 (it would be +6 over the first score, 3)
    assert [flag.reason for flag in ten] == ["reliable_deterioration"]
    (evidence,) = ten[0].evidence
    assert (evidence["reference"], evidence["baseline_total"], evidence["baseline_change"]) == (
        "baseline",
        6,
        4,
    )
    assert (evidence["previous_total"], evidence["previous_change"]) == (9, 1)
