"""The web check-in ``/c/<token>`` in a real browser (Debian's Chromium through Playwright).

Pat opens the link from an SMS on a phone, answers the PHQ-9 and GAD-7 and sends them. Each test
drives the page as a patient would (accessible names, mouse and keyboard) and checks what the
page shows and what the database holds. Screenshots go to ``artifacts/screenshots/``.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, ConsoleMessage, Page

from followup.clinical.instruments import get_instrument
from followup.models import CheckIn, Flag, Patient, Response
from followup.services.checkin_links import checkin_token_make
from followup.services.sessions import session_record
from tests.support.browser import DESKTOP, PHONE, shot

LABELS = {0: "Not at all", 1: "Several days", 2: "More than half the days", 3: "Nearly every day"}

# live_server reads the database from its thread
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def console_errors() -> list[str]:
    return []


@pytest.fixture
def page(browser: Browser, console_errors: list[str]) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        # Chromium reports a 4xx document as a failed load; the tests check those statuses.
        if message.type == "error" and "Failed to load resource" not in message.text:
            console_errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            console_errors.append(f"{response.status} {response.url}")
            if response.request.resource_type != "document" and response.status >= 400
            else None
        ),
    )
    yield page
    context.close()


@pytest.fixture
def make_link(pat: Patient, live_server: object) -> Callable[[], tuple[CheckIn, str]]:
    """A sent web check-in (PHQ-9 then GAD-7) for Pat and its link."""

    def make() -> tuple[CheckIn, str]:
        _, check_ins = session_record(
            patient=pat,
            occurred_at=timezone.now() - dt.timedelta(hours=25),
            treatment="iv_ketamine",
        )
        now = timezone.now().replace(microsecond=0)
        CheckIn.objects.filter(pk=check_ins[0].pk).update(
            status="sent", sent_at=now, expires_at=now + dt.timedelta(hours=72), channel="web"
        )
        check_in = CheckIn.objects.get(pk=check_ins[0].pk)
        return check_in, f"{live_server.url}/c/{checkin_token_make(check_in.pk)}"

    return make


def answer(page: Page, code: str, values: list[int | None]) -> None:
    """Click each item's option by its label, as a patient taps it; None leaves it unanswered."""
    for item, value in zip(get_instrument(code).items, values, strict=True):
        if value is None:
            continue
        question = page.get_by_role("group", name=f"{item.number}. {item.text}", exact=True)
        question.get_by_role("radio", name=LABELS[value], exact=True).click()


def send(page: Page) -> int:
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Send my answers").click()
    return navigation.value.status


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


def test_it_looks_right_on_a_desktop(page: Page, make_link: Callable) -> None:
    _, url = make_link()
    page.set_viewport_size(DESKTOP)

    page.goto(url)

    # Four options side by side, each a tap target of at least 44px.
    first = page.get_by_role("group", name=re.compile(r"^1\. Little interest"))
    boxes = [label.bounding_box() for label in first.locator("label").all()]
    assert len({round(box["y"]) for box in boxes}) == 1
    assert all(box["height"] >= 44 for box in boxes)
    shot(page, "checkin_form_desktop_1280")
    page.emulate_media(media="print")
    shot(page, "checkin_form_print")


def test_it_gives_every_option_a_large_tap_target_on_a_phone(
    page: Page, make_link: Callable
) -> None:
    _, url = make_link()
    page.set_viewport_size({"width": 360, "height": 740})

    page.goto(url)

    heights = page.locator("label.option").evaluate_all(
        "labels => labels.map(label => label.getBoundingClientRect().height)"
    )
    assert len(heights) == 4 * (9 + 1 + 7 + 1)
    assert min(heights) >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll


def test_it_does_not_use_the_link_up_when_opened(page: Page, make_link: Callable) -> None:
    check_in, url = make_link()

    assert page.goto(url).status == 200
    assert page.goto(url).status == 200

    check_in.refresh_from_db()
    assert check_in.status == "sent"
    answer(page, "phq9", [0] * 9)
    answer(page, "gad7", [0] * 7)
    assert send(page) == 200
    assert page.get_by_role("heading", name="Thank you").is_visible()


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


@pytest.mark.parametrize(
    ("status", "heading", "expected"),
    [
        ("completed", "Already answered", 410),
        ("expired", "This link has expired", 410),
    ],
)
def test_it_turns_a_closed_link_away(
    page: Page, make_link: Callable, status: str, heading: str, expected: int
) -> None:
    check_in, url = make_link()
    CheckIn.objects.filter(pk=check_in.pk).update(status=status, completed_at=timezone.now())

    response = page.goto(url)

    assert response.status == expected
    assert page.get_by_role("heading", name=heading).is_visible()
    assert page.get_by_text("contact your clinic", exact=False).count() == (
        0 if status == "completed" else 1
    )
    assert "Riverside" not in page.content()
    assert page.locator("form").count() == 0
    assert page.title() == "Check-in link"


def test_it_turns_a_used_link_away_after_submitting(page: Page, make_link: Callable) -> None:
    _, url = make_link()
    page.goto(url)
    answer(page, "phq9", [0] * 9)
    answer(page, "gad7", [0] * 7)
    send(page)

    response = page.goto(url)

    assert response.status == 410
    assert page.get_by_text("This check-in has already been answered. Thank you.").is_visible()
    shot(page, "checkin_gone_used_phone_390")


def test_it_turns_a_made_up_link_away(page: Page, live_server: object) -> None:
    response = page.goto(f"{live_server.url}/c/not-a-real-token")

    assert response.status == 404
    assert page.get_by_role("heading", name="This link does not work").is_visible()
    assert page.get_by_text("they can send you a new link").is_visible()


def test_it_can_be_answered_with_the_keyboard(page: Page, make_link: Callable) -> None:
    _, url = make_link()
    page.goto(url)

    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "phq9_1":
            break
    assert page.evaluate("document.activeElement.id") == "phq9_1_0"
    focused = page.locator("label[for=phq9_1_0]")
    assert focused.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"

    page.keyboard.press("Space")
    assert page.locator("#phq9_1_0").is_checked()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.locator("#phq9_1_2").is_checked()
    assert not page.locator("#phq9_1_0").is_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "phq9_2_0"
    page.keyboard.press("ArrowRight")
    assert page.locator("#phq9_2_1").is_checked()
    assert page.locator("#progress").inner_text() == "2 of 16 answered"


def test_it_works_without_javascript(browser: Browser, make_link: Callable) -> None:
    check_in, url = make_link()
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(url)
        assert not page.locator("#progress").is_visible()
        answer(page, "phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0])
        answer(page, "gad7", [3] * 7)
        assert send(page) == 200
        assert page.get_by_role("heading", name="Thank you").is_visible()
    finally:
        context.close()
    totals = dict(Response.objects.filter(check_in=check_in).values_list("instrument", "total"))
    assert totals == {"phq9": 24, "gad7": 21}


def test_it_keeps_private_links_out_of_search_and_referrers(
    page: Page, make_link: Callable
) -> None:
    _, url = make_link()
    page.goto(url)

    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("meta[name=robots]").get_attribute("content") == "noindex"
    assert page.locator("meta[name=referrer]").get_attribute("content") == "same-origin"
    assert page.locator("meta[name=viewport]").count() == 1
    assert page.locator("script[src^=http], link[href^=http]").count() == 0  # nothing external


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
