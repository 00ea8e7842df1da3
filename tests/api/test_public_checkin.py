"""The patient's web check-in through the public API: the token is the only key."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from followup.models import CheckIn, Flag, Patient, Response
from followup.services.checkin_links import checkin_token_make
from followup.services.sessions import session_record

GOOD = {
    "phq9": [1, 1, 2, 0, 1, 0, 1, 0, 0],
    "phq9_difficulty": 1,
    "gad7": [2, 1, 1, 0, 0, 1, 0],
    "gad7_difficulty": None,
}


@pytest.fixture
def token(pat: Patient) -> str:
    _, check_ins = session_record(
        patient=pat, occurred_at=timezone.now() - dt.timedelta(hours=25), treatment="other"
    )
    now = timezone.now()
    CheckIn.objects.filter(pk=check_ins[0].pk).update(
        status="sent", sent_at=now, expires_at=now + dt.timedelta(hours=72)
    )
    return checkin_token_make(check_ins[0].pk)


def submit(token: str, answers: dict) -> object:
    return APIClient().post(
        f"/api/v1/public/check-ins/{token}/responses/", {"answers": answers}, format="json"
    )


def test_get_shows_what_to_ask_and_never_uses_the_token(token: str) -> None:
    first = APIClient().get(f"/api/v1/public/check-ins/{token}/")
    second = APIClient().get(f"/api/v1/public/check-ins/{token}/")

    assert first.status_code == second.status_code == 200
    body = first.json()
    assert body["clinic"] == "Riverside Ketamine Clinic"
    assert [i["code"] for i in body["instruments"]] == ["phq9", "gad7"]
    assert body["instruments"][0]["items"][8]["loinc"] == "44260-8"
    assert body["answers"] == {"phq9": [None] * 9, "gad7": [None] * 7}
    assert "Pfizer" in body["notice"]
    assert "first_name" not in str(body)
    assert "Pat" not in str(body)


def test_post_once_gives_201_with_totals_and_again_410(token: str, pat: Patient) -> None:
    created = submit(token, GOOD)
    again = submit(token, GOOD)

    assert created.status_code == 201
    assert created.json()["totals"] == {"phq9": 6, "gad7": 5}
    assert created.json()["severities"] == {"phq9": "mild", "gad7": "mild"}
    assert "crisis_resources" not in created.json()
    assert again.status_code == 410
    assert again.json()["code"] == "used"
    assert Response.objects.filter(patient=pat, complete=True).count() == 2
    assert APIClient().get(f"/api/v1/public/check-ins/{token}/").status_code == 410


def test_item_9_brings_the_crisis_resources_and_a_critical_flag(token: str, pat: Patient) -> None:
    answers = {**GOOD, "phq9": [1, 1, 2, 0, 1, 0, 1, 0, 1]}

    response = submit(token, answers)

    assert response.status_code == 201
    resources = response.json()["crisis_resources"]
    assert "988" in resources["crisis_line"]
    assert "911" in resources["emergency_line"]
    assert Flag.objects.get(patient=pat).reason == "suicidal_ideation"


def test_the_crisis_resources_give_the_clinics_own_number_when_it_has_one(
    token: str, pat: Patient
) -> None:
    pat.clinic.phone = "+13125550142"
    pat.clinic.save()

    response = submit(token, {**GOOD, "phq9": [1, 1, 2, 0, 1, 0, 1, 0, 1]})

    resources = response.json()["crisis_resources"]
    assert resources["clinic_phone"] == "+13125550142"
    # Nobody is on call: the rota gap pages the clinic's admin, Alice, so the clinic is told.
    assert resources["message"].endswith(
        "Your clinic's on-call clinician is being told now. You can also call Riverside "
        "Ketamine Clinic at (312) 555-0142."
    )


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({**GOOD, "phq9": [1] * 8}, "answers.phq9"),
        ({**GOOD, "gad7": [1, 1, 1, 1, 1, 1, 4]}, "answers.gad7[6]"),
        ({**GOOD, "gad7": [1, 1, 1, 1, 1, 1, "x"]}, "answers.gad7[6]"),
        ({**GOOD, "phq9_difficulty": 5}, "answers.phq9_difficulty"),
        ({"phq9": GOOD["phq9"]}, "answers.gad7"),
        ({**GOOD, "bdi2": [1, 2]}, "answers.bdi2"),
    ],
)
def test_bad_answers_are_a_400_naming_the_field_and_change_nothing(
    token: str, answers: dict, field: str
) -> None:
    response = submit(token, answers)

    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == [field]
    assert not Response.objects.exists()
    assert CheckIn.objects.filter(status="sent").count() == 1
    assert submit(token, GOOD).status_code == 201  # still usable


def test_an_expired_link_is_410(token: str) -> None:
    CheckIn.objects.filter(status="sent").update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )

    assert APIClient().get(f"/api/v1/public/check-ins/{token}/").status_code == 410
    assert submit(token, GOOD).json()["code"] == "expired"


def test_a_forged_token_is_404(token: str) -> None:
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    assert APIClient().get(f"/api/v1/public/check-ins/{forged}/").status_code == 404
    assert submit("nonsense", GOOD).status_code == 404


def test_a_partial_save_with_item_9_is_kept_flagged_and_leaves_the_link_usable(
    token: str, pat: Patient
) -> None:
    partial = {**GOOD, "phq9": [1, None, 2, None, None, None, None, None, 3], "gad7": [None] * 7}

    saved = submit(token, partial)

    assert saved.status_code == 202
    body = saved.json()
    assert body | {"crisis_resources": None} == {
        "check_in": body["check_in"],
        "status": "in_progress",
        "complete": False,
        "instruments": ["phq9"],
        "answers": {"phq9": [1, None, 2, None, None, None, None, None, 3], "gad7": [None] * 7},
        "crisis_resources": None,
    }
    assert "988" in body["crisis_resources"]["crisis_line"]
    flag = Flag.objects.get(patient=pat, reason="suicidal_ideation")
    assert (flag.priority, flag.status, flag.response.check_in_id) == (
        "critical",
        "open",
        body["check_in"],
    )
    stored = Response.objects.get(check_in_id=body["check_in"], instrument="phq9")
    assert (stored.complete, stored.total, stored.prorated, stored.difficulty) == (
        False,
        None,
        False,
        1,
    )
    assert APIClient().get(f"/api/v1/public/check-ins/{token}/").json()["answers"]["phq9"] == [
        1, None, 2, None, None, None, None, None, 3
    ]  # fmt: skip

    full = submit(token, {**GOOD, "phq9": [1, 1, 2, 0, 1, 0, 1, 0, 3]})

    assert full.status_code == 201
    assert full.json()["totals"] == {"phq9": 9, "gad7": 5}
    assert full.json()["complete"] is True
    assert len(Flag.objects.get(patient=pat, reason="suicidal_ideation").evidence) == 1  # once
    assert submit(token, GOOD).status_code == 410


def test_a_partial_save_whose_answers_already_sum_to_20_raises_severe_depression(
    token: str, pat: Patient
) -> None:
    saved = submit(token, {**GOOD, "phq9": [3] * 7 + [None, None], "gad7": [None] * 7})

    assert saved.status_code == 202
    assert "crisis_resources" not in saved.json()
    flag = Flag.objects.get(patient=pat)
    assert (flag.reason, flag.priority) == ("severe_depression", "high")
    assert (
        submit(token, {**GOOD, "phq9": [3] * 7 + [None, None], "gad7": [None] * 7}).status_code
        == 202
    )
    assert len(Flag.objects.get(patient=pat).evidence) == 1  # the same answers again: nothing new


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({**GOOD, "phq9": [None] * 8 + [4]}, "answers.phq9[8]"),
        ({**GOOD, "phq9": [3, None, None, None, None, None, None, None, "1"]}, "answers.phq9[8]"),
        ({**GOOD, "gad7": [None] * 6}, "answers.gad7"),
        ({"phq9": [None] * 8 + [3]}, "answers.gad7"),
    ],
)
def test_a_bad_partial_save_is_a_400_and_changes_nothing(
    token: str, pat: Patient, answers: dict, field: str
) -> None:
    response = submit(token, answers)

    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == [field]
    assert not Response.objects.filter(patient=pat).exists()
    assert not Flag.objects.filter(patient=pat).exists()
    assert submit(token, {**GOOD, "phq9": [None] * 9}).status_code == 202  # still usable


def test_a_partial_save_on_a_closed_link_is_410(token: str) -> None:
    CheckIn.objects.filter(status="sent").update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )

    response = submit(token, {**GOOD, "phq9": [None] * 8 + [2]})

    assert (response.status_code, response.json()["code"]) == (410, "expired")
    assert not Flag.objects.exists()
