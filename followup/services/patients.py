import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from followup.clinical.phones import normalize_phone, validate_timezone
from followup.clinical.scheduling import plan_check_ins, plan_enrolment_check_in
from followup.errors import Conflict, ValidationError
from followup.models import CheckIn, Clinic, Clinician, Patient, TreatmentSession
from followup.services.audit import audit_event, audit_record, audit_record_many
from followup.services.checkins import checkin_schedule_at_enrolment
from followup.services.sessions import (
    TREATMENT_STARTED,
    checkin_planned,
    session_audit_detail,
    session_validate,
)

EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "phone",
    "timezone",
    "channel",
    "language",
    "sms_consent",
    "external_id",
)


def patient_create(*, clinic: Clinic, actor: Clinician | None = None, **fields: Any) -> Patient:
    """Enrol a patient (SPEC §2 step 1): number in E.164, zone from IANA, consent time-stamped.

    In the same transaction, the check-in at enrolment when the clinic's plan asks for one: the
    pre-treatment baseline (CLINICAL.md), sent at once like any check-in.
    """
    patient = Patient(clinic=clinic)
    _apply(patient, fields, creating=True)
    return _save(
        patient, actor=actor, action="patient.create", changed=sorted(fields), enrolling=True
    )


def patient_create_or_get(
    *, clinic: Clinic, actor: Clinician | None = None, **fields: Any
) -> tuple[Patient, bool]:
    """``patient_create``, unless the clinic already has a patient with this ``external_id``
    (an EHR's retry): then that patient, unchanged, and nothing is written. Returns the patient
    and whether it is new. Two requests at once for one new id: the unique constraint lets one
    in and the other gets the patient it enrolled."""
    external_id = _external_id(fields.get("external_id"))
    if external_id:
        existing = Patient.objects.filter(clinic=clinic, external_id=external_id).first()
        if existing is not None:
            return existing, False
    try:
        return patient_create(clinic=clinic, actor=actor, **fields), True
    except Conflict as exc:
        if exc.code != DUPLICATE_EXTERNAL_ID:
            raise
        return Patient.objects.get(clinic=clinic, external_id=external_id), False


def patient_update(*, patient: Patient, actor: Clinician | None = None, **fields: Any) -> Patient:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            f"These fields cannot be changed: {', '.join(sorted(unknown))}.",
            field=sorted(unknown)[0],
            code="read_only",
        )
    _apply(patient, fields, creating=False)
    return _save(patient, actor=actor, action="patient.update", changed=sorted(fields))


def _apply(patient: Patient, fields: dict[str, Any], *, creating: bool) -> None:
    for name in ("first_name", "last_name"):
        if name in fields or creating:
            value = str(fields.get(name) or "").strip()
            if not value:
                raise ValidationError(f"{name} is required.", field=name, code="required")
            setattr(patient, name, value)
    if "phone" in fields or creating:
        patient.phone = normalize_phone(fields.get("phone", ""), region=patient.clinic.country)
    if "timezone" in fields or creating:
        patient.timezone = validate_timezone(fields.get("timezone", ""))
    if "channel" in fields:
        if fields["channel"] not in ("sms", "web"):
            raise ValidationError("channel must be 'sms' or 'web'.", field="channel")
        patient.channel = fields["channel"]
    if "language" in fields:
        if fields["language"] not in Patient.Language.values:
            raise ValidationError(
                "language must be 'en': only the scales' official translations are shown, and "
                "English is the one available.",
                field="language",
            )
        patient.language = fields["language"]
    if "external_id" in fields:
        patient.external_id = _external_id(fields["external_id"])
    if "sms_consent" in fields:
        consent = fields["sms_consent"]
        if not isinstance(consent, bool):
            raise ValidationError("sms_consent must be true or false.", field="sms_consent")
        if consent and not patient.sms_consent:
            patient.sms_consent_at = timezone.now()
        elif not consent:
            patient.sms_consent_at = None
        patient.sms_consent = consent
    # SPEC §6: `true` is required for the sms channel, else every check-in would silently go
    # undeliverable. Asked when the patient is enrolled or moved to sms; a consent withdrawn
    # later is recorded all the same, and the check-ins then say why they are not sent.
    moved_to_sms = creating or "channel" in fields
    if moved_to_sms and patient.channel == "sms" and not patient.sms_consent:
        raise ValidationError(
            SMS_CONSENT_REQUIRED, field="sms_consent", code="sms_consent_required"
        )


def _external_id(value: object) -> str:
    """An EHR's id as stored: trimmed, and empty for none."""
    if value is None:
        return ""
    if not isinstance(value, str) or len(value.strip()) > 64:
        raise ValidationError(
            "external_id must be text of at most 64 characters.", field="external_id"
        )
    return value.strip()


SMS_CONSENT_REQUIRED = (
    "sms_consent must be true for the sms channel: without it no check-in can be sent. Record "
    "the patient's consent, or use the web channel."
)

DUPLICATE_PHONE = (
    "Another patient of this clinic has this phone number; replies could not be told apart."
)
DUPLICATE_EXTERNAL_ID = "duplicate_external_id"


def _save(
    patient: Patient,
    *,
    actor: Clinician | None,
    action: str,
    changed: list[str],
    enrolling: bool = False,
) -> Patient:
    # Asked before the insert, not left to the unique constraints: the database would log the
    # refused number. The EHR's id first: a retry that raced its first try finds its patient.
    if patient.external_id and _external_id_taken(patient):
        raise _duplicate_external_id()
    duplicate = Patient.objects.filter(clinic_id=patient.clinic_id, phone=patient.phone).exclude(
        pk=patient.pk
    )
    if duplicate.exists():
        raise Conflict(DUPLICATE_PHONE, field="phone", code="duplicate_phone")
    try:
        with transaction.atomic():
            patient.save()
            detail: dict[str, Any] = {"fields": changed}  # names only: values are patient data
            if enrolling:
                check_in = checkin_schedule_at_enrolment(patient=patient, now=timezone.now())
                detail["enrolment_check_in"] = check_in.pk if check_in else None
            audit_record(actor=actor, action=action, obj=patient, detail=detail)
    except IntegrityError:
        if patient.external_id and _external_id_taken(patient):
            raise _duplicate_external_id() from None
        raise Conflict(
            "Another patient of this clinic has this phone number.",
            field="phone",
            code="duplicate_phone",
        ) from None
    return patient


def _external_id_taken(patient: Patient) -> bool:
    return (
        Patient.objects.filter(clinic_id=patient.clinic_id, external_id=patient.external_id)
        .exclude(pk=patient.pk)
        .exists()
    )


def _duplicate_external_id() -> Conflict:
    return Conflict(
        "Another patient of this clinic has this external_id.",
        field="external_id",
        code=DUPLICATE_EXTERNAL_ID,
    )


def patient_opt_out(*, patient: Patient, source: str) -> bool:
    """STOP (from the patient, or reported by the carrier): no SMS from now on. Safety still
    pages clinicians. Returns whether this changed anything."""
    changed = Patient.objects.filter(pk=patient.pk, opted_out=False).update(
        opted_out=True, opted_out_at=timezone.now(), updated_at=timezone.now()
    )
    if changed:
        audit_record(actor=None, action="patient.opt_out", obj=patient, detail={"source": source})
    return bool(changed)


def patient_opt_in(*, patient: Patient, source: str) -> bool:
    """START/UNSTOP: messages resume."""
    changed = Patient.objects.filter(pk=patient.pk, opted_out=True).update(
        opted_out=False, opted_out_at=None, updated_at=timezone.now()
    )
    if changed:
        audit_record(actor=None, action="patient.opt_in", obj=patient, detail={"source": source})
    return bool(changed)


# An EHR's first import ------------------------------------------------------------------------

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
    recorded_by = getattr(_user(actor), "pk", None)
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
                raise _duplicate_external_id() from None
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
            _apply(patient, fields, creating=True)
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


def _user(actor: Clinician | None) -> Clinician | None:
    return actor if getattr(actor, "pk", None) else None
