"""Personal API tokens: issued for a password and a current code from the clinician's
authenticator, stored hashed, new at each call, expiring; and the dashboard's session reaches
the API only with both factors."""

import datetime as dt
import hashlib

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from followup.models import AuditEvent, Clinician, Patient
from tests.support.cast import PASSWORD, client_with
from tests.support.web import authenticator, current_code, web_client

pytestmark = pytest.mark.django_db


def ask(username: str = "alice", password: str = PASSWORD, **otp: str):
    return APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password, **otp}, format="json"
    )


def test_it_gives_a_token_for_the_password_and_a_current_code(alice: Clinician) -> None:
    device = authenticator(alice)

    response = ask(otp=current_code(device))

    assert response.status_code == 200
    token = response.json()["token"]
    assert client_with(token).get("/api/v1/patients/").status_code == 200
    event = AuditEvent.objects.get(action="api_token.issue")
    assert (event.actor, event.detail["second_factor"]) == (alice, True)


def test_it_refuses_a_token_without_a_code(alice: Clinician) -> None:
    authenticator(alice)

    response = ask()

    assert response.status_code == 400
    assert response.json()["code"] == "otp_required"
    assert "code from your authenticator app" in response.json()["message"]
    assert not AuthToken.objects.exists()


def test_it_refuses_a_wrong_code(alice: Clinician) -> None:
    device = authenticator(alice)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"

    response = ask(otp=wrong)

    assert response.status_code == 400
    assert response.json()["code"] == "otp_invalid"
    assert "not right" in response.json()["message"]
    assert not AuthToken.objects.exists()


def test_a_clinician_without_an_authenticator_is_told_to_add_one_first(alice: Clinician) -> None:
    response = ask(otp="123456")

    assert response.status_code == 400
    assert response.json()["code"] == "second_factor_not_set_up"
    assert "authenticator app in the dashboard first" in response.json()["message"]
    assert not AuthToken.objects.exists()


def test_with_debug_on_a_clinician_without_an_authenticator_gets_a_token(
    alice: Clinician, settings: object
) -> None:
    """As in the dashboard (``make run``); whoever has an authenticator must still use it."""
    settings.DASHBOARD_REQUIRE_SECOND_FACTOR = False

    assert ask().status_code == 200
    authenticator(alice)
    assert ask().json()["code"] == "otp_required"


def test_wrong_codes_count_towards_the_lockout(alice: Clinician) -> None:
    device = authenticator(alice)

    failures = [ask(otp="000000" if n % 2 else "").status_code for n in range(5)]
    locked = ask(otp=current_code(device))

    assert failures == [400, 400, 400, 400, 429]  # the fifth locks out, as at the dashboard
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"


def test_a_wrong_password_is_a_400_with_a_message(alice: Clinician) -> None:
    response = ask(password="nope")

    assert response.status_code == 400
    assert response.json()["code"] == "authorization"
    assert "credentials" in response.json()["message"]


def test_it_throttles_repeated_login_attempts_from_one_address(alice: Clinician) -> None:
    """Guessing across many usernames from one address; one username is locked out sooner
    (``tests/followup/web/dashboard/test_sign_in.py``). The clock stands still while they are
    sent: the throttle counts per minute, and a slow machine must not spread them over two."""
    with time_machine.travel(timezone.now(), tick=False):
        statuses = [ask(f"user{i}", "x").status_code for i in range(12)]

    assert statuses[:10] == [400] * 10
    assert statuses[10:] == [429, 429]


def test_each_call_gives_a_new_token_and_stores_only_its_hash(alice: Clinician) -> None:
    device = authenticator(alice)
    first = ask(otp=current_code(device)).json()["token"]
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31)):
        second = ask(otp=current_code(device)).json()["token"]

    assert first != second
    stored = list(AuthToken.objects.values("digest", "token_key"))
    assert len(stored) == 2
    for token in (first, second):
        assert {"digest": hashlib.sha512(token.encode()).hexdigest(), "token_key": token[:15]} in (
            stored
        )
        assert all(token not in row.values() for row in stored)


@pytest.mark.parametrize("scheme", ["Token", "Bearer", "bearer"])
def test_a_token_is_accepted_as_token_or_bearer(alice: Clinician, scheme: str) -> None:
    device = authenticator(alice)
    token = ask(otp=current_code(device)).json()["token"]

    assert client_with(token, scheme).get("/api/v1/patients/").status_code == 200


def test_a_token_expires_after_thirty_days(alice: Clinician) -> None:
    device = authenticator(alice)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        response = ask(otp=current_code(device))
        token = response.json()["token"]
        expires = dt.datetime.fromisoformat(response.json()["expires_at"])
        assert expires == timezone.now() + dt.timedelta(days=30)

        clock.shift(dt.timedelta(days=30) - dt.timedelta(seconds=1))
        assert client_with(token).get("/api/v1/patients/").status_code == 200
        clock.shift(dt.timedelta(seconds=1))
        refused = client_with(token).get("/api/v1/patients/")

    assert refused.status_code == 401
    assert "expired" in refused.json()["message"]


def test_the_lifetime_of_a_token_is_a_setting(alice: Clinician, settings: object) -> None:
    settings.API_TOKEN_TTL_DAYS = 2
    device = authenticator(alice)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        token = ask(otp=current_code(device)).json()["token"]
        clock.shift(dt.timedelta(days=2, seconds=1))

        assert client_with(token).get("/api/v1/patients/").status_code == 401


def test_a_made_up_or_malformed_token_is_a_401(alice: Clinician) -> None:
    for key in ("fup_0123456789abcdef", "not-a-token", "fuk_nope", "ünïcode"):
        response = client_with(key).get("/api/v1/patients/")
        assert response.status_code == 401, key
    assert APIClient().get("/api/v1/patients/", HTTP_AUTHORIZATION="Token a b").status_code == 401


def test_a_user_without_a_clinic_reaches_nothing(db: None) -> None:
    root = Clinician.objects.create_superuser("root", password=PASSWORD)
    client = APIClient()
    client.force_authenticate(root)

    assert client.get("/api/v1/patients/").status_code == 403


# The dashboard's session ------------------------------------------------------------------


def password_only(user: Clinician) -> Client:
    """Signed in with the password, the code never given (the second step not taken)."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/patients/"),
        ("get", "/api/v1/flags/"),
        ("get", "/api/v1/responses/"),
        ("get", "/api/v1/check-ins/"),
        ("get", "/api/v1/follow-up-plan/"),
        ("get", "/api/v1/instruments/"),
        ("patch", "/api/v1/patients/{pat}/"),
    ],
)
def test_a_password_only_session_gets_403_from_the_api(
    bob: Clinician, pat: Patient, method: str, path: str
) -> None:
    authenticator(bob)
    client = password_only(bob)

    response = getattr(client, method)(
        path.format(pat=pat.pk), {"first_name": "X"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_required"
    pat.refresh_from_db()
    assert pat.first_name == "Pat"


def test_a_session_without_an_authenticator_gets_403_too(bob: Clinician) -> None:
    assert password_only(bob).get("/api/v1/patients/").status_code == 403


def test_a_session_with_both_factors_reaches_the_api(bob: Clinician, pat: Patient) -> None:
    response = web_client(bob).get("/api/v1/patients/")

    assert response.status_code == 200
    assert response.json()["count"] == 1
