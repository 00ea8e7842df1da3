from django.conf import settings
from django.db import models
from django.db.models import Q

from followup.models.clinics import Clinic


class Channel(models.TextChoices):
    SMS = "sms", "SMS"
    WEB = "web", "Web link"


class Patient(models.Model):
    """A patient followed up between sessions. Patients never sign in."""

    class Language(models.TextChoices):
        # Only languages with official translations of both scales (CLINICAL.md).
        EN = "en", "English"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    phone = models.CharField(max_length=20, help_text="Mobile number in E.164.")
    timezone = models.CharField(max_length=64, help_text="IANA time zone, e.g. America/Chicago.")
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.SMS)
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.EN)
    sms_consent = models.BooleanField(default=False)
    sms_consent_at = models.DateTimeField(null=True, blank=True)
    opted_out = models.BooleanField(default=False, help_text="Sent STOP: no SMS until START.")
    opted_out_at = models.DateTimeField(null=True, blank=True)
    external_id = models.CharField(
        max_length=64, blank=True, default="", help_text="The EHR's id (MRN), unique per clinic."
    )
    # The clinic's safety-drill patient (one per clinic, made by the first drill): fictional,
    # never sent anything, left out of patient lists and counts of real flags.
    is_drill = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            # Inbound SMS are matched to a patient by number: one patient per number per clinic.
            models.UniqueConstraint(fields=["clinic", "phone"], name="patient_phone_unique"),
            # An EHR's retry finds the patient it enrolled (SPEC §6).
            models.UniqueConstraint(
                fields=["clinic", "external_id"],
                condition=~Q(external_id=""),
                name="patient_external_id_unique",
            ),
            models.CheckConstraint(condition=Q(channel__in=["sms", "web"]), name="patient_channel"),
            models.CheckConstraint(condition=Q(language__in=["en"]), name="patient_language"),
            models.CheckConstraint(
                condition=Q(sms_consent=False) | Q(sms_consent_at__isnull=False),
                name="patient_consent_has_time",
            ),
            models.CheckConstraint(
                condition=Q(phone__regex=r"^\+[1-9][0-9]{6,14}$"), name="patient_phone_e164"
            ),
        ]
        indexes = [
            models.Index(fields=["phone"], name="patient_phone_idx"),
            # The dashboard's patient list: a clinic's patients by name, a page at a time.
            models.Index(
                fields=["clinic", "last_name", "first_name", "id"], name="patient_clinic_name"
            ),
        ]

    def __str__(self) -> str:
        return f"Patient #{self.pk}"

    @property
    def initials(self) -> str:
        return f"{self.first_name[:1]}{self.last_name[:1]}".upper()


class TreatmentSession(models.Model):
    """A ketamine or esketamine treatment session; the clinic's plan follows it up."""

    class Treatment(models.TextChoices):
        IV_KETAMINE = "iv_ketamine", "IV ketamine"
        IM_KETAMINE = "im_ketamine", "IM ketamine"
        ESKETAMINE = "esketamine", "Esketamine nasal spray"
        OTHER = "other", "Other"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="sessions")
    occurred_at = models.DateTimeField()
    treatment = models.CharField(max_length=16, choices=Treatment.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The EHR's id of the visit (an encounter or procedure). Unique per patient, not per
    # clinic: a session is always reached through its patient, and the patient's row lock
    # already orders sessions recorded at once for one patient.
    external_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "external_id"],
                condition=~Q(external_id=""),
                name="session_external_id_unique",
            ),
            models.CheckConstraint(
                condition=Q(treatment__in=["iv_ketamine", "im_ketamine", "esketamine", "other"]),
                name="session_treatment",
            ),
        ]
        indexes = [models.Index(fields=["patient", "occurred_at"], name="session_patient_time")]

    def __str__(self) -> str:
        return f"Session #{self.pk}"
