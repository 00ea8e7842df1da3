import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from followup.clinical import defaults


class Clinic(models.Model):
    """A clinic: the unit of isolation. Nobody sees another clinic's data."""

    name = models.CharField(max_length=200, unique=True)
    timezone = models.CharField(max_length=64, default=defaults.CLINIC_TIMEZONE)
    country = models.CharField(
        max_length=2,
        default="US",
        help_text="ISO 3166 region used to read phone numbers written without a country code.",
    )
    # Patient messages only between quiet_hours_end and quiet_hours_start, patient's local time
    # (CLINICAL.md: US rules forbid 21:00-08:00; stricter states end at 20:00).
    quiet_hours_start = models.TimeField(default=dt.time(21, 0))
    quiet_hours_end = models.TimeField(default=dt.time(8, 0))
    crisis_line = models.CharField(max_length=200, default=defaults.CRISIS_LINE)
    emergency_line = models.CharField(max_length=200, default=defaults.EMERGENCY_LINE)
    phone = models.CharField(
        max_length=20,
        blank=True,
        help_text="The clinic's own phone number, E.164: given in the crisis message.",
    )
    # The clinic's own sender. Its texts go out from it, and a reply to it reaches this clinic's
    # patients only. Empty: the shared sender of the settings (TWILIO_FROM_NUMBER or
    # TWILIO_MESSAGING_SERVICE_SID), which every clinic without its own shares.
    sms_number = models.CharField(
        max_length=20,
        blank=True,
        help_text="The clinic's own Twilio number, E.164: its texts and calls come from it, and "
        "replies to it reach only this clinic's patients. Empty: the shared number.",
    )
    messaging_service_sid = models.CharField(
        max_length=34,
        blank=True,
        help_text="The clinic's own Twilio Messaging Service (MG…): its texts go out through it "
        "(calls from sms_number, or the shared number). Empty: the shared sender.",
    )
    drill_at = models.TimeField(
        null=True,
        blank=True,
        help_text="Time of day, in the clinic's zone, of a daily safety drill of the paging "
        "path. Empty: no scheduled drill.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(quiet_hours_start=models.F("quiet_hours_end")),
                name="clinic_quiet_hours_not_empty",
            ),
            # A number or service belongs to one clinic: a reply to it has one clinic to go to.
            models.UniqueConstraint(
                fields=["sms_number"], condition=~Q(sms_number=""), name="clinic_sms_number_unique"
            ),
            models.UniqueConstraint(
                fields=["messaging_service_sid"],
                condition=~Q(messaging_service_sid=""),
                name="clinic_messaging_service_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_own_sender(self) -> bool:
        return bool(self.sms_number or self.messaging_service_sid)


def clinician_display_name(first_name: str, last_name: str, username: str) -> str:
    """How a clinician is named wherever people read it: their full name, else their username.
    From the fields alone, for reads that fetch only those (``values_list``)."""
    return f"{first_name} {last_name}".strip() or username


class Clinician(AbstractUser):
    """A person who signs in: a clinician or a clinic admin. Superusers may have no clinic."""

    class Role(models.TextChoices):
        CLINICIAN = "clinician", "Clinician"
        ADMIN = "admin", "Clinic admin"

    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, null=True, blank=True, related_name="clinicians"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CLINICIAN)
    phone = models.CharField(max_length=20, blank=True, help_text="E.164, for pages.")

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["clinician", "admin"]), name="clinician_role_valid"
            ),
        ]

    @property
    def is_clinic_admin(self) -> bool:
        return self.role == self.Role.ADMIN

    @property
    def display_name(self) -> str:
        return clinician_display_name(self.first_name, self.last_name, self.username)


if TYPE_CHECKING:

    class ClinicMember(Clinician):
        """For the type checker only: a clinician whose clinic is set, as the dashboard's guard
        (``clinician_required``) and the API's permission (``IsClinicMember``) let through."""

        clinic: Clinic
        clinic_id: int

        class Meta:
            abstract = True


class FollowUpPlan(models.Model):
    """When check-ins go out after a session, and how long a patient has to answer."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="follow_up_plan")
    steps = models.JSONField(default=defaults.plan_steps)
    # A check-in when the patient is enrolled, before any session: the pre-treatment baseline.
    enrolment_check_in = models.BooleanField(default=True)
    reminder_after_hours = models.PositiveSmallIntegerField(default=4)
    expire_after_hours = models.PositiveSmallIntegerField(default=72)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(expire_after_hours__gte=1) & Q(expire_after_hours__lte=24 * 14),
                name="plan_expiry_range",
            ),
            models.CheckConstraint(
                condition=Q(reminder_after_hours__lt=models.F("expire_after_hours")),
                name="plan_reminder_before_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"Follow-up plan of {self.clinic}"


class EscalationPolicy(models.Model):
    """Who is paged, how, and how long until the next level (CLINICAL.md, escalation defaults).

    A flag copies the policy when it is raised, so editing it never changes a running escalation.
    """

    clinic = models.OneToOneField(
        Clinic, on_delete=models.CASCADE, related_name="escalation_policy"
    )
    levels = models.JSONField(default=defaults.escalation_levels)
    repeat_every_seconds = models.PositiveIntegerField(default=300)
    fallback_phones = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "escalation policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(repeat_every_seconds__gte=60), name="policy_repeat_at_least_a_minute"
            ),
        ]

    def __str__(self) -> str:
        return f"Escalation policy of {self.clinic}"


class Digest(models.Model):
    """The morning digest of one clinic for one of its days: sent once, whatever the retries."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="digests")
    local_date = models.DateField(help_text="The clinic's own date the digest is for.")
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)
    # Counts only, no patient data: what the email said.
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-local_date", "clinic"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "local_date"], name="digest_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"Digest of {self.clinic} for {self.local_date}"
