"""Erasure: a person's identifying data removed, their de-identified scores kept.

Rows are never deleted (foreign keys PROTECT, and clinical totals stay useful to the clinic's
outcome figures): the patient is kept under their id with no name and no real number, every
message body and number they sent or received is blanked, and free-text notes about their
flags are replaced. Scores (answers, totals, severities), dates, sessions and flags stay. An
erased patient gets nothing more: open check-ins are cancelled, unsent messages too.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from followup.models import (
    CheckIn,
    Clinic,
    Clinician,
    Flag,
    IdempotencyKey,
    InboundMessage,
    OutboundMessage,
    Patient,
)
from followup.services.audit import audit_record

ERASED = "[erased]"
NOT_YET_DONE = (CheckIn.Status.SCHEDULED, CheckIn.Status.SENT, CheckIn.Status.IN_PROGRESS)


def erased_phone(patient_id: int) -> str:
    """A number no phone has (country code 999 is unassigned), unique to the patient: the
    clinic's one-patient-per-number rule and E.164 check still hold."""
    return f"+999{patient_id:011d}"


def is_erased(patient: Patient) -> bool:
    return patient.phone == erased_phone(patient.pk)


@transaction.atomic
def patient_erase(*, patient: Patient, actor: Clinician | None = None) -> dict[str, Any]:
    """Removes ``patient``'s identifying data; returns what was changed, as counts. Running it
    again changes nothing more."""
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    now = timezone.now()
    number = erased_phone(patient.pk)
    counts = {
        "check_ins_cancelled": CheckIn.objects.filter(
            patient=patient, status__in=NOT_YET_DONE
        ).update(
            status=CheckIn.Status.CANCELLED,
            cancelled_at=now,
            cancel_reason="erased",
            reminder_due_at=None,
            updated_at=now,
        ),
        "messages_cancelled": OutboundMessage.objects.filter(
            patient=patient, status=OutboundMessage.Status.PENDING
        ).update(status=OutboundMessage.Status.CANCELLED, updated_at=now),
        "outbound_blanked": OutboundMessage.objects.filter(patient=patient).update(
            body="", error_message="", updated_at=now
        ),
        # The patient's number; a page about them keeps the clinician's.
        "numbers_replaced": OutboundMessage.objects.filter(
            patient=patient, clinician__isnull=True
        ).update(to=number),
        "inbound_blanked": InboundMessage.objects.filter(patient=patient).update(
            body="", from_number=number, payload={}
        ),
        "notes_replaced": Flag.objects.filter(patient=patient)
        .exclude(resolution_note="")
        .update(resolution_note=ERASED),
        # The API answers kept for replay (a day at most) may hold the patient's name: the
        # clinic's are forgotten, as they cannot be told apart by patient.
        "replays_forgotten": IdempotencyKey.objects.filter(clinic_id=patient.clinic_id).delete()[0],
    }
    patient.first_name, patient.last_name, patient.phone = ERASED, "", number
    patient.external_id = ""  # the MRN identifies the patient too
    patient.sms_consent, patient.sms_consent_at = False, None
    patient.opted_out, patient.opted_out_at = True, patient.opted_out_at or now
    patient.save()
    audit_record(actor=actor, action="patient.erase", obj=patient, detail=counts)
    return counts


def clinic_offboard(*, clinic: Clinic, actor: Clinician | None = None) -> dict[str, int]:
    """A clinic that leaves: every patient erased (one transaction each) and every account
    signed out for good (inactive, no usable password). The clinic's row, settings and
    de-identified scores stay, as do the audit log's rows."""
    erased = 0
    for patient in Patient.objects.filter(clinic=clinic).order_by("id").iterator(chunk_size=200):
        if not is_erased(patient):
            patient_erase(patient=patient, actor=actor)
            erased += 1
    with transaction.atomic():
        accounts = list(Clinician.objects.select_for_update().filter(clinic=clinic, is_active=True))
        for account in accounts:
            account.is_active = False
            account.set_unusable_password()
            account.save(update_fields=["is_active", "password"])
        counts = {"patients_erased": erased, "accounts_deactivated": len(accounts)}
        audit_record(
            actor=actor, action="clinic.offboard", obj=clinic, clinic=clinic, detail=counts
        )
    return counts
