"""`createclinic`: a new clinic, its first admin and a working API token."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from followup.models import Clinic, Clinician


def test_createclinic_makes_a_clinic_an_admin_and_prints_a_working_token(db: None) -> None:
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

    token = out.getvalue().strip().splitlines()[-1]
    clinic = Clinic.objects.get(name="Lakeside Clinic")
    assert clinic.timezone == "America/Denver"
    assert clinic.follow_up_plan.expire_after_hours == 72
    assert [level["level"] for level in clinic.escalation_policy.levels] == [1, 2, 3]
    admin = Clinician.objects.get(username="lena")
    assert (admin.clinic, admin.role) == (clinic, "admin")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/follow-up-plan/").json()["steps"][0]["offset_hours"] == 24


GOOD = ["--admin", "lena", "--password", "a long enough passphrase"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Lakeside", *GOOD, "--timezone", "Atlantis/Deep"], "not an IANA time zone"),
        (["Lakeside", "--admin", "lena", "--password", "123"], "too short"),
        (["  ", *GOOD], "needs a name"),
    ],
)
def test_createclinic_refuses_bad_input_and_creates_nothing(
    db: None, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("createclinic", *args, stdout=io.StringIO())

    assert not Clinic.objects.exists()
    assert not Clinician.objects.exists()
