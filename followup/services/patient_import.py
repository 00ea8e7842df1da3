"""An EHR's first import: up to ``MAX_IMPORT`` patients in one request, each with an optional
session, all or nothing (``patients_import``); each bad row is reported by its index."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from followup.clinical.scheduling import plan_check_ins, plan_enrolment_check_in
from followup.errors import Conflict, ValidationError
from followup.models import CheckIn, Clinic, Clinician, Patient, TreatmentSession
from followup.services.audit import audit_event, audit_record_many
from followup.services.patients import (
    DUPLICATE_PHONE,
    actor_or_none,
    duplicate_external_id_error,
    fields_apply,
)
from followup.services.sessions import (
    TREATMENT_STARTED,
    checkin_planned,
    session_audit_detail,
    session_validate,
)

MAX_IMPORT = 5000


@dataclass(frozen=True)
class Enrolled:
    patient: Patient
    session: TreatmentSession | None


def patients_import(
    *,
    clinic: Clinic,
    rows: Sequence[dict[str, Any]],
    actor: Clinician | None = None,
    now: dt.datetime | None = None,
) -> list[Enrolled]:
    """Enrol new patients in bulk, each with its first session when its row has one
    (``"session": {"occurred_at", "treatment"}``): the rows that ``patient_create`` then
    ``session_record`` write for each (the patient, its check-in at enrolment, cancelled by the
    session, the session, the plan's check-ins, the audit events), by the same rules, in one
    transaction and a fixed number of queries whatever the number of rows.

    All or nothing: every row is checked first; any bad row raises a ``ValidationError`` whose
    ``rows`` name each bad row (its index) and what is wrong with it, and nothing is written.
    Returns the patients and their sessions in the order of ``rows``.
    """
    if len(rows) > MAX_IMPORT:
        raise ValidationError(
            f"At most {MAX_IMPORT} patients per import; send the rest in another.",
            field="patients",
            code="max_length",
        )
    now = now or timezone.now()
    plan = clinic.follow_up_plan
    patients, visits, errors = _checked_rows(clinic, rows, now)
    if errors:
        raise import_error(errors)
    recorded_by = getattr(actor_or_none(actor), "pk", None)
    try:
        with transaction.atomic():
            Patient.objects.bulk_create(patients)
            sessions = TreatmentSession.objects.bulk_create(
                TreatmentSession(
                    patient_id=patient.pk,
                    occurred_at=visit["occurred_at"],
                    treatment=visit["treatment"],
                    external_id=visit.get("external_id") or "",
                    recorded_by_id=recorded_by,
                )
                for patient, visit in zip(patients, visits, strict=True)
                if visit is not None
            )
            by_patient = {session.patient_id: session for session in sessions}
            baselines: dict[int, CheckIn] = {}
            planned: dict[int, list[CheckIn]] = {}
            for patient in patients:
                session = by_patient.get(patient.pk)
                if plan.enrolment_check_in:
                    baseline = checkin_planned(
                        patient=patient,
                        session=None,
                        item=plan_enrolment_check_in(now=now, timezone=patient.timezone),
                    )
                    if session is not None:  # treatment began: no baseline (session_record)
                        baseline.status = CheckIn.Status.CANCELLED
                        baseline.cancelled_at = now
                        baseline.cancel_reason = TREATMENT_STARTED
                    baselines[patient.pk] = baseline
                if session is not None:
                    # A new patient: no later session, and no live check-in holds a day.
                    planned[patient.pk] = [
                        checkin_planned(patient=patient, session=session, item=item)
                        for item in plan_check_ins(
                            occurred_at=session.occurred_at,
                            steps=plan.steps,
                            timezone=patient.timezone,
                            expire_after_hours=plan.expire_after_hours,
                            now=now,
                            next_session_at=None,
                            taken_dates=(),
                        )
                    ]
            CheckIn.objects.bulk_create(
                [*baselines.values(), *(c for items in planned.values() for c in items)]
            )
            audit_record_many(
                _import_audit_events(patients, rows, by_patient, baselines, planned, actor)
            )
    except IntegrityError:
        # Another request enrolled one of these numbers since they were checked.
        taken = _taken_phones(clinic, [p.phone for p in patients])
        if not taken:
            external_ids = [p.external_id for p in patients if p.external_id]
            if Patient.objects.filter(clinic=clinic, external_id__in=external_ids).exists():
                raise duplicate_external_id_error() from None
            raise
        raise Conflict(
            DUPLICATE_PHONE,
            code="duplicate_phone",
            rows={
                str(index): {"phone": [DUPLICATE_PHONE]}
                for index, patient in enumerate(patients)
                if patient.phone in taken
            },
        ) from None
    return [Enrolled(patient=p, session=by_patient.get(p.pk)) for p in patients]


def _checked_rows(
    clinic: Clinic, rows: Sequence[dict[str, Any]], now: dt.datetime
) -> tuple[list[Patient], list[dict | None], dict[int, dict[str, list[str]]]]:
    """The patients and sessions of ``rows``, unsaved, by the rules of the one-by-one services;
    and what is wrong, by row."""
    patients: list[Patient] = []
    visits: list[dict | None] = []
    errors: dict[int, dict[str, list[str]]] = {}
    for index, row in enumerate(rows):
        fields = dict(row)
        visit = fields.pop("session", None)
        patient = Patient(clinic=clinic)
        try:
            fields_apply(patient, fields, creating=True)
        except ValidationError as exc:
            errors.setdefault(index, {}).setdefault(exc.field or "", []).append(exc.message)
        if visit is not None:
            try:
                session_validate(
                    occurred_at=visit["occurred_at"], treatment=visit["treatment"], now=now
                )
            except ValidationError as exc:
                field = f"session.{exc.field}" if exc.field else "session"
                errors.setdefault(index, {}).setdefault(field, []).append(exc.message)
        patients.append(patient)
        visits.append(visit)
    rows_by_phone: dict[str, list[int]] = {}
    for index, patient in enumerate(patients):
        if patient.phone and "phone" not in errors.get(index, {}):
            rows_by_phone.setdefault(patient.phone, []).append(index)
    for indexes in rows_by_phone.values():
        if len(indexes) > 1:
            message = (
                f"Rows {', '.join(map(str, indexes))} have the same phone number; replies could "
                "not be told apart."
            )
            for index in indexes:
                errors.setdefault(index, {}).setdefault("phone", []).append(message)
    for phone in _taken_phones(clinic, list(rows_by_phone)):
        for index in rows_by_phone[phone]:
            errors.setdefault(index, {}).setdefault("phone", []).append(DUPLICATE_PHONE)
    _check_external_ids(clinic, patients, errors)
    return patients, visits, errors


def _check_external_ids(
    clinic: Clinic, patients: list[Patient], errors: dict[int, dict[str, list[str]]]
) -> None:
    """An import enrols new patients only: an external_id repeated in the rows, or already a
    patient's, is a bad row (a retried import is made safe by its Idempotency-Key)."""
    rows_by_id: dict[str, list[int]] = {}
    for index, patient in enumerate(patients):
        if patient.external_id:
            rows_by_id.setdefault(patient.external_id, []).append(index)
    taken = set(
        Patient.objects.filter(clinic=clinic, external_id__in=list(rows_by_id)).values_list(
            "external_id", flat=True
        )
    )
    for external_id, indexes in rows_by_id.items():
        if len(indexes) > 1:
            message = f"Rows {', '.join(map(str, indexes))} have the same external_id."
        elif external_id in taken:
            message = "Another patient of this clinic has this external_id."
        else:
            continue
        for index in indexes:
            errors.setdefault(index, {}).setdefault("external_id", []).append(message)


def _taken_phones(clinic: Clinic, phones: list[str]) -> set[str]:
    return set(
        Patient.objects.filter(clinic=clinic, phone__in=phones).values_list("phone", flat=True)
    )


def import_error(errors: dict[int, dict[str, list[str]]]) -> ValidationError:
    """The error of an import with bad rows (``{index: {field: [message, ...]}}``), naming each:
    ``extra.rows`` by index, and ``extra.fields`` in the API's ``patients[3].phone`` form."""
    shown = sorted(errors)[:5]
    summary = "; ".join(
        f"row {index}: "
        + " ".join(f"{field}: {' '.join(messages)}" for field, messages in errors[index].items())
        for index in shown
    )
    more = f" (and {len(errors) - len(shown)} more)" if len(errors) > len(shown) else ""
    count = f"{len(errors)} rows are" if len(errors) > 1 else "1 row is"
    return ValidationError(
        f"{count} invalid and nothing was imported: {summary}{more}.",
        code="invalid_rows",
        rows={str(index): errors[index] for index in sorted(errors)},
        fields={
            f"patients[{index}].{field}": messages
            for index in sorted(errors)
            for field, messages in errors[index].items()
        },
    )


def _import_audit_events(
    patients: list[Patient],
    rows: Sequence[dict[str, Any]],
    sessions: dict[int, TreatmentSession],
    baselines: dict[int, CheckIn],
    planned: dict[int, list[CheckIn]],
    actor: Clinician | None,
) -> list:
    events = []
    for patient, row in zip(patients, rows, strict=True):
        baseline = baselines.get(patient.pk)
        events.append(
            audit_event(
                actor=actor,
                action="patient.create",
                obj=patient,
                detail={
                    "fields": sorted(name for name in row if name != "session"),
                    "enrolment_check_in": baseline.pk if baseline else None,
                },
            )
        )
        session = sessions.get(patient.pk)
        if session is not None:
            events.append(
                audit_event(
                    actor=actor,
                    action="session.record",
                    obj=session,
                    patient=patient,
                    detail=session_audit_detail(
                        check_ins=planned[patient.pk],
                        superseded=[],
                        enrolment_cancelled=[baseline.pk] if baseline else [],
                    ),
                )
            )
    return events
