"""An EHR's side of FHIR for the tests: its Patient, Encounter and Procedure as it would send
them, and the answers of a check-in given through the public API."""

import datetime as dt
from typing import Any, TypeVar

from django.utils import timezone
from fhir.resources.R4B.resource import Resource
from rest_framework.test import APIClient

from followup.models import CheckIn
from followup.services.checkin_links import checkin_token_make

R = TypeVar("R", bound=Resource)
FHIR = "/api/v1/fhir"
FHIR_JSON = "application/fhir+json"
EXT = "https://followup.app/fhir/StructureDefinition"
TREATMENT = "https://followup.app/fhir/CodeSystem/treatment"


def ehr_patient(mrn: str = "MRN-1001", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": [
            {
                "type": {
                    "coding": [
                        {"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}
                    ]
                },
                "system": "urn:oid:1.2.36.146.595.217.0.1",
                "value": mrn,
            }
        ],
        "name": [{"use": "official", "family": "Rivera", "given": ["Sam"]}],
        "telecom": [{"system": "phone", "value": "(312) 555-0144", "use": "mobile"}],
        "communication": [
            {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "en-US"}]}}
        ],
        "extension": [
            {"url": f"{EXT}/sms-consent", "valueBoolean": True},
            {"url": f"{EXT}/timezone", "valueCode": "America/Chicago"},
        ],
    }
    body.update(changes)
    return body


def ehr_encounter(subject: dict[str, Any], occurred_at: dt.datetime, **changes: Any) -> dict:
    body: dict[str, Any] = {
        "resourceType": "Encounter",
        "identifier": [{"value": "VISIT-77"}],
        "status": "finished",
        "class": {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "AMB",
        },
        "type": [{"coding": [{"system": TREATMENT, "code": "esketamine"}]}],
        "subject": subject,
        "period": {"start": occurred_at.isoformat()},
    }
    body.update(changes)
    return body


def ehr_procedure(subject: dict[str, Any], occurred_at: dt.datetime, **changes: Any) -> dict:
    body: dict[str, Any] = {
        "resourceType": "Procedure",
        "identifier": [{"value": "PROC-5"}],
        "status": "completed",
        "code": {"coding": [{"system": TREATMENT, "code": "iv_ketamine"}]},
        "subject": subject,
        "performedDateTime": occurred_at.isoformat(),
    }
    body.update(changes)
    return body


def post(client: APIClient, kind: str, body: object, **headers: str) -> Any:
    return client.post(f"{FHIR}/{kind}", body, format="json", headers=headers or None)


def post_fhir_json(client: APIClient, kind: str, raw: str) -> Any:
    return client.post(f"{FHIR}/{kind}", raw, content_type=FHIR_JSON)


def valid(model: type[R], body: dict) -> R:
    """The body parsed back with its fhir.resources model: it must be valid FHIR."""
    assert body["resourceType"] == model.get_resource_type(), body
    return model.model_validate(body)


def answer(check_in: CheckIn, answers: dict[str, Any]) -> Any:
    """The patient answers ``check_in`` on the web, through the public API."""
    now = timezone.now()
    CheckIn.objects.filter(pk=check_in.pk).update(
        status="sent", sent_at=now, expires_at=now + dt.timedelta(hours=72)
    )
    token = checkin_token_make(check_in.pk)
    return APIClient().post(
        f"/api/v1/public/check-ins/{token}/responses/", {"answers": answers}, format="json"
    )
