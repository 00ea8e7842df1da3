"""Every dashboard page passes axe-core's WCAG 2.1 A and AA checks in a real browser, at
desktop and phone widths. axe-core is the engine behind most accessibility checkers; its file
is kept beside the tests (``tests/support/vendor``), taken unchanged from the npm registry."""

import datetime as dt

import pytest
from django.utils import timezone
from knox.models import AuthToken
from playwright.sync_api import BrowserContext, Page

from followup.models import Clinician, Flag, Patient
from followup.services.responses import response_record
from followup.services.sessions import session_record
from tests.support.browser import DESKTOP, PHONE, VENDOR
from tests.support.cast import key_for

pytestmark = pytest.mark.django_db(transaction=True)

AXE = (VENDOR / "axe-4.14.1.min.js").read_text()
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def flagged(pat: Patient, alice: Clinician) -> Flag:
    """Pat after a session, with a PHQ-9 whose item 9 raised a critical flag."""
    _, check_ins = session_record(
        patient=pat,
        occurred_at=timezone.now() - dt.timedelta(days=2),
        treatment="iv_ketamine",
        actor=alice,
    )
    response_record(
        patient=pat,
        instrument="phq9",
        answers=[2, 2, 1, 1, 0, 1, 1, 0, 2],
        channel="sms",
        check_in=check_ins[0],
        submitted_at=timezone.now() - dt.timedelta(hours=3),
    )
    return Flag.objects.get(patient=pat, reason="suicidal_ideation")


def violations(page: Page) -> list[str]:
    page.add_script_tag(content=AXE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.usefixtures("dev_mode")
def test_every_dashboard_page_passes_axe(
    dashboard_context: object,
    alice: Clinician,
    flagged: Flag,
    live_server: object,
    viewport: dict,
) -> None:
    key_for(alice)
    AuthToken.objects.create(alice)
    # axe is injected as an inline script, which the pages' Content-Security-Policy refuses.
    context: BrowserContext = dashboard_context(alice, viewport, bypass_csp=True)
    page = context.new_page()
    paths = [
        "/dashboard/",
        f"/dashboard/flags/{flagged.pk}/",
        "/dashboard/patients/",
        f"/dashboard/patients/{flagged.patient_id}/",
        f"/dashboard/patients/{flagged.patient_id}/audit/",
        "/dashboard/rota/",
        "/dashboard/policy/",
        "/dashboard/plan/",
        "/dashboard/keys/",
        "/dashboard/security/api-tokens/",
        f"/dev/phone/{flagged.patient_id}/",
    ]
    found = {}
    for path in paths:
        assert page.goto(live_server.url + path).status == 200, path
        page.wait_for_load_state("networkidle")
        if problems := violations(page):
            found[path] = problems

    assert found == {}


def test_the_sign_in_pages_pass_axe(browser: object, bob: Clinician, live_server: object) -> None:
    context = browser.new_context(viewport=PHONE, bypass_csp=True)  # for axe's inline script
    page = context.new_page()

    page.goto(f"{live_server.url}/dashboard/login/")
    sign_in = violations(page)
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Continue").click()
    wrong_password = violations(page)
    context.close()

    assert sign_in == []
    assert wrong_password == []
