"""The PHQ-9 and GAD-7 as FHIR Questionnaires, as CLINICAL.md lists them."""

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from rest_framework.test import APIClient

from tests.support.fhir import FHIR, valid

PHQ9_ITEMS = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5"]
PHQ9_ITEMS += ["44253-3", "44260-8"]
GAD7_ITEMS = ["69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"]
OPTIONS = [
    ("LA6568-5", "Not at all"),
    ("LA6569-3", "Several days"),
    ("LA6570-1", "More than half the days"),
    ("LA6571-9", "Nearly every day"),
]


def choice_items(questionnaire: Questionnaire) -> list:
    return [item for item in questionnaire.item if item.type == "choice"]


def test_it_serves_the_phq9_with_loinc_items_and_options(as_bob: APIClient) -> None:
    response = as_bob.get(f"{FHIR}/Questionnaire/phq9")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    phq9 = valid(Questionnaire, response.json())
    assert phq9.url == "https://followup.app/fhir/Questionnaire/phq9"
    assert phq9.code[0].system == "http://loinc.org"
    assert phq9.code[0].code == "44249-1"
    items = choice_items(phq9)
    assert [item.code[0].code for item in items] == [*PHQ9_ITEMS, "69722-7"]
    assert items[8].text == (
        "Thoughts that you would be better off dead, or of hurting yourself in some way"
    )
    for item in items[:9]:
        assert item.required is True
        assert [(o.valueCoding.code, o.valueCoding.display) for o in item.answerOption] == OPTIONS
        assert [o.extension[0].valueDecimal for o in item.answerOption] == [0, 1, 2, 3]
    assert items[9].required is False
    assert [o.valueCoding.display for o in items[9].answerOption] == [
        "Not difficult at all",
        "Somewhat difficult",
        "Very difficult",
        "Extremely difficult",
    ]
    assert "Pfizer" in phq9.copyright


def test_it_serves_the_gad7(as_bob: APIClient) -> None:
    gad7 = valid(Questionnaire, as_bob.get(f"{FHIR}/Questionnaire/gad7").json())

    assert gad7.code[0].code == "69737-5"
    assert [item.code[0].code for item in choice_items(gad7)][:7] == GAD7_ITEMS


def test_it_lists_both_as_a_searchset(as_bob: APIClient) -> None:
    bundle = valid(Bundle, as_bob.get(f"{FHIR}/Questionnaire").json())

    assert bundle.type == "searchset"
    assert bundle.total == 2
    assert [entry.resource.id for entry in bundle.entry] == ["phq9", "gad7"]
    assert bundle.entry[0].fullUrl.endswith("/api/v1/fhir/Questionnaire/phq9")


def test_an_unknown_questionnaire_is_a_404_outcome(as_bob: APIClient) -> None:
    response = as_bob.get(f"{FHIR}/Questionnaire/bdi")

    assert response.status_code == 404
    assert response.json()["resourceType"] == "OperationOutcome"
    assert response.json()["issue"][0]["code"] == "not-found"


def test_it_needs_a_token() -> None:
    response = APIClient().get(f"{FHIR}/Questionnaire/phq9")

    assert response.status_code == 401
    assert response.json()["issue"][0]["code"] == "login"


def test_fhir_stays_out_of_the_openapi_schema(as_bob: APIClient) -> None:
    paths = as_bob.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()[
        "paths"
    ]

    assert "/api/v1/patients/" in paths
    assert not [path for path in paths if "/fhir/" in path]
