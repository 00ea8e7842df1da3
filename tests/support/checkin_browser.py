"""Answering the web check-in in a real browser as a patient does: by each option's label."""

from playwright.sync_api import Page

from followup.clinical.instruments import get_instrument

LABELS = {0: "Not at all", 1: "Several days", 2: "More than half the days", 3: "Nearly every day"}


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
