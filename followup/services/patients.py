from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from followup.audit import audit_record
from followup.errors import Conflict, ValidationError
from followup.models import Clinic, Patient
from followup.phones import normalize_phone, validate_timezone
from followup.services.checkins import checkin_schedule_at_enrolment

EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "phone",
    "timezone",
    "channel",
    "language",
    "sms_consent",
)


def patient_create(*, clinic: Clinic, actor: object = None, **fields: Any) -> Patient:
    """Enrol a patient (SPEC §2 step 1): number in E.164, zone from IANA, consent time-stamped.

    In the same transaction, the check-in at enrolment when the clinic's plan asks for one: the
    pre-treatment baseline (CLINICAL.md), sent at once like any check-in.
    """
    patient = Patient(clinic=clinic)
    _apply(patient, fields, creating=True)
    return _save(
        patient, actor=actor, action="patient.create", changed=sorted(fields), enrolling=True
    )


def patient_update(*, patient: Patient, actor: object = None, **fields: Any) -> Patient:
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
    if "sms_consent" in fields:
        consent = fields["sms_consent"]
        if not isinstance(consent, bool):
            raise ValidationError("sms_consent must be true or false.", field="sms_consent")
        if consent and not patient.sms_consent:
            patient.sms_consent_at = timezone.now()
        elif not consent:
            patient.sms_consent_at = None
        patient.sms_consent = consent


def _save(
    patient: Patient, *, actor: object, action: str, changed: list[str], enrolling: bool = False
) -> Patient:
    duplicate = Patient.objects.filter(clinic=patient.clinic, phone=patient.phone).exclude(
        pk=patient.pk
    )
    if duplicate.exists():
        raise Conflict(
            "Another patient of this clinic has this phone number; replies could not be told "
            "apart.",
            field="phone",
            code="duplicate_phone",
        )
    try:
        with transaction.atomic():
            patient.save()
            detail: dict[str, Any] = {"fields": changed}  # names only: values are patient data
            if enrolling:
                check_in = checkin_schedule_at_enrolment(patient=patient, now=timezone.now())
                detail["enrolment_check_in"] = check_in.pk if check_in else None
            audit_record(actor=actor, action=action, obj=patient, detail=detail)
    except IntegrityError:
        raise Conflict(
            "Another patient of this clinic has this phone number.",
            field="phone",
            code="duplicate_phone",
        ) from None
    return patient


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
