"""Reads behind the FHIR interface: a clinic's responses, each the source of a
QuestionnaireResponse and of its Observations (the total, and PHQ-9 item 9).

Everything is scoped by clinic: another clinic's ids find nothing, as if they did not exist.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from followup.models import Clinic, Patient, Response, TreatmentSession

# The kinds of Observation a response gives: its total, and the answer to PHQ-9 item 9.
TOTAL = "total"
ITEM_9 = "item-9"
OBSERVATION_KINDS = (TOTAL, ITEM_9)


@dataclass(frozen=True)
class ObservationSource:
    """One Observation: the response it is read from and which value of it."""

    response: Response
    kind: str


@dataclass(frozen=True)
class DateBound:
    """``submitted_at`` compared with ``at`` by ``op`` (``gt``, ``ge``, ``lt``, ``le``)."""

    op: str
    at: dt.datetime


def patient_in_clinic(clinic: Clinic, patient_id: int) -> Patient | None:
    return Patient.objects.filter(clinic=clinic, pk=patient_id).first()


def patient_by_external_id(clinic: Clinic, external_id: str) -> Patient | None:
    if not external_id:
        return None
    return Patient.objects.filter(clinic=clinic, external_id=external_id).first()


def fhir_responses(clinic: Clinic) -> QuerySet[Response]:
    """The clinic's responses that have answers to show, oldest first."""
    return (
        Response.objects.filter(patient__clinic=clinic)
        .select_related("check_in")
        .order_by("submitted_at", "id")
    )


def response_in_clinic(clinic: Clinic, response_id: int) -> Response | None:
    return fhir_responses(clinic).filter(pk=response_id).first()


def sessions_of(patient: Patient) -> QuerySet[TreatmentSession]:
    return TreatmentSession.objects.filter(patient=patient).order_by("occurred_at", "id")


def session_in_clinic(clinic: Clinic, session_id: int) -> TreatmentSession | None:
    return TreatmentSession.objects.filter(patient__clinic=clinic, pk=session_id).first()


def observation_sources(response: Response) -> list[ObservationSource]:
    """The Observations one response gives: its total when it has one (complete or prorated),
    and PHQ-9 item 9 once it is answered (complete or not: a positive item 9 matters most)."""
    sources = []
    if response.total is not None:
        sources.append(ObservationSource(response, TOTAL))
    answers = response.answers or []
    if (
        response.instrument == Response.Instrument.PHQ9
        and len(answers) == 9
        and answers[8] is not None
    ):
        sources.append(ObservationSource(response, ITEM_9))
    return sources


def observation_get(clinic: Clinic, response_id: int, kind: str) -> ObservationSource | None:
    response = response_in_clinic(clinic, response_id)
    if response is None:
        return None
    return next((s for s in observation_sources(response) if s.kind == kind), None)


def observations_search(
    clinic: Clinic,
    *,
    patient_id: int | None = None,
    wanted: Iterable[tuple[str, str]] | None = None,
    dates: Iterable[DateBound] = (),
) -> list[ObservationSource]:
    """The clinic's Observations, oldest first, narrowed by patient, by (instrument, kind)
    pairs (``None``: every kind) and by bounds on the time the answers were submitted."""
    responses = fhir_responses(clinic)
    if patient_id is not None:
        responses = responses.filter(patient_id=patient_id)
    pairs = set(wanted) if wanted is not None else None
    if pairs is not None:
        responses = responses.filter(instrument__in={instrument for instrument, _ in pairs})
    for bound in dates:
        responses = responses.filter(Q(**{f"submitted_at__{_LOOKUPS[bound.op]}": bound.at}))
    return [
        source
        for response in responses
        for source in observation_sources(response)
        if pairs is None or (response.instrument, source.kind) in pairs
    ]


_LOOKUPS = {"gt": "gt", "ge": "gte", "lt": "lt", "le": "lte"}
