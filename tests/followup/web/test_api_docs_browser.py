"""The API's interactive docs in a real browser, under the Content-Security-Policy (here for the
browser fixture: the page is the API's, ``api/urls.py``)."""

from playwright.sync_api import Browser, ConsoleMessage


def test_the_api_docs_load_with_no_policy_violation(
    browser: Browser, live_server: object, db: None
) -> None:
    context = browser.new_context()
    page = context.new_page()
    console: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        console.append(message.text)

    page.on("console", on_console)

    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".opblock", timeout=15_000)

    assert page.get_by_text("/api/v1/patients/", exact=True).first.is_visible()
    context.close()
    assert console == []
