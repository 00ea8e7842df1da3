"""The admin pages: the on-call rota, the escalation policy and the follow-up plan.

Alice (Riverside's admin) reads and changes them; Bob (a clinician) gets a 403 and changes
nothing; Mallory (Hillcrest's admin) sees only Hillcrest and cannot touch Riverside's rows.
Times on the rota page are Riverside's (America/Chicago: UTC-6 in December).
"""

import datetime as dt
import html
import re
import zoneinfo
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client

from followup.models import AuditEvent, Clinic, Clinician, OnCallShift
from followup.services.clinics import clinician_create
from followup.services.rota import shift_create
from tests.support.cast import PASSWORD

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
# A Tuesday, noon in Chicago.
NOON = dt.datetime(2026, 12, 1, 12, 0, tzinfo=CHICAGO)

SignedIn = Callable[[Clinician], Client]


def local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=CHICAGO)


def text(response: object) -> str:
    """The page as a reader sees it: tags gone, white space collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    return words.replace(" ,", ",").replace(" .", ".")


def shift(clinic: Clinic, who: Clinician, starts: dt.datetime, ends: dt.datetime, level: int = 1):
    return shift_create(clinic=clinic, clinician=who, starts_at=starts, ends_at=ends, level=level)


@pytest.fixture
def charlie(clinic: Clinic) -> Clinician:
    """A Riverside clinician without a phone number: cannot be paged."""
    return clinician_create(
        clinic=clinic, username="charlie", password=PASSWORD, first_name="Charlie", last_name="Day"
    )


def add_shift(client: Client, clinician: Clinician, starts: str, ends: str, level: int = 1):
    return client.post(
        "/dashboard/rota/",
        {
            "action": "add",
            "clinician": clinician.pk,
            "starts_at": starts,
            "ends_at": ends,
            "level": level,
        },
    )


# Who may open the pages ----------------------------------------------------------------------

PAGES = ["/dashboard/rota/", "/dashboard/policy/", "/dashboard/plan/"]


@pytest.mark.parametrize("path", PAGES)
def test_it_sends_a_signed_out_visitor_to_the_sign_in(path: str, clinic: Clinic) -> None:
    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/dashboard/login/?next=")


@pytest.mark.parametrize("path", PAGES)
def test_it_shows_bob_a_403_page_and_changes_nothing(
    path: str, bob: Clinician, clinic: Clinic, signed_in: SignedIn
) -> None:
    client = signed_in(bob)
    before = (clinic.escalation_policy.levels, clinic.follow_up_plan.steps)

    page = client.get(path)
    post = client.post(
        path,
        {"action": "add", "clinician": bob.pk, "starts_at": "2030-01-01T08:00",
         "ends_at": "2030-01-01T20:00", "level": 1, "rows": 1, "level_1_minutes": "1",
         "level_1_sms": "on", "repeat_minutes": "1", "step_1_offset": "2",
         "step_1_phq9": "on", "reminder_after_hours": "1", "expire_after_hours": "2"},
    )  # fmt: skip

    assert page.status_code == 403
    assert "Only the clinic's admins can open this page." in text(page)
    assert post.status_code == 403
    clinic.escalation_policy.refresh_from_db()
    clinic.follow_up_plan.refresh_from_db()
    assert (clinic.escalation_policy.levels, clinic.follow_up_plan.steps) == before
    assert not OnCallShift.objects.exists()
    assert not AuditEvent.objects.filter(action__contains=".update").exists()


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


# The escalation policy -------------------------------------------------------------------------


def policy_post(**fields: str) -> dict[str, str]:
    data = {"rows": "5", "repeat_minutes": "5", "fallback_phones": ""}
    data.update(fields)
    return data


def test_it_shows_the_policy_and_the_defaults(alice: Clinician, signed_in: SignedIn) -> None:
    response = signed_in(alice).get("/dashboard/policy/")
    page = response.content.decode()

    assert response.status_code == 200
    assert "<title>Escalation policy " in page
    assert 'name="level_3_minutes" value="5"' in page
    assert 'name="level_4_minutes"' in page
    assert 'name="level_4_minutes" value' not in page
    assert "Defaults (CLINICAL.md)" in text(response)


def test_it_saves_levels_repeat_and_fallback_phones(
    alice: Clinician, clinic: Clinic, signed_in: SignedIn
) -> None:
    client = signed_in(alice)
    response = client.post(
        "/dashboard/policy/",
        policy_post(
            level_1_minutes="3", level_1_sms="on", level_1_voice="on",
            level_2_minutes="", level_3_minutes="10", level_3_sms="on",
            repeat_minutes="7.5",
            fallback_phones="(312) 555-0188\n\n+1 312 555 0199\n+13125550188",
        ),
    )  # fmt: skip
    after = client.get("/dashboard/policy/")

    assert response.status_code == 302
    policy = clinic.escalation_policy
    policy.refresh_from_db()
    assert policy.levels == [
        {"level": 1, "timeout_seconds": 180, "channels": ["sms", "voice"]},
        {"level": 2, "timeout_seconds": 600, "channels": ["sms"]},
    ]
    assert policy.repeat_every_seconds == 450
    assert policy.fallback_phones == ["+13125550188", "+13125550199"]
    assert "Escalation policy saved: 2 levels." in text(after)
    assert 'name="level_2_minutes" value="10"' in after.content.decode()
    assert 'name="repeat_minutes" value="7.5"' in after.content.decode()
    assert "Last changed" in text(after)
    assert "by Alice Admin" in text(after)
    assert AuditEvent.objects.get(action="escalation_policy.update").actor == alice


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"fallback_phones": "+13125550188\n12345"}, "'12345' is not a valid phone number"),
        ({"level_1_minutes": "5"}, "Tick SMS, voice call or both."),
        ({"level_1_sms": "on"}, "Give the minutes before the next level, or untick"),
        ({"level_1_minutes": "0", "level_1_sms": "on"}, "greater than or equal to 0.5"),
        ({}, "Keep at least one level: someone must be paged."),
        ({"level_1_minutes": "5", "level_1_sms": "on", "repeat_minutes": "0"}, "greater than or equal to 1"),
    ],
)  # fmt: skip
def test_it_refuses_a_bad_policy_and_saves_nothing(
    fields: dict, message: str, alice: Clinician, clinic: Clinic, signed_in: SignedIn
) -> None:
    before = clinic.escalation_policy.levels

    response = signed_in(alice).post("/dashboard/policy/", policy_post(**fields))

    assert response.status_code == 400
    assert message in text(response)
    assert "Nothing was saved." in text(response)
    clinic.escalation_policy.refresh_from_db()
    assert clinic.escalation_policy.levels == before
    assert not AuditEvent.objects.filter(action="escalation_policy.update").exists()


def test_mallory_changes_only_her_own_policy(
    mallory: Clinician, clinic: Clinic, signed_in: SignedIn
) -> None:
    before = clinic.escalation_policy.levels

    response = signed_in(mallory).post(
        "/dashboard/policy/", policy_post(level_1_minutes="2", level_1_sms="on")
    )

    assert response.status_code == 302
    mallory.clinic.escalation_policy.refresh_from_db()
    assert mallory.clinic.escalation_policy.levels == [
        {"level": 1, "timeout_seconds": 120, "channels": ["sms"]}
    ]
    clinic.escalation_policy.refresh_from_db()
    assert clinic.escalation_policy.levels == before


# The follow-up plan ----------------------------------------------------------------------------


def plan_post(**fields: str) -> dict[str, str]:
    # As the page posts it with the default plan: the box for the check-in at enrolment ticked.
    data = {
        "rows": "6",
        "enrolment_check_in": "on",
        "reminder_after_hours": "4",
        "expire_after_hours": "72",
    }
    for n in range(1, 7):
        data[f"step_{n}_unit"] = "days"
    data.update(fields)
    return data


def test_it_shows_the_plan_and_says_when_changes_apply(
    alice: Clinician, signed_in: SignedIn
) -> None:
    response = signed_in(alice).get("/dashboard/plan/")
    page = response.content.decode()

    assert response.status_code == 200
    assert 'name="step_1_offset" value="24"' in page
    assert 'name="step_2_offset" value="7"' in page
    assert "Changes apply to patients enrolled and sessions recorded from now on." in text(response)


def test_it_saves_steps_in_hours_or_days(
    alice: Clinician, clinic: Clinic, signed_in: SignedIn
) -> None:
    client = signed_in(alice)
    response = client.post(
        "/dashboard/plan/",
        plan_post(
            step_1_offset="36", step_1_unit="hours", step_1_phq9="on", step_1_gad7="on",
            step_3_offset="10", step_3_gad7="on",
            reminder_after_hours="6", expire_after_hours="48",
        ),
    )  # fmt: skip
    after = text(client.get("/dashboard/plan/"))

    assert response.status_code == 302
    plan = clinic.follow_up_plan
    plan.refresh_from_db()
    assert plan.steps == [
        {"offset_hours": 36, "instruments": ["phq9", "gad7"]},
        {"offset_hours": 240, "instruments": ["gad7"]},
    ]
    assert (plan.reminder_after_hours, plan.expire_after_hours) == (6, 48)
    assert (
        "Follow-up plan saved: a baseline check-in when a patient is enrolled, then 2 check-ins "
        "after each session."
    ) in after
    assert AuditEvent.objects.get(action="follow_up_plan.update").actor == alice


def test_it_shows_and_edits_the_check_in_at_enrolment(
    alice: Clinician, clinic: Clinic, signed_in: SignedIn
) -> None:
    client = signed_in(alice)
    before = client.get("/dashboard/plan/").content.decode()
    default_steps = {"step_1_offset": "24", "step_1_unit": "hours", "step_1_phq9": "on"}

    # Unticked, as a browser posts it: the box is simply left out.
    unticked = plan_post(**default_steps)
    del unticked["enrolment_check_in"]
    off = client.post("/dashboard/plan/", unticked)
    after = client.get("/dashboard/plan/")

    box = re.compile(r'<input type="checkbox" name="enrolment_check_in"[^>]*>')
    assert "checked" in box.search(before).group(0)
    assert "Send a baseline check-in (PHQ-9 and GAD-7) as soon as a patient is enrolled" in before
    assert 'aria-describedby="enrolment-hint"' in box.search(before).group(0)
    assert off.status_code == 302
    clinic.follow_up_plan.refresh_from_db()
    assert clinic.follow_up_plan.enrolment_check_in is False
    assert "checked" not in box.search(after.content.decode()).group(0)
    assert (
        "Follow-up plan saved: no check-in at enrolment; 1 check-in after each session."
    ) in text(after)

    client.post("/dashboard/plan/", plan_post(**default_steps))
    clinic.follow_up_plan.refresh_from_db()
    assert clinic.follow_up_plan.enrolment_check_in is True


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"step_1_offset": "1", "step_1_phq9": "on", "step_2_offset": "30", "step_2_unit": "hours", "step_2_gad7": "on"}, "Steps must be at least 24 hours apart"),
        ({"step_1_offset": "2", "step_1_phq9": "on", "reminder_after_hours": "72"}, "“Reminder after” must be at least 1 and less than “Expires after”."),
        ({"step_1_offset": "2", "step_1_phq9": "on", "expire_after_hours": "400"}, "“Expires after” must be between 1 and 336 (14 days)."),
        ({"step_1_offset": "400", "step_1_phq9": "on"}, "At most 365 days after the session."),
        ({"step_1_offset": "3"}, "Tick PHQ-9, GAD-7 or both."),
        ({"step_1_gad7": "on"}, "Give the time after the session, or untick"),
        ({}, "A plan needs at least one step."),
    ],
)  # fmt: skip
def test_it_refuses_a_bad_plan_and_saves_nothing(
    fields: dict, message: str, alice: Clinician, clinic: Clinic, signed_in: SignedIn
) -> None:
    before = clinic.follow_up_plan.steps

    response = signed_in(alice).post("/dashboard/plan/", plan_post(**fields))

    assert response.status_code == 400
    assert message in text(response)
    clinic.follow_up_plan.refresh_from_db()
    assert clinic.follow_up_plan.steps == before
    assert not AuditEvent.objects.filter(action="follow_up_plan.update").exists()
