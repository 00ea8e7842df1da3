"""Reaching and using the web check-in ``/c/<token>`` in a real browser (Debian's Chromium
through Playwright): how it looks on a desktop and a phone, the keyboard, no JavaScript, and the
link itself (not used up when opened, turned away when closed, used or made up, kept out of
search engines and referrers). Screenshots go to ``artifacts/screenshots/``.
"""

import re
from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page

from followup.models import CheckIn, Response
from tests.support.browser import DESKTOP, PHONE, shot
from tests.support.checkin_browser import answer, send

# live_server reads the database from its thread
pytestmark = pytest.mark.django_db(transaction=True)


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
