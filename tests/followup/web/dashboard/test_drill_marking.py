"""A safety drill is never mistaken for a real patient: a DRILL badge on the queue, the flag and
the patient page, ``drill`` on the flags API, the drill patient out of patient lists unless
asked for, and its flag out of the counts of real flags."""

from collections.abc import Callable

from django.test import Client
from rest_framework.test import APIClient

from followup.models import Clinic, Clinician, Flag, Patient
from followup.services.digest import digest_counts
from followup.services.drills import drill_patient_for
from followup.services.escalations import escalation_start
from followup.web.dashboard.presenters.flag_queue import queue_unresolved
from tests.support.flags import SI, raise_flag

Client_ = Callable[[Clinician], Client]
BADGE = '<span class="badge badge--drill">DRILL</span>'


def drill_flag(clinic: Clinic) -> Flag:
    """A drill's flag while the drill runs (it resolves it at the end)."""
    return raise_flag(drill_patient_for(clinic), SI)


def test_the_queue_the_flag_and_the_patient_page_show_a_drill_badge(
    signed_in: Client_, bob: Clinician, clinic: Clinic, pat: Patient
) -> None:
    drill = drill_flag(clinic)
    real = raise_flag(pat, SI)
    client = signed_in(bob)

    queue = client.get("/dashboard/").content.decode()
    drill_row = queue[queue.index(f'id="flag-row-{drill.pk}"') :]
    drill_row = drill_row[: drill_row.index("</tr>")]
    real_row = queue[queue.index(f'id="flag-row-{real.pk}"') :]
    real_row = real_row[: real_row.index("</tr>")]
    assert BADGE in drill_row
    assert BADGE not in real_row

    assert BADGE in client.get(f"/dashboard/flags/{drill.pk}/").content.decode()
    assert BADGE not in client.get(f"/dashboard/flags/{real.pk}/").content.decode()
    assert BADGE in client.get(f"/dashboard/patients/{drill.patient_id}/").content.decode()
    assert BADGE not in client.get(f"/dashboard/patients/{pat.pk}/").content.decode()


def test_the_queue_does_not_count_a_drill_as_a_real_open_flag(
    bob: Clinician, clinic: Clinic, pat: Patient
) -> None:
    drill_flag(clinic)
    raise_flag(pat, SI)

    queue = queue_unresolved(clinic=clinic, now=pat.created_at)

    assert (queue.total, queue.open) == (1, 1)
    assert [row.drill for row in queue.rows] == [True, False]


def test_the_digest_does_not_count_a_drill_flag(clinic: Clinic, pat: Patient) -> None:
    drill_flag(clinic)
    assert digest_counts(clinic).urgent == 0

    raise_flag(pat, SI)
    assert digest_counts(clinic).urgent == 1


def test_the_flags_api_says_which_flag_is_a_drill(
    as_bob: APIClient, clinic: Clinic, pat: Patient
) -> None:
    drill = drill_flag(clinic)
    real = raise_flag(pat, SI)

    listed = {f["id"]: f["drill"] for f in as_bob.get("/api/v1/flags/").json()["results"]}
    one = as_bob.get(f"/api/v1/flags/{drill.pk}/").json()

    assert listed == {drill.pk: True, real.pk: False}
    assert one["drill"] is True


def test_the_drill_patient_is_left_out_of_patient_lists_unless_asked_for(
    signed_in: Client_, as_bob: APIClient, bob: Clinician, clinic: Clinic, pat: Patient
) -> None:
    drill = drill_patient_for(clinic)

    listed = [p["id"] for p in as_bob.get("/api/v1/patients/").json()["results"]]
    asked = [p["id"] for p in as_bob.get("/api/v1/patients/?drill=true").json()["results"]]
    assert listed == [pat.pk]
    assert asked == [drill.pk]
    assert as_bob.get(f"/api/v1/patients/{drill.pk}/").status_code == 200

    page = signed_in(bob).get("/dashboard/patients/").content.decode()
    assert f"#{pat.pk}" in page
    assert "Drill Patient" not in page
    assert "Drill" in signed_in(bob).post("/dashboard/patients/", {"q": "drill"}).content.decode()


def test_the_page_to_the_clinician_says_drill_first(
    alice: Clinician, clinic: Clinic, pat: Patient
) -> None:
    drill = drill_flag(clinic)
    real = raise_flag(pat, SI)
    escalation_start(drill)
    escalation_start(real)

    drill_pages = list(drill.messages.filter(channel="sms").values_list("body", flat=True))
    real_pages = list(real.messages.filter(channel="sms").values_list("body", flat=True))
    assert drill_pages
    assert all(body.startswith("DRILL") for body in drill_pages)
    assert real_pages
    assert not any("DRILL" in body for body in real_pages)
