from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction

from followup.audit import audit_record
from followup.errors import Conflict, ValidationError
from followup.models import Clinic, Clinician, EscalationPolicy, FollowUpPlan
from followup.phones import normalize_clinic_phone, normalize_phone, validate_timezone


@transaction.atomic
def clinic_create(*, name: str, timezone: str | None = None, phone: str = "") -> Clinic:
    """A clinic with the default follow-up plan and escalation policy (SPEC §2, CLINICAL.md).

    ``phone`` is the clinic's own number, which the crisis message gives patients to call.
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
    clinic.save()
    FollowUpPlan.objects.create(clinic=clinic)
    EscalationPolicy.objects.create(clinic=clinic)
    return clinic


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
    from django.contrib.auth.password_validation import validate_password

    username = username.strip()
    if not username:
        raise ValidationError("A username is required.", field="username", code="required")
    if Clinician.objects.filter(username__iexact=username).exists():
        raise Conflict(f"The username '{username}' is taken.", field="username", code="duplicate")
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
