"""POST /api/v1/patients/import/: an EHR's first import, all or nothing, written as the one-by-one
calls would write it."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from followup.models import AuditEvent, CheckIn, Clinic, Clinician, Patient, TreatmentSession
from followup.services.clinics import clinic_create, clinician_create
from tests.support.cast import PASSWORD, client_for

NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.time_machine(NOW, tick=False)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
IMPORT = "/api/v1/patients/import/"


def row(n: int, *, session_hours_ago: float | None = 25, **changes: object) -> dict:
    body = {
        "first_name": f"Robin{n}",
        "last_name": "Lee",
        "phone": f"(312) 555-{1000 + n:04d}",
        "timezone": "America/Chicago",
        "channel": "sms",
        "language": "en",
        "sms_consent": True,
    }
    if session_hours_ago is not None:
        body["session"] = {
            "occurred_at": (NOW - session_hours_ago * HOUR).isoformat(),
            "treatment": "esketamine",
        }
    return {**body, **changes}


# A mix: sessions recent and long past, none, other zones, the web channel without consent, a
# session late in the evening (its local day is the day before in UTC).
ROWS = [
    row(0),
    row(1, session_hours_ago=None),
    row(2, session_hours_ago=10 * 24, timezone="America/Los_Angeles"),
    row(3, channel="web", sms_consent=False, timezone="Europe/London"),
    row(4, session_hours_ago=11.75),
    row(5, phone="+1 312 555 2005", session_hours_ago=3),
]


@pytest.fixture
def carol(db: None) -> Clinician:
    """Admin of Lakeside, a clinic set up as Riverside is: the one-by-one twin of an import."""
    lakeside = clinic_create(name="Lakeside Clinic", timezone="America/Chicago")
    return clinician_create(clinic=lakeside, username="carol", password=PASSWORD, role="admin")


@pytest.fixture
def as_carol(carol: Clinician) -> APIClient:
    return client_for(carol)


def one_by_one(client: APIClient, rows: list[dict]) -> None:
    for body in rows:
        fields = {k: v for k, v in body.items() if k != "session"}
        patient = client.post("/api/v1/patients/", fields, format="json")
        assert patient.status_code == 201, patient.json()
        if "session" in body:
            session = client.post(
                "/api/v1/sessions/", {"patient": patient.json()["id"], **body["session"]}, "json"
            )
            assert session.status_code == 201, session.json()


def written(clinic: Clinic) -> list[dict]:
    """Everything written for the clinic's patients, by phone, with ids as positions."""
    patients = Patient.objects.filter(clinic=clinic).order_by("phone")
    out = []
    for patient in patients:
        sessions = list(TreatmentSession.objects.filter(patient=patient).order_by("id"))
        check_ins = list(CheckIn.objects.filter(patient=patient).order_by("due_at", "id"))
        names = {("checkin", c.pk): f"check-in {i}" for i, c in enumerate(check_ins)}
        names |= {("session", s.pk): f"session {i}" for i, s in enumerate(sessions)}
        events = AuditEvent.objects.filter(patient=patient).order_by("id")
        out.append(
            {
                "patient": {
                    field: getattr(patient, field)
                    for field in (
                        "first_name",
                        "last_name",
                        "phone",
                        "timezone",
                        "channel",
                        "language",
                        "sms_consent",
                        "sms_consent_at",
                        "opted_out",
                    )
                },
                "sessions": [
                    (s.occurred_at, s.treatment, s.recorded_by.role if s.recorded_by else None)
                    for s in sessions
                ],
                "check_ins": [
                    (
                        names.get(("session", c.session_id)),
                        c.step,
                        c.due_at,
                        c.local_date,
                        c.instruments,
                        c.status,
                        c.channel,
                        c.cancelled_at,
                        c.cancel_reason,
                    )
                    for c in check_ins
                ],
                "audit": [
                    (
                        e.action,
                        e.object_type,
                        e.actor.role if e.actor else None,
                        e.ip_address,
                        _named(e.detail, names),
                    )
                    for e in events
                ],
            }
        )
    return out


def _named(detail: dict, names: dict) -> dict:
    """Audit details with ids of check-ins replaced by their position, comparable across runs."""
    named = dict(detail)
    for key in ("check_ins", "superseded", "enrolment_check_in_cancelled"):
        if key in named:
            named[key] = [names[("checkin", pk)] for pk in named[key]]
    if named.get("enrolment_check_in") is not None:
        named["enrolment_check_in"] = names[("checkin", named["enrolment_check_in"])]
    return named


def test_the_import_writes_what_the_one_by_one_calls_write(
    as_alice: APIClient, alice: Clinician, as_carol: APIClient, carol: Clinician
) -> None:
    response = as_alice.post(IMPORT, {"patients": ROWS}, format="json")
    one_by_one(as_carol, ROWS)

    assert response.status_code == 201, response.json()
    imported = written(alice.clinic)
    assert imported == written(carol.clinic)
    assert len(imported) == len(ROWS)
    # The check-ins the plan made, as POST /sessions/ makes them (25 h ago: all four steps).
    first = next(p for p in imported if p["patient"]["phone"] == "+13125551000")
    assert sorted(c[5] for c in first["check_ins"]) == ["cancelled"] + ["scheduled"] * 4
    assert first["patient"]["sms_consent_at"] == NOW


def test_it_answers_with_the_ids_in_the_order_of_the_request(
    as_alice: APIClient, alice: Clinician
) -> None:
    response = as_alice.post(IMPORT, {"patients": ROWS}, format="json")

    body = response.json()
    assert body["created"] == len(ROWS)
    phones = [Patient.objects.get(pk=p["id"]).phone for p in body["patients"]]
    assert phones == [
        "+13125551000",
        "+13125551001",
        "+13125551002",
        "+13125551003",
        "+13125551004",
        "+13125552005",
    ]
    assert body["patients"][1]["session"] is None
    for item, sent in zip(body["patients"], ROWS, strict=True):
        if "session" in sent:
            session = TreatmentSession.objects.get(pk=item["session"])
            assert session.patient_id == item["id"]
            assert session.recorded_by == alice
    # They are the clinic's patients like any other.
    listed = as_alice.get("/api/v1/patients/").json()
    assert listed["count"] == len(ROWS)


def nothing_written() -> bool:
    return not (
        Patient.objects.exists()
        or TreatmentSession.objects.exists()
        or CheckIn.objects.exists()
        # Beyond the cast's own accounts (each made with its audit event).
        or AuditEvent.objects.exclude(action="clinician.create").exists()
    )


def test_bad_rows_give_a_400_naming_each_and_nothing_is_written(as_alice: APIClient) -> None:
    rows = [
        row(0),
        row(1, phone="12"),
        row(2),
        row(3, timezone="Mars/Olympus_Mons"),
        row(4, session={"occurred_at": (NOW + DAY).isoformat(), "treatment": "esketamine"}),
        row(5, phone="+1 800 555 0199"),
    ]

    response = as_alice.post(IMPORT, {"patients": rows}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_rows"
    errors = body["extra"]["rows"]
    assert list(errors) == ["1", "3", "4", "5"]
    assert "not a valid phone number" in errors["1"]["phone"][0]
    assert "IANA" in errors["3"]["timezone"][0]
    assert "future" in errors["4"]["session.occurred_at"][0]
    assert "toll-free" in errors["5"]["phone"][0]
    assert body["extra"]["fields"]["patients[1].phone"] == errors["1"]["phone"]
    assert "4 rows are invalid" in body["message"]
    assert nothing_written()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"channel": "pigeon"}, "channel"),
        ({"sms_consent": "perhaps"}, "sms_consent"),
        ({"sms_consent": False}, "sms_consent"),  # the sms channel needs consent
        ({"first_name": ""}, "first_name"),
        (
            {"session": {"occurred_at": "2026-11-25T10:00:00", "treatment": "iv_ketamine"}},
            "session.occurred_at",
        ),
        (
            {"session": {"occurred_at": "2026-11-25T10:00:00Z", "treatment": "psilocybin"}},
            "session.treatment",
        ),
    ],
)
def test_a_row_of_the_wrong_shape_is_named_too(
    as_alice: APIClient, change: dict, field: str
) -> None:
    rows = [row(0), row(1), row(2, **change)]

    response = as_alice.post(IMPORT, {"patients": rows}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["extra"]["rows"] == {"2": {field: body["extra"]["rows"]["2"][field]}}
    assert f"row 2: {field}:" in body["message"]
    assert nothing_written()


def test_a_phone_repeated_in_the_import_names_both_rows(as_alice: APIClient) -> None:
    rows = [row(0), row(1, phone="+13125551000"), row(2)]

    response = as_alice.post(IMPORT, {"patients": rows}, format="json")

    assert response.status_code == 400
    errors = response.json()["extra"]["rows"]
    assert list(errors) == ["0", "1"]
    assert "Rows 0, 1 have the same phone number" in errors["0"]["phone"][0]
    assert nothing_written()


def test_a_phone_already_a_patients_names_the_row(as_alice: APIClient, pat: Patient) -> None:
    before = written(pat.clinic)
    rows = [row(0), row(1, phone=pat.phone)]

    response = as_alice.post(IMPORT, {"patients": rows}, format="json")

    assert response.status_code == 400
    errors = response.json()["extra"]["rows"]
    assert list(errors) == ["1"]
    assert "Another patient of this clinic has this phone number" in errors["1"]["phone"][0]
    assert written(pat.clinic) == before


def test_each_clinic_imports_into_its_own_patients(
    as_alice: APIClient, as_mallory: APIClient, pat: Patient, mallory: Clinician
) -> None:
    # The same number at another clinic is another clinic's patient: no conflict.
    response = as_mallory.post(IMPORT, {"patients": [row(0, phone=pat.phone)]}, format="json")

    assert response.status_code == 201, response.json()
    theirs = response.json()["patients"][0]
    assert Patient.objects.get(pk=theirs["id"]).clinic == mallory.clinic
    assert as_alice.get(f"/api/v1/patients/{theirs['id']}/").status_code == 404
    assert as_alice.get(f"/api/v1/sessions/{theirs['session']}/").status_code == 404
    assert [p["id"] for p in as_alice.get("/api/v1/patients/").json()["results"]] == [pat.pk]


def test_it_needs_a_signed_in_clinician(db: None) -> None:
    response = APIClient().post(IMPORT, {"patients": [row(0)]}, format="json")

    assert response.status_code == 401
    assert nothing_written()


def test_it_takes_at_most_5000_patients(as_alice: APIClient) -> None:
    rows = [row(n, session_hours_ago=None) for n in range(5001)]

    response = as_alice.post(IMPORT, {"patients": rows}, format="json")

    assert response.status_code == 400
    assert "5000" in response.json()["message"]
    assert nothing_written()


def test_an_empty_import_is_refused(as_alice: APIClient) -> None:
    response = as_alice.post(IMPORT, {"patients": []}, format="json")

    assert response.status_code == 400
    assert "patients" in response.json()["extra"]["fields"]


def import_queries(client: APIClient, first: int, count: int) -> int:
    rows = [row(n) for n in range(first, first + count)]
    with CaptureQueriesContext(connection) as queries:
        response = client.post(IMPORT, {"patients": rows}, format="json")
    assert response.status_code == 201, response.json()
    return len(queries)


# SQLite caps the parameters of one statement: there, Django splits a large insert in several.
@pytest.mark.postgresql
def test_the_import_makes_as_many_queries_for_40_patients_as_for_2(as_alice: APIClient) -> None:
    small = import_queries(as_alice, 0, 2)
    large = import_queries(as_alice, 100, 40)

    assert large == small
    assert small <= 12


def test_enrolling_one_patient_and_its_session_takes_a_few_queries(
    as_alice: APIClient, django_assert_max_num_queries: Callable
) -> None:
    body = {k: v for k, v in row(0).items() if k != "session"}
    # SQLite reads the audit chain's last row; PostgreSQL links it inside the INSERT.
    with django_assert_max_num_queries(7 + (connection.vendor == "sqlite")):
        patient = as_alice.post("/api/v1/patients/", body, format="json")
    assert patient.status_code == 201

    session = {"patient": patient.json()["id"], **row(0)["session"]}
    with django_assert_max_num_queries(11 + (connection.vendor == "sqlite")):
        response = as_alice.post("/api/v1/sessions/", session, format="json")
    assert response.status_code == 201
    assert len(response.json()["check_ins"]) == 4


def test_the_schema_describes_the_import(db: None) -> None:
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    operation = response.json()["paths"][IMPORT]["post"]
    assert operation["operationId"] == "patients_import"
    assert set(operation["responses"]) >= {"201"}
