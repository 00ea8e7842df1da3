"""The admin pages in a real browser (Debian's Chromium through Playwright).

Alice adds a shift through the rota form and ends one through its confirmation, as an admin
would with a mouse and keyboard; the policy and plan pages are opened for screenshots, which go
to ``artifacts/screenshots/``.
"""

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, expect

from followup.models import AuditEvent, Clinic, Clinician, OnCallShift
from followup.services.clinics import clinician_create
from followup.services.rota import shift_create
from tests.support.browser import PHONE, shot
from tests.support.cast import PASSWORD

# live_server reads the database from its thread
pytestmark = pytest.mark.django_db(transaction=True)

Contexts = Callable[..., BrowserContext]


def tomorrow_at(clinic: Clinic, hour: int) -> dt.datetime:
    zone = zoneinfo.ZoneInfo(clinic.timezone)
    day = timezone.localtime(timezone.now(), zone).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zone)


@pytest.fixture
def rota(clinic: Clinic, alice: Clinician, bob: Clinician) -> dict[str, OnCallShift]:
    """Bob on call at level 1 from an hour ago until tomorrow 08:00; Alice at level 2 from
    tomorrow 08:00 for two days; a clinician without a phone in the list."""
    clinician_create(
        clinic=clinic, username="charlie", password=PASSWORD, first_name="Charlie", last_name="Day"
    )
    now = timezone.now()
    morning = tomorrow_at(clinic, 8)
    return {
        "bob": shift_create(
            clinic=clinic, clinician=bob, starts_at=now - dt.timedelta(hours=1), ends_at=morning
        ),
        "alice": shift_create(
            clinic=clinic,
            clinician=alice,
            starts_at=morning,
            ends_at=morning + dt.timedelta(days=2),
            level=2,
        ),
    }


def test_it_lets_alice_add_a_shift_through_the_form(
    dashboard_context: Contexts,
    live_server: object,
    alice: Clinician,
    bob: Clinician,
    clinic: Clinic,
    rota: dict,
) -> None:
    page = dashboard_context(alice).new_page()
    page.goto(f"{live_server.url}/dashboard/rota/")
    expect(page).to_have_title(re.compile(r"^On-call rota "))
    expect(page.get_by_text("No one on call at level 1 from").first).to_be_visible()

    form = page.locator("#add-shift")
    form.get_by_label("Clinician").select_option(label="Bob Nurse")
    form.get_by_label("Starts").fill(tomorrow_at(clinic, 8).strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label("Ends").fill(tomorrow_at(clinic, 20).strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label("Level").select_option(label="Level 1")
    form.get_by_role("button", name="Add shift").click()

    expect(page.get_by_role("status")).to_contain_text("Shift added: Bob Nurse at level 1")
    added = OnCallShift.objects.exclude(pk__in=[s.pk for s in rota.values()]).get()
    assert (added.clinician, added.level) == (bob, 1)
    assert added.starts_at == tomorrow_at(clinic, 8)
    assert added.ends_at == tomorrow_at(clinic, 20)
    assert AuditEvent.objects.filter(action="shift.create", actor=alice).exists()
    shot(page, "dashboard-rota-desktop")

    phone = dashboard_context(alice, viewport=PHONE).new_page()
    phone.goto(f"{live_server.url}/dashboard/rota/")
    expect(phone.get_by_role("heading", name="On-call rota")).to_be_visible()
    shot(phone, "dashboard-rota-phone")


def test_it_ends_a_shift_after_saying_what_that_leaves_uncovered(
    dashboard_context: Contexts, live_server: object, alice: Clinician, rota: dict
) -> None:
    page = dashboard_context(alice).new_page()
    page.goto(f"{live_server.url}/dashboard/rota/")

    page.get_by_role("link", name=re.compile(r"^End now… Bob Nurse's shift")).click()
    confirm = page.locator("#confirm")
    expect(confirm).to_contain_text("Level 1 would then have nobody on call from now")
    shot(page, "dashboard-rota-confirm-desktop")
    confirm.get_by_role("button", name="Yes, end Bob Nurse's shift now").click()

    expect(page.get_by_role("status")).to_contain_text("Bob Nurse's level 1 shift ended at")
    rota["bob"].refresh_from_db()
    assert rota["bob"].ends_at <= timezone.now()


def test_it_shows_the_policy_and_names_a_bad_fallback_number(
    dashboard_context: Contexts, live_server: object, alice: Clinician, clinic: Clinic
) -> None:
    page = dashboard_context(alice).new_page()
    page.goto(f"{live_server.url}/dashboard/policy/")
    expect(page.get_by_label("Level 1: minutes before the next level")).to_have_value("5")
    shot(page, "dashboard-policy-desktop")

    page.get_by_label("Fallback phone numbers").fill("+13125550188\n555-CALL-NOW")
    page.get_by_role("button", name="Save policy").click()

    expect(page.get_by_role("alert").first).to_contain_text("Nothing was saved.")
    expect(page.locator(".field--error")).to_contain_text("'555-CALL-NOW' is not a valid")
    shot(page, "dashboard-policy-error-desktop")
    clinic.escalation_policy.refresh_from_db()
    assert clinic.escalation_policy.fallback_phones == []


def test_it_shows_the_plan_on_a_phone(
    dashboard_context: Contexts, live_server: object, alice: Clinician
) -> None:
    page = dashboard_context(alice, viewport=PHONE).new_page()
    page.goto(f"{live_server.url}/dashboard/plan/")

    expect(page.get_by_label("Step 2: time after the session")).to_have_value("7")
    expect(
        page.get_by_text("Changes apply to patients enrolled and sessions recorded from now on.")
    ).to_be_visible()
    expect(page.get_by_label("Send a baseline check-in (PHQ-9 and GAD-7)")).to_be_checked()
    shot(page, "dashboard-plan-phone")
