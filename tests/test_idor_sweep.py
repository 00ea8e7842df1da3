"""One clinic's people walk every route of the product with the other clinic's ids: every API
route, every dashboard page and every admin page that takes an id, with every method, and every
list filter that takes an id. Nothing of the other clinic comes back, and nothing changes.

The sweep reads the URL configuration itself: a new route that takes an id fails here until
the sweep knows which kind of object its id names."""

import datetime as dt
import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from followup.models import (
    CheckIn,
    Clinic,
    Clinician,
    Flag,
    InboundMessage,
    OnCallShift,
    OutboundMessage,
    Patient,
    Response,
    TreatmentSession,
)
from followup.services.inbound import inbound_receive
from followup.services.responses import response_record
from followup.services.sessions import session_record
from tests.support.patients import enrol
from tests.support.sms import NOW
from tests.support.web import web_client

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

# What a route's id parameter names: the router's ``pk`` by the route's name, the rest by name.
ROUTE_OBJECTS = {
    "patient": "patient",
    "session": "session",
    "check-in": "check_in",
    "response": "response",
    "clinician": "clinician",
    "flag": "flag",
    "shift": "shift",
}
PARAMETER_OBJECTS = {
    "patient_id": "patient",
    "flag_id": "flag",
    "response_id": "response",
    "session_id": "session",
    "observation_id": "response",
    "clinician_id": "clinician",
}
# Ids made from an object's id: a FHIR Observation is its response's id and its kind.
PARAMETER_FORMATS = {"observation_id": "{}-item-9"}
# Parameters that are no object id: the format suffix, and check-in tokens (unguessable secrets,
# tested with the public check-in).
NOT_IDS = {"format", "token", "questionnaire_id"}
METHODS = ("get", "post", "put", "patch", "delete")
REFUSED = {403, 404, 405}


@pytest.fixture
def riverside(clinic: Clinic, alice: Clinician, bob: Clinician) -> dict[str, object]:
    """Riverside's records of every kind, with names nobody else has."""
    patient = enrol(clinic, "Zebulon", "Quixotic", "+13125550987", actor=alice)
    session, check_ins = session_record(
        patient=patient, occurred_at=NOW - dt.timedelta(days=1), treatment="esketamine"
    )
    response, _ = response_record(
        patient=patient,
        instrument="phq9",
        answers=[1, 1, 1, 1, 1, 1, 1, 1, 2],
        channel="web",
        check_in=check_ins[0],
    )
    shift = OnCallShift.objects.create(
        clinic=clinic,
        clinician=bob,
        level=1,
        starts_at=NOW - dt.timedelta(hours=1),
        ends_at=NOW + dt.timedelta(hours=8),
    )
    inbound_receive(
        message_sid="SM" + "9" * 32,
        from_number=patient.phone,
        to_number="+13125550100",
        body="Quixotic words",
        payload={},
    )
    return {
        "patient": patient,
        "session": session,
        "check_in": check_ins[0],
        "response": response,
        "clinician": bob,
        "flag": Flag.objects.get(patient=patient, reason="suicidal_ideation"),
        "shift": shift,
    }


@pytest.fixture
def hillcrest_admin(mallory: Clinician) -> Clinician:
    """Hillcrest's admin, allowed into the Django admin for her own clinic."""
    mallory.is_staff = True
    mallory.save(update_fields=["is_staff"])
    return mallory


def _leaks(riverside: dict[str, object], text: str) -> list[str]:
    patient = riverside["patient"]
    markers = [
        patient.first_name,
        patient.last_name,
        patient.phone,
        "555-0987",
        "Quixotic words",
        riverside["clinician"].username,
        riverside["flag"].code,
    ]
    return [
        m for m in markers if re.search(rf"(?<![A-Za-z0-9]){re.escape(m)}(?![A-Za-z0-9])", text)
    ]


def _snapshot(clinic: Clinic) -> dict[str, list]:
    """Every row of the clinic that a request could change."""
    return {
        model.__name__: sorted(map(repr, model.objects.filter(**{path: clinic}).values()))
        for model, path in (
            (Patient, "clinic"),
            (TreatmentSession, "patient__clinic"),
            (CheckIn, "patient__clinic"),
            (Response, "patient__clinic"),
            (Flag, "clinic"),
            (OnCallShift, "clinic"),
            (Clinician, "clinic"),
            (OutboundMessage, "clinic"),
            (InboundMessage, "patient__clinic"),
        )
    }


def _routes(resolver: URLResolver | None = None, prefix: str = "") -> list[tuple[str, str]]:
    """Every route as (regex, name), admin's own routes left to ``_admin_paths``."""
    found = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if getattr(pattern, "app_name", None) == "admin":
                continue
            found += _routes(pattern, prefix + pattern.pattern.regex.pattern.lstrip("^"))
        elif isinstance(pattern, URLPattern):
            found.append((prefix + pattern.pattern.regex.pattern.lstrip("^"), pattern.name or ""))
    return found


def _id_paths(riverside: dict[str, object]) -> list[str]:
    """Every route that takes an id, filled with Riverside's, once per route."""
    paths = set()
    for regex, name in _routes():
        groups = [g for g in re.findall(r"\(\?P<(\w+)>", regex) if g not in NOT_IDS]
        if not groups or "(?P<format>" in regex or "(?P<token>" in regex:
            continue
        values = {}
        for group in groups:
            kind = (
                ROUTE_OBJECTS.get(name.rsplit("-", 1)[0])
                if group == "pk"
                else PARAMETER_OBJECTS.get(group)
            )
            assert kind, f"route {name!r} takes {group!r}: tell the sweep what it names"
            values[group] = PARAMETER_FORMATS.get(group, "{}").format(riverside[kind].pk)
        paths.add(_path(regex, values))
    return sorted(paths)


def _path(regex: str, values: dict[str, str] | None = None) -> str:
    """The path a route's regex matches, its groups filled with ``values``."""
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: (values or {})[m.group(1)], regex)
    # An escaped ``$`` is part of the path (FHIR's ``$everything``); a bare one ends the regex.
    path = path.replace("\\Z", "").replace("\\$", "\0").replace("$", "").replace("\\", "")
    return "/" + path.replace("\0", "$")


def test_every_route_with_an_id_refuses_the_other_clinics_ids(
    riverside: dict[str, object], hillcrest_admin: Clinician, as_mallory: APIClient
) -> None:
    before = _snapshot(riverside["patient"].clinic)
    paths = _id_paths(riverside)
    # The sweep covers what it says it does: API objects, their actions, dashboard pages.
    assert "/api/v1/flags/{}/acknowledge/".format(riverside["flag"].pk) in paths
    assert "/dashboard/patients/{}/audit/".format(riverside["patient"].pk) in paths
    assert "/api/v1/fhir/Patient/{}/$everything".format(riverside["patient"].pk) in paths
    assert "/api/v1/fhir/Observation/{}-item-9".format(riverside["response"].pk) in paths
    assert len(paths) >= 15

    dashboard = web_client(hillcrest_admin)
    answered = []
    for path in paths:
        client = as_mallory if path.startswith("/api/") else dashboard
        for method in METHODS:
            response = getattr(client, method)(path)
            body = response.content.decode(errors="replace")
            answered.append((method, path, response.status_code))
            assert response.status_code in REFUSED, (method, path, response.status_code)
            assert not _leaks(riverside, body), (method, path, _leaks(riverside, body))

    assert _snapshot(riverside["patient"].clinic) == before
    assert len(answered) == len(paths) * len(METHODS)


def test_no_list_filter_reaches_into_the_other_clinic(
    riverside: dict[str, object], as_mallory: APIClient
) -> None:
    filters = {
        "patient": riverside["patient"].pk,
        "session": riverside["session"].pk,
        "check_in": riverside["check_in"].pk,
        "clinician": riverside["clinician"].pk,
        "response": riverside["response"].pk,
        "flag": riverside["flag"].pk,
    }
    lists = [
        _path(regex) for regex, name in _routes() if name.endswith("-list") and "(?P<" not in regex
    ]
    assert len(lists) >= 6
    for path in lists:
        for parameter, value in filters.items():
            response = as_mallory.get(path, {parameter: value})
            body = response.content.decode()
            assert response.status_code in (200, 400), (path, parameter, response.status_code)
            assert not _leaks(riverside, body), (path, parameter, _leaks(riverside, body))


def _admin_paths(riverside_clinic: Clinic) -> list[str]:
    """The admin's change, history and delete pages of a Riverside object of each model."""
    paths = []
    for model, model_admin in admin.site._registry.items():
        clinic_path = getattr(model_admin, "clinic_path", None)
        if clinic_path is None:
            continue
        target = model.objects.filter(**{clinic_path: riverside_clinic.pk}).first()
        if target is None:
            continue
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{target.pk}/"
        paths += [f"{base}change/", f"{base}history/", f"{base}delete/"]
    return paths


def test_the_admin_shows_nothing_of_the_other_clinic(
    riverside: dict[str, object], hillcrest_admin: Clinician
) -> None:
    before = _snapshot(riverside["patient"].clinic)
    paths = _admin_paths(riverside["patient"].clinic)
    assert len(paths) >= 15
    staff: Client = web_client(hillcrest_admin)

    for path in paths:
        for method in ("get", "post"):
            response = getattr(staff, method)(path, follow=True)
            body = response.content.decode()
            assert response.status_code in {200, *REFUSED}, (method, path)
            assert not _leaks(riverside, body), (method, path, _leaks(riverside, body))
            if response.status_code == 200:
                # The admin's "… doesn't exist. Perhaps it was deleted?", on its index.
                assert "exist" in body, (method, path)

    assert _snapshot(riverside["patient"].clinic) == before
