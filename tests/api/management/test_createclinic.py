"""`createclinic`: a new clinic, its first admin and a working integration key."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from followup.models import AuditEvent, Clinic, Clinician, IntegrationKey


@pytest.mark.parametrize("scheme", ["Token", "Bearer"])
def test_createclinic_makes_a_clinic_an_admin_and_prints_a_working_key(
    db: None, scheme: str
) -> None:
    out = io.StringIO()

    call_command(
        "createclinic",
        "Lakeside Clinic",
        "--admin",
        "lena",
        "--password",
        "a long enough passphrase",
        "--timezone",
        "America/Denver",
        stdout=out,
    )

    key = out.getvalue().strip().splitlines()[-1]
    clinic = Clinic.objects.get(name="Lakeside Clinic")
    assert clinic.timezone == "America/Denver"
    assert clinic.follow_up_plan.expire_after_hours == 72
    assert [level["level"] for level in clinic.escalation_policy.levels] == [1, 2, 3]
    admin = Clinician.objects.get(username="lena")
    assert (admin.clinic, admin.role) == (clinic, "admin")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{scheme} {key}")
    assert client.get("/api/v1/follow-up-plan/").json()["steps"][0]["offset_hours"] == 24
    stored = IntegrationKey.objects.get(clinic=clinic)
    assert (stored.scope, stored.created_by) == ("read-write", admin)
    assert key not in {stored.lookup, stored.digest}
    assert AuditEvent.objects.filter(action="integration_key.use", clinic=clinic).count() == 1
    created = AuditEvent.objects.get(action="clinician.create", object_id=str(admin.pk))
    assert (created.actor, created.clinic, created.detail) == (None, clinic, {"role": "admin"})


GOOD = ["--admin", "lena", "--password", "a long enough passphrase"]


def test_createclinic_sets_the_clinics_number_and_the_admins_email(db: None) -> None:
    call_command(
        "createclinic",
        "Lakeside Clinic",
        *GOOD,
        "--phone",
        "(312) 555-0142",
        "--email",
        "Lena@Lakeside.Example",
        stdout=io.StringIO(),
    )

    assert Clinic.objects.get(name="Lakeside Clinic").phone == "+13125550142"
    assert Clinician.objects.get(username="lena").email == "Lena@lakeside.example"


def test_createclinic_takes_a_landline_or_toll_free_number_for_the_clinic(db: None) -> None:
    """Patients call the clinic's number; nobody texts it, so it need not be a mobile."""
    call_command(
        "createclinic", "Lakeside", *GOOD, "--phone", "+442079460000", stdout=io.StringIO()
    )

    assert Clinic.objects.get().phone == "+442079460000"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Lakeside", *GOOD, "--timezone", "Atlantis/Deep"], "not an IANA time zone"),
        (["Lakeside", "--admin", "lena", "--password", "123"], "too short"),
        (["  ", *GOOD], "needs a name"),
        (["Lakeside", *GOOD, "--phone", "555-0142"], "not a valid phone number"),
        (["Lakeside", *GOOD, "--phone", "+19005550100"], "premium-rate"),
        (["Lakeside", *GOOD, "--email", "lena@"], "not an email address"),
    ],
)
def test_createclinic_refuses_bad_input_and_creates_nothing(
    db: None, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("createclinic", *args, stdout=io.StringIO())

    assert not Clinic.objects.exists()
    assert not Clinician.objects.exists()
