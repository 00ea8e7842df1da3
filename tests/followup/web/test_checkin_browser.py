"""Answering the web check-in ``/c/<token>`` in a real browser (Debian's Chromium through
Playwright): both instruments sent and stored, unanswered items marked, an answer it cannot
accept explained, each answer saved as it is chosen, and the crisis box on item 9.

Pat opens the link from an SMS on a phone. Each test drives the page as a patient would
(accessible names, mouse and keyboard) and checks what the page shows and what the database
holds. Screenshots go to ``artifacts/screenshots/``.
"""

from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page

from followup.models import Flag, Patient, Response
from tests.support.browser import shot
from tests.support.checkin_browser import answer, send

# live_server reads the database from its thread
pytestmark = pytest.mark.django_db(transaction=True)


def test_it_takes_a_complete_check_in_and_stores_both_totals(
    page: Page, make_link: Callable, console_errors: list[str]
) -> None:
    check_in, url = make_link()

    response = page.goto(url)

    assert response.status == 200
    assert page.title() == "Check-in \N{EN DASH} Riverside Ketamine Clinic"
    expires = check_in.expires_at.astimezone(ZoneInfo("America/Chicago"))
    assert page.locator("time").get_attribute("datetime") == expires.isoformat()
    assert page.get_by_text("PHQ-9 and GAD-7 are copyright Pfizer Inc.").is_visible()
    assert page.get_by_text("This form is not watched round the clock.").is_visible()
    assert page.locator("#progress").inner_text() == "0 of 16 answered"
    shot(page, "checkin_form_phone_390")

    answer(page, "phq9", [1, 2, 0, 3, 1, 0, 2, 1, 0])  # 10
    answer(page, "gad7", [0, 1, 2, 3, 0, 1, 2])  # 9
    page.get_by_role("radio", name="Somewhat difficult").first.click()
    assert page.locator("#progress").inner_text() == "16 of 16 answered. Ready to send."
    status = send(page)

    assert status == 200
    assert page.get_by_role("heading", name="Thank you").is_visible()
    assert page.get_by_text(
        "Your answers have been sent to your care team at Riverside"
    ).is_visible()
    assert page.locator(".crisis").count() == 0
    check_in.refresh_from_db()
    assert check_in.status == "completed"
    responses = {r.instrument: r for r in Response.objects.filter(check_in=check_in)}
    assert set(responses) == {"phq9", "gad7"}
    assert responses["phq9"].answers == [1, 2, 0, 3, 1, 0, 2, 1, 0]
    assert (responses["phq9"].total, responses["phq9"].complete) == (10, True)
    assert responses["phq9"].difficulty == 1
    assert (responses["gad7"].total, responses["gad7"].complete) == (9, True)
    assert responses["gad7"].difficulty is None
    assert "10" not in page.locator("main").inner_text()  # never a score on the page
    assert console_errors == []


def test_it_marks_unanswered_items_and_keeps_the_other_answers(
    page: Page, make_link: Callable, console_errors: list[str]
) -> None:
    check_in, url = make_link()
    page.goto(url)
    answer(page, "phq9", [1, 1, None, 0, 0, 0, 0, 0, 0])
    answer(page, "gad7", [2, 2, 2, 2, None, 2, 2])

    status = send(page)

    assert status == 400
    assert page.title().startswith("Error: ")
    alert = page.get_by_role("alert")
    assert "Please answer every question: 2 still need an answer." in alert.inner_text()
    assert alert.get_by_role("link").all_inner_texts() == ["PHQ-9, question 3", "GAD-7, question 5"]
    assert page.evaluate("document.activeElement.id") == "error-summary"
    for name in ("phq9_3", "gad7_5"):
        radios = page.locator(f"input[name={name}]")
        assert radios.count() == 4
        for radio in radios.all():
            assert radio.get_attribute("aria-invalid") == "true"
            assert radio.get_attribute("aria-describedby") == f"{name}-error"
        assert page.locator(f"#{name}-error").inner_text().endswith("Please choose an answer.")
    assert page.locator("input[aria-invalid]").count() == 8
    assert page.locator("#phq9_1_1").is_checked()
    assert page.locator("#phq9_2_1").is_checked()
    assert page.locator("#gad7_4_2").is_checked()
    assert page.locator("#progress").inner_text() == "14 of 16 answered"
    # What was answered is kept, as partial responses, with no totals yet.
    kept = Response.objects.filter(check_in=check_in)
    assert sorted(kept.values_list("instrument", "complete", "total")) == [
        ("gad7", False, None),
        ("phq9", False, None),
    ]
    assert kept.get(instrument="phq9").answers[2] is None
    shot(page, "checkin_form_errors_phone_390")

    page.get_by_role("link", name="PHQ-9, question 3").click()
    answer(page, "phq9", [None, None, 3, None, None, None, None, None, None])
    answer(page, "gad7", [None, None, None, None, 1, None, None])
    assert send(page) == 200

    totals = dict(Response.objects.filter(check_in=check_in).values_list("instrument", "total"))
    assert totals == {"phq9": 5, "gad7": 13}
    assert console_errors == []


def test_it_shows_the_crisis_box_when_item_nine_is_positive(
    page: Page, make_link: Callable, pat: Patient, console_errors: list[str]
) -> None:
    _, url = make_link()
    page.goto(url)
    answer(page, "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])  # item 9: "Several days"
    answer(page, "gad7", [0] * 7)

    assert send(page) == 200

    crisis = page.locator(".crisis")
    assert crisis.is_visible()
    text = crisis.inner_text()
    assert "If you are thinking about hurting yourself, you are not alone." in text
    assert "the 988 Suicide & Crisis Lifeline (call or text 988)" in text
    assert "call 911 or go to the nearest emergency room" in text
    # Nobody is on call, so the rota gap pages the clinic's admin: a page is going out.
    assert "Your clinic's on-call clinician is being told now." in text
    flag = Flag.objects.get(patient=pat, reason="suicidal_ideation")
    assert flag.messages.filter(purpose="page").exists()
    shot(page, "checkin_done_crisis_phone_390")
    assert console_errors == []


def test_it_explains_an_answer_it_cannot_accept(page: Page, make_link: Callable) -> None:
    """A tampered value reaches the service, which refuses it and writes nothing."""
    check_in, url = make_link()
    page.goto(url)
    answer(page, "phq9", [0] * 9)
    answer(page, "gad7", [0] * 7)
    page.locator("#phq9_2_3").evaluate("radio => { radio.value = '7'; radio.checked = true; }")

    assert send(page) == 400

    alert = page.get_by_role("alert")
    assert "answer must be 0, 1, 2 or 3" in alert.inner_text()
    assert alert.get_by_role("link").all_inner_texts() == ["PHQ-9, question 2"]
    assert page.locator("input[name=phq9_2][aria-invalid=true]").count() == 4
    # Nothing submitted; what was saved as it was chosen is partial and never holds the 7.
    kept = Response.objects.filter(check_in=check_in)
    assert not kept.filter(complete=True).exists()
    assert all(7 not in response.answers for response in kept)


def test_it_saves_each_answer_as_it_is_chosen_and_shows_the_crisis_box_at_once(
    page: Page, make_link: Callable, pat: Patient, console_errors: list[str]
) -> None:
    check_in, url = make_link()
    page.goto(url)
    answer(page, "phq9", [1, 0, None, None, None, None, None, None, None])
    page.wait_for_load_state("networkidle")  # the first saves are done; nothing raised
    assert page.locator(".crisis").count() == 0

    answer(page, "phq9", [None] * 8 + [2])  # item 9: "More than half the days", no Send

    crisis = page.locator(".crisis")
    crisis.wait_for(state="visible")
    assert crisis.get_attribute("role") == "alert"
    text = crisis.inner_text()
    assert "If you are thinking about hurting yourself, you are not alone." in text
    assert "the 988 Suicide & Crisis Lifeline (call or text 988)" in text
    assert "Your clinic's on-call clinician is being told now." in text
    # It sits right under item 9, where the patient is.
    assert page.locator("#q-phq9_9 + .crisis").count() == 1
    flag = Flag.objects.get(patient=pat, reason="suicidal_ideation")
    assert flag.messages.filter(purpose="page").exists()
    partial = Response.objects.get(check_in=check_in, instrument="phq9")
    assert (partial.answers, partial.complete) == (
        [1, 0, None, None, None, None, None, None, 2],
        False,
    )
    check_in.refresh_from_db()
    assert check_in.status == "in_progress"
    shot(page, "checkin_saved_as_you_go_crisis_phone_390")

    answer(page, "phq9", [None, None, 0, 0, 0, 0, 0, 0, None])
    answer(page, "gad7", [0] * 7)
    assert send(page) == 200

    assert page.get_by_role("heading", name="Thank you").is_visible()
    assert (
        "Your clinic's on-call clinician is being told now." in page.locator(".crisis").inner_text()
    )
    flag.refresh_from_db()
    assert len(flag.evidence) == 1  # paged once, when item 9 was chosen
    totals = dict(Response.objects.filter(check_in=check_in).values_list("instrument", "total"))
    assert totals == {"phq9": 3, "gad7": 0}
    assert console_errors == []
