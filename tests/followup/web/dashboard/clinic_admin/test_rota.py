"""The on-call rota page: who is on call and the gaps, in clinic time; adding, ending and
cancelling shifts.

Alice (Riverside's admin) reads and changes it; Mallory (Hillcrest's admin) sees only Hillcrest
and cannot touch Riverside's rows. Times are Riverside's (America/Chicago: UTC-6 in December).
"""

import datetime as dt

import pytest
import time_machine

from followup.models import AuditEvent, Clinic, Clinician, OnCallShift
from followup.services.clinics import clinician_create
from tests.support.cast import PASSWORD
from tests.support.clinic_admin import CHICAGO, NOON, SignedIn, add_shift, local, shift, text

# The rota --------------------------------------------------------------------------------------


def test_it_shows_who_is_on_call_and_the_gaps_in_clinic_time(
    alice: Clinician, bob: Clinician, clinic: Clinic, signed_in: SignedIn
) -> None:
    with time_machine.travel(NOON, tick=False):
        shift(clinic, bob, local(1, 8), local(1, 18))
        shift(clinic, bob, local(2, 8), local(9, 8))
        shift(clinic, alice, local(1, 6), local(1, 14), level=2)
        shift(clinic, alice, local(1, 14), local(8, 14), level=2)  # meets the one before: no gap
        page = text(signed_in(alice).get("/dashboard/rota/"))

    assert "All times are in the clinic's time zone, America/Chicago (CST, UTC-06:00)" in page
    assert "Level 1: Bob Nurse until Tue 1 Dec, 18:00" in page
    assert "Level 2: Alice Admin until Tue 1 Dec, 14:00" in page
    assert "Level 3: Nobody on call — pages go to the admins and fallback phones" in page
    assert (
        "No one on call at level 1 from Tue 1 Dec, 18:00 to Wed 2 Dec, 08:00 — pages go to "
        "admins and fallback phones." in page
    )
    assert "level 2 from" not in page
    assert (
        "No one on call at level 3 from now to at least Tue 8 Dec, 12:00 (the end of the 7 days "
        "checked)" in page
    )
    assert "Wed 2 Dec, 08:00 Wed 9 Dec, 08:00 Upcoming" in page


def test_it_does_not_count_a_clinician_without_a_phone_as_cover(
    alice: Clinician, charlie: Clinician, clinic: Clinic, signed_in: SignedIn
) -> None:
    with time_machine.travel(NOON, tick=False):
        # Charlie's number was removed after the shift was made.
        OnCallShift.objects.create(
            clinic=clinic, clinician=charlie, starts_at=local(1, 8), ends_at=local(1, 20)
        )
        page = text(signed_in(alice).get("/dashboard/rota/"))

    assert "Charlie Day No phone: not paged" in page
    assert "No one on call at level 1 from now to at least Tue 8 Dec, 12:00" in page
    assert "Charlie Day: no phone number, so cannot be paged." in page


def test_it_warns_when_a_gap_would_page_nobody(
    bob: Clinician, clinic: Clinic, signed_in: SignedIn
) -> None:
    admin = clinician_create(clinic=clinic, username="dana", password=PASSWORD, role="admin")

    page = text(signed_in(admin).get("/dashboard/rota/"))

    assert "Nobody would be paged during these gaps" in page


def test_it_adds_a_shift_given_in_clinic_time(
    alice: Clinician, bob: Clinician, signed_in: SignedIn
) -> None:
    with time_machine.travel(NOON, tick=False):
        client = signed_in(alice)
        response = add_shift(client, bob, "2026-12-02T08:00", "2026-12-02T20:00", level=2)
        after = text(client.get(response["Location"]))

    assert response.status_code == 302
    added = OnCallShift.objects.get()
    assert (added.clinician, added.level) == (bob, 2)
    assert added.starts_at == dt.datetime(2026, 12, 2, 14, 0, tzinfo=dt.UTC)
    assert added.ends_at == dt.datetime(2026, 12, 3, 2, 0, tzinfo=dt.UTC)
    assert (
        "Shift added: Bob Nurse at level 2, Wed 2 Dec, 08:00 to Wed 2 Dec, 20:00 "
        "(America/Chicago)." in after
    )
    event = AuditEvent.objects.get(action="shift.create")
    assert (event.actor, event.object_id) == (alice, str(added.pk))


@pytest.mark.parametrize(
    ("starts", "ends", "level", "message"),
    [
        ("2026-12-02T20:00", "2026-12-02T08:00", 1, "The end must be after the start."),
        ("2026-12-02T08:00", "2026-12-20T08:00", 1, "A shift lasts at most 14 days."),
        ("2026-11-30T08:00", "2026-11-30T20:00", 1, "That time has passed"),
        ("2026-12-02T08:00", "2026-12-02T20:00", 4, "Choose a level of the escalation policy (1 to 3)."),
        ("tomorrow", "2026-12-02T20:00", 1, "Enter a valid date/time."),
    ],
)  # fmt: skip
def test_it_refuses_a_bad_shift_and_says_why(
    starts: str,
    ends: str,
    level: int,
    message: str,
    alice: Clinician,
    bob: Clinician,
    signed_in: SignedIn,
) -> None:
    with time_machine.travel(NOON, tick=False):
        response = add_shift(signed_in(alice), bob, starts, ends, level)

    assert response.status_code == 400
    assert message in text(response)
    assert "Nothing was saved." in text(response)
    assert 'class="field field--error"' in response.content.decode()
    assert not OnCallShift.objects.exists()


def test_it_refuses_a_time_that_does_not_exist_in_the_clinic_zone(
    alice: Clinician, bob: Clinician, signed_in: SignedIn
) -> None:
    # Clocks in Chicago went from 02:00 to 03:00 on 8 March 2026.
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=CHICAGO), tick=False):
        response = add_shift(signed_in(alice), bob, "2026-03-08T02:30", "2026-03-08T08:00")

    assert response.status_code == 400
    assert (
        "be interpreted in time zone America/Chicago; it may be ambiguous or it may not exist"
        in text(response)
    )
    assert not OnCallShift.objects.exists()


def test_it_refuses_a_clinician_without_a_phone(
    alice: Clinician, charlie: Clinician, signed_in: SignedIn
) -> None:
    with time_machine.travel(NOON, tick=False):
        response = add_shift(signed_in(alice), charlie, "2026-12-02T08:00", "2026-12-02T20:00")

    assert response.status_code == 400
    assert "This clinician has no phone number, so cannot be paged." in text(response)
    assert not OnCallShift.objects.exists()


def test_mallory_sees_only_her_clinic_and_cannot_use_a_riverside_clinician(
    mallory: Clinician, bob: Clinician, clinic: Clinic, signed_in: SignedIn
) -> None:
    with time_machine.travel(NOON, tick=False):
        client = signed_in(mallory)
        shift(clinic, bob, local(1, 8), local(1, 18))
        page = client.get("/dashboard/rota/")
        refused = add_shift(client, bob, "2026-12-02T08:00", "2026-12-02T20:00")

    assert page.status_code == 200
    assert "America/Denver" in text(page)
    assert "Bob Nurse" not in text(page)
    assert refused.status_code == 400
    assert "Choose one of this clinic's clinicians." in text(refused)
    assert OnCallShift.objects.count() == 1


def test_mallory_cannot_end_or_look_at_a_riverside_shift(
    mallory: Clinician, bob: Clinician, clinic: Clinic, signed_in: SignedIn
) -> None:
    with time_machine.travel(NOON, tick=False):
        client = signed_in(mallory)
        riverside = shift(clinic, bob, local(1, 8), local(1, 18))
        confirm = client.get(f"/dashboard/rota/?end={riverside.pk}")
        end = client.post(
            "/dashboard/rota/", {"action": "end", "shift": riverside.pk, "confirm": "yes"}
        )

    assert (confirm.status_code, end.status_code) == (404, 404)
    riverside.refresh_from_db()
    assert riverside.ends_at == local(1, 18)


def test_it_ends_a_shift_in_progress_once_confirmed(
    alice: Clinician, bob: Clinician, clinic: Clinic, signed_in: SignedIn
) -> None:
    with time_machine.travel(NOON, tick=False):
        client = signed_in(alice)
        current = shift(clinic, bob, local(1, 8), local(1, 18))
        unconfirmed = client.post("/dashboard/rota/", {"action": "end", "shift": current.pk})
        confirm = text(client.get(unconfirmed["Location"]))
        current.refresh_from_db()
        still = current.ends_at
        ended = client.post(
            "/dashboard/rota/", {"action": "end", "shift": current.pk, "confirm": "yes"}
        )
        after = text(client.get("/dashboard/rota/"))

    assert unconfirmed.status_code == 302
    assert unconfirmed["Location"] == f"/dashboard/rota/?end={current.pk}#confirm"
    assert still == local(1, 18)
    assert "End this shift now?" in confirm
    assert (
        "Level 1 would then have nobody on call from now to Tue 1 Dec, 18:00 — pages would go "
        "to admins and fallback phones." in confirm
    )
    assert ended.status_code == 302
    current.refresh_from_db()
    assert current.ends_at == NOON
    assert "Bob Nurse's level 1 shift ended at Tue 1 Dec, 12:00." in after
    event = AuditEvent.objects.get(action="shift.end")
    assert event.actor == alice
    assert event.detail["ends_at"] == local(1, 18).astimezone(dt.UTC).isoformat()


def test_it_cancels_a_shift_not_yet_started(
    alice: Clinician, bob: Clinician, clinic: Clinic, signed_in: SignedIn
) -> None:
    with time_machine.travel(NOON, tick=False):
        client = signed_in(alice)
        shift(clinic, alice, local(2, 0), local(3, 0))  # covers the whole of Bob's shift
        later = shift(clinic, bob, local(2, 8), local(2, 20))
        confirm = text(client.get(f"/dashboard/rota/?end={later.pk}"))
        response = client.post(
            "/dashboard/rota/", {"action": "end", "shift": later.pk, "confirm": "yes"}
        )

    assert "Cancel this shift?" in confirm
    assert "would then have nobody" not in confirm
    assert response.status_code == 302
    assert not OnCallShift.objects.filter(pk=later.pk).exists()
    event = AuditEvent.objects.get(action="shift.cancel")
    assert (event.actor, event.object_id, event.detail["clinician"]) == (
        alice,
        str(later.pk),
        bob.pk,
    )


def test_it_refuses_to_end_a_shift_that_is_over(
    alice: Clinician, bob: Clinician, clinic: Clinic, signed_in: SignedIn
) -> None:
    over = shift(clinic, bob, local(1, 8), local(1, 18))
    with time_machine.travel(local(1, 19), tick=False):
        response = signed_in(alice).post(
            "/dashboard/rota/", {"action": "end", "shift": over.pk, "confirm": "yes"}
        )

    assert response.status_code == 400
    assert "This shift is over already." in text(response)
    over.refresh_from_db()
    assert over.ends_at == local(1, 18)
    assert not AuditEvent.objects.filter(action="shift.end").exists()
