"""``Observation?patient=&code=&date=``: FHIR's search, and a 400 OperationOutcome that says
what is wrong with a bad parameter."""

import datetime as dt

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from rest_framework.test import APIClient

from followup.models import Clinician, Patient
from tests.support.fhir import FHIR, valid
from tests.support.patients import enrol, score

NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.time_machine(NOW, tick=False)


@pytest.fixture
def history(pat: Patient, alice: Clinician) -> Patient:
    """Pat's scores: PHQ-9 12 on Nov 16, PHQ-9 7 and GAD-7 16 on Nov 23; another patient's too."""
    score(pat, "phq9", 12, days_ago=10)
    score(pat, "phq9", 7, days_ago=3)
    score(pat, "gad7", 16, days_ago=3)
    other = enrol(pat.clinic, "Robin", "Lee", "+13125550177", actor=alice)
    score(other, "phq9", 3, days_ago=1)
    return pat


def search(client: APIClient, **params: str) -> list[tuple[str, int]]:
    response = client.get(f"{FHIR}/Observation", params)
    assert response.status_code == 200, response.json()
    bundle = valid(Bundle, response.json())
    assert bundle.type == "searchset"
    return [(e.resource.code.coding[0].code, e.resource.valueInteger) for e in bundle.entry or []]


def test_it_finds_a_patients_scores_by_code(as_bob: APIClient, history: Patient) -> None:
    assert search(as_bob, patient=str(history.pk)) == [
        ("44261-6", 12),
        ("44260-8", 0),
        ("44261-6", 7),
        ("44260-8", 0),
        ("70274-6", 16),
    ]
    assert search(as_bob, patient=f"Patient/{history.pk}", code="http://loinc.org|44261-6") == [
        ("44261-6", 12),
        ("44261-6", 7),
    ]
    assert search(as_bob, subject=f"Patient/{history.pk}", code="70274-6") == [("70274-6", 16)]
    assert search(as_bob, patient=str(history.pk), code="70274-6,44260-8") == [
        ("44260-8", 0),
        ("44260-8", 0),
        ("70274-6", 16),
    ]


def test_the_bands_are_the_interpretation(as_bob: APIClient, history: Patient) -> None:
    bundle = valid(
        Bundle, as_bob.get(f"{FHIR}/Observation", {"patient": history.pk, "code": "70274-6"}).json()
    )

    interpretation = bundle.entry[0].resource.interpretation[0]
    assert interpretation.coding[0].code == "severe"
    assert interpretation.text == "Severe"


def test_it_narrows_by_date_with_prefixes(as_bob: APIClient, history: Patient) -> None:
    pk = str(history.pk)
    totals = {"code": "44261-6,70274-6"}
    assert search(as_bob, patient=pk, date="ge2026-11-20", **totals) == [
        ("44261-6", 7),
        ("70274-6", 16),
    ]
    assert search(as_bob, patient=pk, date="lt2026-11-20", **totals) == [("44261-6", 12)]
    assert search(as_bob, patient=pk, date="2026-11-16", **totals) == [("44261-6", 12)]
    assert search(as_bob, patient=pk, date="eq2026-11-23", **totals) == [
        ("44261-6", 7),
        ("70274-6", 16),
    ]
    assert search(as_bob, patient=pk, date="gt2026-11-23", **totals) == []
    assert search(as_bob, patient=pk, date="le2026-11-16T15:00:00Z", **totals) == [("44261-6", 12)]
    both = as_bob.get(
        f"{FHIR}/Observation?patient={pk}&code=44261-6&date=gt2026-11-10&date=lt2026-11-20"
    )
    assert [e["resource"]["valueInteger"] for e in both.json()["entry"]] == [12]


def test_no_patient_searches_the_whole_clinic(as_bob: APIClient, history: Patient) -> None:
    assert len(search(as_bob, code="44261-6")) == 3


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"code": "http://snomed.info/sct|44261-6"}, "only LOINC"),
        ({"code": "1234-5"}, "none of ours"),
        ({"date": "yesterday"}, "expected [eq|ge|le|gt|lt]YYYY-MM-DD"),
        ({"date": "ge2026-11-20T10:00:00"}, "no zone"),
        ({"date": "2026-02-30"}, "expected"),
        ({"patient": "Practitioner/3"}, "patient must be"),
        ({"pateint": "3"}, "Unknown search parameter 'pateint'"),
    ],
)
def test_a_bad_parameter_is_a_400_outcome_that_says_why(
    as_bob: APIClient, params: dict[str, str], says: str
) -> None:
    response = as_bob.get(f"{FHIR}/Observation", params)

    assert response.status_code == 400
    outcome = valid(OperationOutcome, response.json())
    assert outcome.issue[0].severity == "error"
    assert outcome.issue[0].code == "invalid"
    assert says in outcome.issue[0].diagnostics
