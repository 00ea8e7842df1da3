"""The web form's server side, without a browser: item 9 counts even on an incomplete form."""

import datetime as dt

from django.test import Client
from django.utils import timezone

from followup.models import CheckIn, Flag, Patient, Response
from followup.services.checkin_links import checkin_token_make
from followup.services.sessions import session_record


def checkin_open(patient: Patient) -> str:
    _, check_ins = session_record(
        patient=patient, occurred_at=timezone.now() - dt.timedelta(hours=25), treatment="other"
    )
    now = timezone.now()
    CheckIn.objects.filter(pk=check_ins[0].pk).update(
        status="sent", sent_at=now, expires_at=now + dt.timedelta(hours=72)
    )
    return checkin_token_make(check_ins[0].pk)


def test_item_9_on_an_incomplete_form_raises_the_flag_and_shows_the_crisis_box(
    pat: Patient,
) -> None:
    token = checkin_open(pat)

    page = Client().post(f"/c/{token}", {"phq9_1": "1", "phq9_9": "2"})

    assert page.status_code == 400
    html = page.content.decode()
    assert "If you are thinking about hurting yourself, you are not alone." in html
    assert "988" in html
    flag = Flag.objects.get(patient=pat)
    assert (flag.reason, flag.priority) == ("suicidal_ideation", "critical")
    partial = Response.objects.get(instrument="phq9")
    assert (partial.answers, partial.complete) == (
        [1, None, None, None, None, None, None, None, 2],
        False,
    )
    assert CheckIn.objects.get(status="in_progress")

    again = Client().post(f"/c/{token}", {"phq9_1": "1", "phq9_9": "2"})

    assert again.status_code == 400
    assert len(Flag.objects.get(patient=pat).evidence) == 1  # the same answer is not a new trigger


def test_a_form_without_item_9_positive_shows_no_crisis_box(pat: Patient) -> None:
    token = checkin_open(pat)

    page = Client().post(f"/c/{token}", {"phq9_1": "3"})

    assert page.status_code == 400
    assert "not alone" not in page.content.decode()
    assert not Flag.objects.exists()


def test_the_patient_is_not_told_a_clinician_knows_when_nobody_could_be_paged(
    pat: Patient,
) -> None:
    from followup.models import Clinician

    Clinician.objects.filter(clinic=pat.clinic).update(phone="")  # nobody to page at all
    token = checkin_open(pat)
    answers = {f"phq9_{n}": "0" for n in range(1, 9)} | {"phq9_9": "1"}
    answers |= {f"gad7_{n}": "0" for n in range(1, 8)}

    page = Client().post(f"/c/{token}", answers)

    html = page.content.decode()
    assert page.status_code == 200
    assert "you are not alone" in html
    assert "being told" not in html
    assert "Please also call Riverside Ketamine Clinic" in html


def test_saving_as_you_go_keeps_the_answers_and_brings_the_crisis_box_for_item_9(
    pat: Patient,
) -> None:
    token = checkin_open(pat)
    client = Client()

    first = client.post(f"/c/{token}", {"phq9_1": "2", "autosave": "1"})
    second = client.post(f"/c/{token}", {"phq9_1": "2", "phq9_9": "2", "autosave": "1"})

    assert (first.status_code, first.json()) == (200, {"saved": True, "crisis": False})
    assert second.status_code == 200
    assert second.json()["crisis"] is True
    box = second.json()["crisis_html"]
    assert "If you are thinking about hurting yourself, you are not alone." in box
    assert "988" in box
    flag = Flag.objects.get(patient=pat)
    assert (flag.reason, flag.priority) == ("suicidal_ideation", "critical")
    partial = Response.objects.get(check_in=flag.response.check_in, instrument="phq9")
    assert (partial.answers, partial.complete, partial.total) == (
        [2, None, None, None, None, None, None, None, 2],
        False,
        None,
    )
    assert flag.response.check_in.status == "in_progress"  # not submitted: the link still works
    assert client.get(f"/c/{token}").status_code == 200


def test_saving_as_you_go_never_completes_the_check_in(pat: Patient) -> None:
    token = checkin_open(pat)
    answers = {f"phq9_{n}": "3" for n in range(1, 10)} | {f"gad7_{n}": "0" for n in range(1, 8)}

    saved = Client().post(f"/c/{token}", answers | {"phq9_9": "0", "autosave": "1"})

    assert saved.json() == {"saved": True, "crisis": False}
    flag = Flag.objects.get(patient=pat)  # 24 answered: severe at once, before Send
    assert flag.reason == "severe_depression"
    kept = Response.objects.filter(check_in=flag.response.check_in)
    assert sorted(kept.values_list("instrument", "complete", "total")) == [
        ("gad7", False, None),
        ("phq9", False, None),
    ]
    page = Client().post(f"/c/{token}", answers | {"phq9_9": "0"})
    assert page.status_code == 200
    assert sorted(kept.values_list("instrument", "complete", "total")) == [
        ("gad7", True, 0),
        ("phq9", True, 24),
    ]


def test_saving_as_you_go_on_a_closed_link_is_refused(pat: Patient) -> None:
    token = checkin_open(pat)
    CheckIn.objects.filter(status="sent").update(expires_at=timezone.now())

    saved = Client().post(f"/c/{token}", {"phq9_9": "3", "autosave": "1"})

    assert saved.status_code == 410
    assert not Flag.objects.exists()


def test_the_crisis_box_gives_the_clinics_own_number_to_call(pat: Patient) -> None:
    from followup.models import Clinician

    Clinician.objects.filter(clinic=pat.clinic).update(phone="")  # nobody to page at all
    pat.clinic.phone = "+13125550142"
    pat.clinic.save()
    token = checkin_open(pat)

    saved = Client().post(f"/c/{token}", {"phq9_9": "2", "autosave": "1"})

    box = saved.json()["crisis_html"]
    assert (
        'Please also call Riverside Ketamine Clinic at <a href="tel:+13125550142">(312) 555-0142'
        "</a> and tell them how you are feeling." in box
    )
