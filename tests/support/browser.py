"""Real Chromium (Debian's package, never a downloaded browser) driven by Playwright."""

from pathlib import Path

from django.conf import settings
from playwright.sync_api import Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# Scripts kept beside the tests, taken unchanged from their registry (vendor/README.md).
VENDOR = Path(__file__).resolve().parent / "vendor"


def shot(page: Page, name: str) -> Path:
    """A full-page screenshot kept as a CI artifact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path
