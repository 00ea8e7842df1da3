"""The dashboard's patients list: search, scores and trends, markers, order, paging."""

import datetime as dt
import json
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from followup.models import (
    AuditEvent,
    CheckIn,
    Clinician,
    Flag,
    Patient,
)
from followup.services.patients import patient_update
from followup.services.sessions import session_record
from tests.support.patients import enrol, score, text_of

Client_ = Callable[[Clinician], Client]
DASH, MINUS = "\N{EN DASH}", "\N{MINUS SIGN}"
NOW = timezone.now


# --- The list -------------------------------------------------------------------------------


def test_it_lists_only_the_clinics_own_patients(
    signed_in: Client_, bob: Clinician, pat: Patient, mallory: Clinician
) -> None:
    enrol(mallory.clinic, "Olga", "Outsider", "+13035550199")

    response = signed_in(bob).get("/dashboard/patients/")

    assert response.status_code == 200
    text = text_of(response)
    assert "Jones, Pat #" in text
    assert "Outsider" not in text
    assert f"<title>Patients {DASH} Follow-up</title>" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("jones", True),
        ("PAT JON", True),
        ("jones smith", False),
        ("555-0123", True),
        ("(312) 555 0123", True),
        ("0999", False),
        ("#{id}", True),
        ("{id}", True),
        ("#{other}", False),
    ],
)
def test_it_finds_patients_by_name_phone_digits_and_id(
    signed_in: Client_, bob: Clinician, pat: Patient, query: str, found: bool
) -> None:
    other = enrol(pat.clinic, "Sam", "Smith", "+13125550456")
    query = query.format(id=pat.pk, other=other.pk + 1000)

    text = text_of(signed_in(bob).post("/dashboard/patients/", {"q": query}))

    assert ("Jones, Pat" in text) is found
    assert "Smith, Sam" not in text


def test_a_search_with_a_nul_byte_searches_without_it(
    signed_in: Client_, bob: Clinician, pat: Patient
) -> None:
    response = signed_in(bob).post("/dashboard/patients/", {"q": "Jo\x00nes"})

    assert response.status_code == 200
    assert "Jones, Pat" in text_of(response)


def test_it_keeps_the_search_out_of_the_audit_log(
    signed_in: Client_, bob: Clinician, pat: Patient
) -> None:
    signed_in(bob).post("/dashboard/patients/", {"q": "Jones"})

    event = AuditEvent.objects.get(action="patient.list")
    assert event.actor == bob
    assert event.detail == {"page": 1, "searched": True, "patients": [pat.pk]}
    assert "Jones" not in json.dumps(event.detail)


def test_it_shows_latest_scores_with_the_trend_in_words(
    signed_in: Client_, bob: Clinician, pat: Patient
) -> None:
    score(pat, "phq9", 15, days_ago=14)
    score(pat, "phq9", 10, days_ago=7)
    score(pat, "gad7", 6, days_ago=14)
    score(pat, "gad7", 11, days_ago=7)
    sam = enrol(pat.clinic, "Sam", "Smith", "+13125550456")
    score(sam, "phq9", 4, days_ago=3)
    score(sam, "phq9", 4, days_ago=1)

    text = text_of(signed_in(bob).get("/dashboard/patients/"))

    assert "10 moderate ↓ 5 better than the score before" in text
    assert "11 moderate ↑ 5 worse than the score before" in text
    assert "4 minimal → same as the score before" in text
    assert "none yet" in text  # Sam has no GAD-7


def test_it_shows_the_last_check_in_and_open_flags(
    signed_in: Client_, bob: Clinician, pat: Patient
) -> None:
    _, check_ins = session_record(
        patient=pat, occurred_at=NOW() - dt.timedelta(days=2), treatment="iv_ketamine"
    )
    CheckIn.objects.filter(pk=check_ins[0].pk).update(status="completed", completed_at=NOW())
    score(pat, "phq9", 21, days_ago=1)  # severe: a high flag

    text = text_of(signed_in(bob).get("/dashboard/patients/"))

    assert "Answered" in text
    assert "1 High" in text


def test_it_marks_opted_out_and_unreachable_patients(
    signed_in: Client_, bob: Clinician, pat: Patient
) -> None:
    Patient.objects.filter(pk=pat.pk).update(opted_out=True, opted_out_at=NOW())
    nora = enrol(pat.clinic, "Nora", "Noconsent", "+13125550457")
    patient_update(patient=nora, sms_consent=False)  # consent withdrawn
    failing = enrol(pat.clinic, "Fay", "Failed", "+13125550458")
    _, check_ins = session_record(
        patient=failing, occurred_at=NOW() - dt.timedelta(days=2), treatment="other"
    )
    CheckIn.objects.filter(pk=check_ins[0].pk).update(
        status="undeliverable", undeliverable_reason="send_failed:30003"
    )

    response = signed_in(bob).get("/dashboard/patients/")

    rows = {
        name: row
        for row in re.findall(r"<tr>.*?</tr>", response.content.decode(), flags=re.S)
        for name in ("Jones", "Noconsent", "Failed")
        if name in row
    }
    assert "Opted out" in rows["Jones"]
    assert "Unreachable" not in rows["Jones"]
    assert "Unreachable" in rows["Noconsent"]
    assert "No SMS consent" in rows["Noconsent"]
    assert "Unreachable" in rows["Failed"]
    assert "Sending failed" in rows["Failed"]


def test_it_puts_patients_with_unresolved_flags_first_most_urgent_first(
    signed_in: Client_, bob: Clinician, pat: Patient
) -> None:
    adams = enrol(pat.clinic, "Ann", "Adams", "+13125550460")
    zed = enrol(pat.clinic, "Zoe", "Zed", "+13125550461")
    young = enrol(pat.clinic, "Yan", "Young", "+13125550462")
    score(young, "gad7", 16, days_ago=1)  # high
    score(zed, "phq9", 3, days_ago=2)
    score(zed, "phq9", 9, days_ago=1)  # +6: reliable deterioration, moderate
    score(pat, "phq9", 24, days_ago=1)  # severe: high
    assert Flag.objects.count() == 3

    text = text_of(signed_in(bob).get("/dashboard/patients/"))

    order = [m.group(1) for m in re.finditer(r"(Adams|Jones|Young|Zed), ", text)]
    assert order == ["Jones", "Young", "Zed", "Adams"]
    assert adams.pk


def test_it_pages_fifty_patients_at_a_time(
    signed_in: Client_, bob: Clinician, clinic: object
) -> None:
    Patient.objects.bulk_create(
        Patient(
            clinic=clinic,
            first_name="P",
            last_name=f"Patient{n:03d}",
            phone=f"+1312555{n:04d}",
            timezone="America/Chicago",
        )
        for n in range(120)
    )
    client = signed_in(bob)

    first = text_of(client.get("/dashboard/patients/"))
    third = text_of(client.get("/dashboard/patients/", {"page": "3"}))
    beyond = text_of(client.get("/dashboard/patients/", {"page": "99"}))

    assert f"1{DASH}50 of 120 patients" in first
    assert "Patient000" in first
    assert "Patient049" in first
    assert "Patient050" not in first
    assert f"101{DASH}120 of 120 patients" in third
    assert "Page 3 of 3" in third
    assert beyond == third


def test_it_lists_a_page_in_a_bounded_number_of_queries(
    signed_in: Client_, bob: Clinician, pat: Patient, django_assert_max_num_queries: Callable
) -> None:
    client = signed_in(bob)
    client.get("/dashboard/patients/")  # the session's first use
    with CaptureQueriesContext(connection) as few:
        client.get("/dashboard/patients/")
    for n in range(60):
        other = enrol(pat.clinic, "P", f"Many{n:02d}", f"+1312555{n + 1000:04d}")
        score(other, "phq9", 5 + n % 20, days_ago=3)
        score(other, "phq9", 3 + n % 20, days_ago=2)
        score(other, "gad7", n % 20, days_ago=2)
        session_record(patient=other, occurred_at=NOW() - dt.timedelta(days=1), treatment="other")

    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as many:
        response = client.get("/dashboard/patients/", {"page": "2"})

    assert response.status_code == 200
    assert len(many) <= len(few) + 1  # the second slice of the name order


def test_a_search_never_puts_the_name_in_an_address(
    signed_in: Client_, bob: Clinician, pat: Patient
) -> None:
    """Search is a POST, and so are its pages: names stay out of URLs and access logs."""
    for number in range(60):
        enrol(pat.clinic, "Sam", f"Jonesy{number:02d}", f"+1312555{number:04d}")
    client = signed_in(bob)

    by_get = text_of(client.get("/dashboard/patients/", {"q": "Jones"}))
    first = client.post("/dashboard/patients/", {"q": "Jones"})
    second = client.post("/dashboard/patients/", {"q": "Jones", "page": "2"})

    assert "matching your search" not in by_get  # a name in the address searches nothing
    html = first.content.decode()
    assert "?q=" not in html
    assert 'name="page" value="2"' in html
    assert "Page 2 of 2" in text_of(second)
