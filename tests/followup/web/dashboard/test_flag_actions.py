"""Acknowledging and resolving a flag from the queue: paging stops, a note is required, htmx
gets fresh rows, and only CSRF-protected posts count.

The cast: Bob (clinician) and Alice (admin) of Riverside, Pat and other Riverside patients,
Mallory of Hillcrest with a patient of her own.
"""

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from followup.models import (
    AuditEvent,
    Clinician,
    EscalationStep,
    Flag,
    FlagEvent,
    Patient,
)
from tests.support.flags import SI, raise_flag
from tests.support.queue import QUEUE, row_ids

# Acknowledge and resolve -------------------------------------------------------------------


def test_it_acknowledges_from_the_queue_and_paging_stops(
    signed_in: Callable, bob: Clinician, paged_flag: Flag
) -> None:
    pending = EscalationStep.objects.filter(flag=paged_flag, status="pending")
    assert pending.exists()  # the next level waits for its timeout
    client = signed_in(bob)

    response = client.post(
        f"/dashboard/flags/{paged_flag.pk}/acknowledge/", {"next": QUEUE}, follow=True
    )

    assert response.redirect_chain == [(QUEUE, 302)]
    assert f"Flag {paged_flag.code} acknowledged. Paging has stopped." in response.content.decode()
    paged_flag.refresh_from_db()
    assert paged_flag.status == "acknowledged"
    assert paged_flag.acknowledged_by == bob
    assert timezone.now() - paged_flag.acknowledged_at < dt.timedelta(seconds=10)
    assert not pending.exists()
    assert FlagEvent.objects.get(flag=paged_flag, kind="acknowledged").detail == {
        "via": "dashboard"
    }
    audit = AuditEvent.objects.filter(action="flag.acknowledge", object_id=str(paged_flag.pk))
    assert list(audit.values_list("actor", "detail")) == [(bob.pk, {"via": "dashboard"})]


def test_it_acknowledging_again_is_harmless_and_says_who_has_it(
    signed_in: Callable, bob: Clinician, alice: Clinician, pat: Patient
) -> None:
    flag = raise_flag(pat, SI)
    signed_in(bob).post(f"/dashboard/flags/{flag.pk}/acknowledge/")

    again = signed_in(alice).post(f"/dashboard/flags/{flag.pk}/acknowledge/", follow=True)

    assert "was already acknowledged by Bob Nurse at" in again.content.decode()
    flag.refresh_from_db()
    assert flag.acknowledged_by == bob
    assert FlagEvent.objects.filter(flag=flag, kind="acknowledged").count() == 1


def test_it_resolves_with_a_note_and_the_flag_leaves_the_queue(
    signed_in: Callable, bob: Clinician, paged_flag: Flag
) -> None:
    client = signed_in(bob)
    note = "Called Pat; safe, with family tonight. Safety plan reviewed."

    response = client.post(
        f"/dashboard/flags/{paged_flag.pk}/resolve/", {"note": f"  {note} ", "next": QUEUE}
    )

    assert (response.status_code, response["Location"]) == (302, QUEUE)
    paged_flag.refresh_from_db()
    assert (paged_flag.status, paged_flag.resolved_by, paged_flag.resolution_note) == (
        "resolved",
        bob,
        note,
    )
    assert paged_flag.acknowledged_by == bob  # resolving an open flag acknowledges it too
    assert not EscalationStep.objects.filter(flag=paged_flag, status="pending").exists()
    html = client.get(QUEUE).content.decode()
    assert row_ids(html) == []
    assert f"Flag {paged_flag.code} resolved." in html
    assert (
        AuditEvent.objects.filter(action="flag.resolve", object_id=str(paged_flag.pk)).count() == 1
    )


@pytest.mark.parametrize("note", ["", "   \n  "])
def test_it_refuses_to_resolve_without_a_note_and_changes_nothing(
    signed_in: Callable, bob: Clinician, pat: Patient, note: str
) -> None:
    flag = raise_flag(pat, SI)
    client = signed_in(bob)
    events = FlagEvent.objects.filter(flag=flag).count()

    page = client.post(f"/dashboard/flags/{flag.pk}/resolve/", {"note": note, "next": QUEUE})
    htmx = client.post(
        f"/dashboard/flags/{flag.pk}/resolve/", {"note": note}, HTTP_HX_REQUEST="true"
    )

    assert page.status_code == 400
    html = page.content.decode()
    assert "A note is required: say what was done." in html
    assert 'role="alert"' in html
    assert f"Flag <code>{flag.code}</code>" in html
    assert htmx.status_code == 400
    assert htmx["Content-Type"].startswith("text/plain")
    assert htmx.content.decode() == "A note is required: say what was done."
    flag.refresh_from_db()
    assert (flag.status, flag.resolved_at, flag.resolution_note) == ("open", None, "")
    assert FlagEvent.objects.filter(flag=flag).count() == events


def test_it_refuses_a_note_that_is_too_long_and_keeps_what_was_typed(
    signed_in: Callable, bob: Clinician, pat: Patient
) -> None:
    flag = raise_flag(pat, SI)

    response = signed_in(bob).post(f"/dashboard/flags/{flag.pk}/resolve/", {"note": "x" * 5001})

    assert response.status_code == 400
    assert "Keep the note under 5,000 characters." in response.content.decode()
    assert "x" * 5001 in response.content.decode()
    flag.refresh_from_db()
    assert flag.status == "open"


def test_it_answers_htmx_actions_with_fresh_rows_and_a_notice(
    signed_in: Callable, bob: Clinician, pat: Patient
) -> None:
    flag = raise_flag(pat, SI)
    client = signed_in(bob)
    ack_url = f"/dashboard/flags/{flag.pk}/acknowledge/"

    acked = client.post(ack_url, {"next": QUEUE}, HTTP_HX_REQUEST="true")
    resolved_twice = [
        client.post(
            f"/dashboard/flags/{flag.pk}/resolve/",
            {"note": "Spoke with Pat.", "next": QUEUE},
            HTTP_HX_REQUEST="true",
        )
        for _ in range(2)
    ]

    html = acked.content.decode()
    assert acked.status_code == 200
    assert 'id="queue-notice" hx-swap-oob="innerHTML"' in html
    assert f"Flag {flag.code} acknowledged. Paging has stopped." in html
    assert row_ids(html) == [flag.pk]
    assert "Not acknowledged" not in html
    assert resolved_twice[0].status_code == 200
    assert row_ids(resolved_twice[0].content.decode()) == []
    assert resolved_twice[1].status_code == 409
    assert resolved_twice[1].content.decode() == "This flag is already resolved."


def test_it_takes_only_csrf_protected_posts(
    signed_in: Callable, bob: Clinician, pat: Patient
) -> None:
    flag = raise_flag(pat, SI)
    client = signed_in(bob)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies

    assert client.get(f"/dashboard/flags/{flag.pk}/acknowledge/").status_code == 405
    assert client.get(f"/dashboard/flags/{flag.pk}/resolve/").status_code == 405
    assert strict.post(f"/dashboard/flags/{flag.pk}/acknowledge/").status_code == 403
    flag.refresh_from_db()
    assert flag.status == "open"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://evil.example/dashboard/", QUEUE),
        ("//evil.example/dashboard/", QUEUE),
        ("/elsewhere/", QUEUE),
        ("FLAG", "FLAG"),
    ],
)
def test_it_goes_back_only_to_a_dashboard_address(
    signed_in: Callable, bob: Clinician, pat: Patient, given: str, expected: str
) -> None:
    flag = raise_flag(pat, SI)
    here = f"/dashboard/flags/{flag.pk}/"

    response = signed_in(bob).post(
        f"/dashboard/flags/{flag.pk}/acknowledge/", {"next": given.replace("FLAG", here)}
    )

    assert response["Location"] == expected.replace("FLAG", here)
