"""A patient's audit log on the dashboard: admins only, newest first, in the clinic's time."""

import datetime as dt
import re
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client

from followup.models import (
    AuditEvent,
    Clinician,
    Patient,
)
from followup.services.audit import audit_event, audit_record, audit_record_many
from tests.support.patients import text_of

Client_ = Callable[[Clinician], Client]
DASH = "\N{EN DASH}"


# --- The audit log --------------------------------------------------------------------------


def test_it_shows_admins_a_patients_audit_log(
    signed_in: Client_, alice: Clinician, bob: Clinician, pat: Patient
) -> None:
    signed_in(bob).get(f"/dashboard/patients/{pat.pk}/", REMOTE_ADDR="203.0.113.7")
    client = signed_in(alice)

    response = client.get(f"/dashboard/patients/{pat.pk}/audit/")

    assert response.status_code == 200
    assert (
        f"<title>Audit log of patient #{pat.pk} {DASH} Follow-up</title>"
        in response.content.decode()
    )
    rows = re.findall(r"<tr>.*?</tr>", response.content.decode(), flags=re.S)[1:]
    first = " ".join(re.sub(r"<[^>]+>", " ", rows[0]).split())
    assert re.fullmatch(
        rf"\d+ \w+ \d{{4}}, \d\d:\d\d:\d\d C[SD]T Bob Nurse patient\.view patient #{pat.pk} "
        r"203\.0\.113\.7",
        first,
    ), first
    last = " ".join(re.sub(r"<[^>]+>", " ", rows[-1]).split())
    assert "Alice Admin patient.create" in last
    assert AuditEvent.objects.filter(action="patient.audit_view", actor=alice).count() == 1


@pytest.mark.parametrize(
    ("utc", "local"),
    [
        (dt.datetime(2027, 11, 7, 6, 30, tzinfo=dt.UTC), "7 Nov 2027, 01:30:00 CDT"),
        (dt.datetime(2027, 11, 7, 7, 30, tzinfo=dt.UTC), "7 Nov 2027, 01:30:00 CST"),
    ],
)
def test_the_audit_log_tells_the_two_0130s_apart_when_summer_time_ends(
    signed_in: Client_, alice: Clinician, pat: Patient, utc: dt.datetime, local: str
) -> None:
    with time_machine.travel(utc, tick=False):  # audit rows are never changed afterwards
        audit_record(actor=alice, action="patient.update", obj=pat)

    response = signed_in(alice).get(f"/dashboard/patients/{pat.pk}/audit/")

    assert f"{local} Alice Admin patient.update" in text_of(response)


def test_it_pages_the_audit_log_newest_first(
    signed_in: Client_, alice: Clinician, pat: Patient
) -> None:
    audit_record_many(
        [audit_event(actor=alice, action=f"test.event{n}", obj=pat) for n in range(60)]
    )
    client = signed_in(alice)

    first = text_of(client.get(f"/dashboard/patients/{pat.pk}/audit/"))
    second = text_of(client.get(f"/dashboard/patients/{pat.pk}/audit/", {"page": 2}))

    assert "Page 1 of 2" in first
    assert "test.event59" in first
    assert "test.event10" in first
    assert "test.event9 " not in first
    assert "test.event9 " in second
    assert "patient.create" in second


def test_it_keeps_the_audit_log_from_clinicians(
    signed_in: Client_, bob: Clinician, alice: Clinician, pat: Patient
) -> None:
    assert signed_in(bob).get(f"/dashboard/patients/{pat.pk}/audit/").status_code == 403
    bob_page = signed_in(bob).get(f"/dashboard/patients/{pat.pk}/").content.decode()
    alice_page = signed_in(alice).get(f"/dashboard/patients/{pat.pk}/").content.decode()
    link = f'href="/dashboard/patients/{pat.pk}/audit/"'
    assert link not in bob_page
    assert link in alice_page
