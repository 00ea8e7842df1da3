import re

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction

from followup.clinical.phones import normalize_clinic_phone, normalize_phone, validate_timezone
from followup.errors import Conflict, ValidationError
from followup.models import Clinic, Clinician, EscalationPolicy, FollowUpPlan
from followup.services.audit import audit_record


@transaction.atomic
def clinic_create(
    *,
    name: str,
    timezone: str | None = None,
    phone: str = "",
    sms_number: str = "",
    messaging_service_sid: str = "",
) -> Clinic:
    """A clinic with the default follow-up plan and escalation policy (SPEC §2, CLINICAL.md).

    ``phone`` is the clinic's own number, which the crisis message gives patients to call.
    ``sms_number`` and ``messaging_service_sid``: the clinic's own Twilio sender, if it has one
    (``clinic_sender``); without, it shares the sender of the settings.
    """
    name = name.strip()
    if not name:
        raise ValidationError("A clinic needs a name.", field="name", code="required")
    if Clinic.objects.filter(name__iexact=name).exists():
        raise Conflict(f"A clinic named '{name}' already exists.", field="name", code="duplicate")
    clinic = Clinic(name=name)
    if timezone:
        clinic.timezone = validate_timezone(timezone)
    clinic.phone = normalize_clinic_phone(phone, region=clinic.country)
    clinic.sms_number, clinic.messaging_service_sid = clinic_sender(
        clinic, sms_number=sms_number, messaging_service_sid=messaging_service_sid
    )
    clinic.save()
    FollowUpPlan.objects.create(clinic=clinic)
    EscalationPolicy.objects.create(clinic=clinic)
    return clinic


MESSAGING_SERVICE_SID = re.compile(r"^MG[0-9a-fA-F]{32}$")


def clinic_sender(
    clinic: Clinic, *, sms_number: str = "", messaging_service_sid: str = ""
) -> tuple[str, str]:
    """The clinic's own Twilio number (E.164, one that can text) and Messaging Service, checked:
    each belongs to one clinic, so that a reply to it has one clinic to go to."""
    number = (
        normalize_phone(sms_number, region=clinic.country, field="sms_number")
        if (sms_number or "").strip()
        else ""
    )
    service = (messaging_service_sid or "").strip()
    if service and not MESSAGING_SERVICE_SID.match(service):
        raise ValidationError(
            "messaging_service_sid must be a Twilio Messaging Service SID: MG and 32 hex digits.",
            field="messaging_service_sid",
            code="invalid",
        )
    others = Clinic.objects.exclude(pk=clinic.pk)
    if number and others.filter(sms_number=number).exists():
        raise Conflict(
            "That number is another clinic's sender.", field="sms_number", code="duplicate"
        )
    if service and others.filter(messaging_service_sid=service).exists():
        raise Conflict(
            "That Messaging Service is another clinic's sender.",
            field="messaging_service_sid",
            code="duplicate",
        )
    return number, service


@transaction.atomic
def clinician_create(
    *,
    clinic: Clinic,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    role: str = Clinician.Role.CLINICIAN,
    email: str = "",
    actor: Clinician | None = None,
) -> Clinician:
    """A clinician or admin of ``clinic``; an audit event names who made the account (``actor``,
    or nobody: a command run on the server, such as ``createclinic``)."""
    username = username.strip()
    if not username:
        raise ValidationError("A username is required.", field="username", code="required")
    if Clinician.objects.filter(username__iexact=username).exists():
        # Usernames are unique across clinics; the message never says whose it is, nor where.
        raise Conflict(
            "That username is not available: choose another.", field="username", code="duplicate"
        )
    if role not in Clinician.Role.values:
        raise ValidationError(
            f"role must be one of {', '.join(Clinician.Role.values)}.", field="role", code="invalid"
        )
    if phone:
        phone = normalize_phone(phone, region=clinic.country)
    email = _normalize_email(email)
    user = Clinician(
        clinic=clinic,
        username=username,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email,
        phone=phone,
        role=role,
        is_staff=role == Clinician.Role.ADMIN,
    )
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationError(
            " ".join(exc.messages), field="password", code="weak_password"
        ) from None
    user.set_password(password)
    user.save()
    audit_record(
        actor=actor, action="clinician.create", obj=user, clinic=clinic, detail={"role": role}
    )
    return user


def _normalize_email(raw: str) -> str:
    """``raw`` as an address the daily digest can go to, or ``""`` for none."""
    email = (raw or "").strip()
    if not email:
        return ""
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationError(
            f"'{email}' is not an email address.", field="email", code="invalid_email"
        ) from None
    return BaseUserManager.normalize_email(email)
