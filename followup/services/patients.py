from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from followup.clinical.phones import normalize_phone, validate_timezone
from followup.errors import Conflict, ValidationError
from followup.models import Clinic, Clinician, Patient
from followup.services.audit import audit_record
from followup.services.checkins import checkin_schedule_at_enrolment

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
    fields_apply(patient, fields, creating=True)
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
    fields_apply(patient, fields, creating=False)
    return _save(patient, actor=actor, action="patient.update", changed=sorted(fields))


def fields_apply(patient: Patient, fields: dict[str, Any], *, creating: bool) -> None:
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
        raise duplicate_external_id_error()
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
            raise duplicate_external_id_error() from None
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


def duplicate_external_id_error() -> Conflict:
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


def actor_or_none(actor: Clinician | None) -> Clinician | None:
    return actor if getattr(actor, "pk", None) else None
