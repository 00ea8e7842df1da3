"""Signing in to the dashboard: a password, then a code from an authenticator app; failed
attempts lock out; a session left alone signs out; signing out ends the session."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from followup.models import AuditEvent, Clinician
from tests.support.cast import PASSWORD
from tests.support.web import authenticator, current_code, web_client

pytestmark = pytest.mark.django_db


def sign_in_with_password(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post("/dashboard/login/", {"username": username, "password": password, **extra})


def test_it_asks_for_the_code_after_the_password_and_signs_in_with_it(bob: Clinician) -> None:
    device = authenticator(bob)
    client = Client()

    after_password = sign_in_with_password(client, "bob")
    still_out = client.get("/dashboard/")
    after_code = client.post("/dashboard/login/code/", {"code": current_code(device)})
    inside = client.get("/dashboard/")

    assert after_password.status_code == 302
    assert urlsplit(after_password["Location"]).path == "/dashboard/login/code/"
    assert still_out.status_code == 302  # the password alone signs nobody in
    assert urlsplit(still_out["Location"]).path == "/dashboard/login/"
    assert after_code.status_code == 302
    assert after_code["Location"] == "/dashboard/"
    assert inside.status_code == 200
    assert AuditEvent.objects.filter(actor=bob, action="clinician.sign_in").count() == 1


def test_it_refuses_a_wrong_code(bob: Clinician) -> None:
    device = authenticator(bob)
    client = Client()
    sign_in_with_password(client, "bob")
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"

    response = client.post("/dashboard/login/code/", {"code": wrong})

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get("/dashboard/").status_code == 302


def test_it_wants_the_code_within_five_minutes_of_the_password(bob: Clinician) -> None:
    device = authenticator(bob)
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in_with_password(client, "bob")
        clock.shift(dt.timedelta(minutes=6))

        response = client.post("/dashboard/login/code/", {"code": current_code(device)})

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/dashboard/login/"
    assert client.get("/dashboard/").status_code == 302


def test_it_goes_back_where_the_clinician_was_going_but_never_off_site(bob: Clinician) -> None:
    device = authenticator(bob)

    def sign_in(next_url: str) -> str:
        client = Client()
        sign_in_with_password(client, "bob", next=next_url)
        return client.post(
            f"/dashboard/login/code/?next={next_url}", {"code": current_code(device)}
        )["Location"]

    assert sign_in("/dashboard/patients/") == "/dashboard/patients/"
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # the same code again, for test
    assert sign_in("https://evil.example/") == "/dashboard/"


def test_a_clinician_without_an_authenticator_must_add_one_first(bob: Clinician) -> None:
    client = Client()

    after_password = sign_in_with_password(client, "bob")
    blocked = client.get("/dashboard/")
    setup = client.get("/dashboard/security/authenticator/")
    device = TOTPDevice.objects.get(user=bob, confirmed=False)
    added = client.post("/dashboard/security/authenticator/", {"code": current_code(device)})
    inside = client.get("/dashboard/")

    assert urlsplit(after_password["Location"]).path == "/dashboard/security/authenticator/"
    assert urlsplit(blocked["Location"]).path == "/dashboard/security/authenticator/"
    assert setup.status_code == 200
    assert "<svg" in setup.content.decode()  # the QR code, drawn here, not by a web service
    assert added.status_code == 302
    assert TOTPDevice.objects.get(user=bob).confirmed
    assert inside.status_code == 200


def test_with_debug_on_a_clinician_without_an_authenticator_may_go_on(
    bob: Clinician, settings: object
) -> None:
    settings.DASHBOARD_REQUIRE_SECOND_FACTOR = False
    client = Client()

    sign_in_with_password(client, "bob")

    assert client.get("/dashboard/").status_code == 200


def test_with_debug_on_an_authenticator_once_added_is_still_required(
    bob: Clinician, settings: object
) -> None:
    settings.DASHBOARD_REQUIRE_SECOND_FACTOR = False
    authenticator(bob)
    client = Client()

    response = sign_in_with_password(client, "bob")

    assert urlsplit(response["Location"]).path == "/dashboard/login/code/"
    assert client.get("/dashboard/").status_code == 302


def test_it_locks_a_username_out_after_five_failed_passwords(bob: Clinician) -> None:
    client = Client()
    failures = [sign_in_with_password(client, "bob", "wrong").status_code for _ in range(5)]

    locked = sign_in_with_password(client, "bob")

    assert failures == [200, 200, 200, 200, 429]
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert client.get("/dashboard/").status_code == 302


def test_the_api_token_login_shares_the_lockout(bob: Clinician) -> None:
    client = Client()
    for _ in range(5):
        sign_in_with_password(client, "bob", "wrong")

    response = client.post(
        "/api/v1/auth/token/",
        {"username": "bob", "password": PASSWORD},
        content_type="application/json",
    )

    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"


def test_the_lockout_ends_after_fifteen_minutes(bob: Clinician) -> None:
    device = authenticator(bob)
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(5):
            sign_in_with_password(client, "bob", "wrong")
        clock.shift(dt.timedelta(minutes=16))

        response = sign_in_with_password(client, "bob")
        client.post("/dashboard/login/code/", {"code": current_code(device)})

        assert response.status_code == 302
        assert client.get("/dashboard/").status_code == 200


def test_signing_out_ends_the_session_on_the_server(bob: Clinician) -> None:
    client = web_client(bob)
    session_key = client.session.session_key

    response = client.post("/dashboard/logout/")

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=session_key).exists()
    assert client.get("/dashboard/").status_code == 302
    assert AuditEvent.objects.filter(actor=bob, action="clinician.sign_out").exists()


def test_signing_out_is_a_post(bob: Clinician) -> None:
    client = web_client(bob)

    assert client.get("/dashboard/logout/").status_code == 405
    assert client.get("/dashboard/").status_code == 200


def test_it_signs_out_after_fifteen_idle_minutes(bob: Clinician) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = web_client(bob)
        clock.shift(dt.timedelta(minutes=16))

        response = client.get("/dashboard/patients/")
        again = client.get("/dashboard/")

    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == "/dashboard/login/"
    assert parse_qs(target.query)["next"] == ["/dashboard/patients/"]
    assert again.status_code == 302
    assert "without activity" in client.get("/dashboard/login/").content.decode()


def test_a_click_keeps_the_session_but_the_queue_refreshing_itself_does_not(
    bob: Clinician,
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        busy, idle = web_client(bob), web_client(bob)
        clock.shift(dt.timedelta(minutes=10))
        busy.get("/dashboard/patients/")
        idle.get("/dashboard/queue/rows/", HTTP_X_FOLLOWUP_POLL="1", HTTP_HX_REQUEST="true")
        clock.shift(dt.timedelta(minutes=10))

        assert busy.get("/dashboard/").status_code == 200
        refresh = idle.get(
            "/dashboard/queue/rows/", HTTP_X_FOLLOWUP_POLL="1", HTTP_HX_REQUEST="true"
        )

    # htmx follows HX-Redirect with a full page load: the screen stops showing the queue.
    assert refresh.status_code == 401
    assert urlsplit(refresh["HX-Redirect"]).path == "/dashboard/login/"


def test_a_person_typing_a_long_note_keeps_the_session(bob: Clinician) -> None:
    """The page posts a keep-alive while someone types (dashboard.js); that is activity."""
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = web_client(bob)
        clock.shift(dt.timedelta(minutes=10))
        kept = client.post("/dashboard/session/activity/")
        clock.shift(dt.timedelta(minutes=10))

        assert kept.status_code == 204
        assert client.get("/dashboard/").status_code == 200


def test_the_keep_alive_cannot_revive_an_idle_session(bob: Clinician) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = web_client(bob)
        clock.shift(dt.timedelta(minutes=16))

        assert client.post("/dashboard/session/activity/").status_code == 302
        assert client.get("/dashboard/").status_code == 302


def test_the_admin_site_signs_in_through_the_dashboard(alice: Clinician) -> None:
    response = Client().get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/login/?next=/admin/"


def test_the_admin_site_wants_the_second_factor_too(alice: Clinician) -> None:
    authenticator(alice)
    password_only = Client()
    password_only.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")

    assert password_only.get("/admin/").status_code == 302
    assert web_client(alice).get("/admin/").status_code == 200


def test_an_account_of_no_clinic_is_told_the_dashboard_is_for_clinicians(db: None) -> None:
    operator = Clinician.objects.create_superuser("ops", password=PASSWORD)
    client = Client()
    client.force_login(operator, backend="django.contrib.auth.backends.ModelBackend")

    response = client.get("/dashboard/")

    assert response.status_code == 403


def test_a_page_that_is_not_there_says_so_in_the_dashboard_layout(mallory: Clinician) -> None:
    response = web_client(mallory).get("/dashboard/patients/999999/")

    assert response.status_code == 404
    assert "<title>Not found" in response.content.decode()


def test_a_wrong_password_is_an_audit_event_without_the_password(bob: Clinician) -> None:
    response = sign_in_with_password(Client(REMOTE_ADDR="10.9.8.7"), "bob", "not the password")

    assert response.status_code == 200
    event = AuditEvent.objects.get(action="clinician.sign_in_failed")
    assert (event.actor, event.clinic_id, event.ip_address) == (bob, bob.clinic_id, "10.9.8.7")
    assert event.detail == {"step": "password", "username": "bob", "locked_out": False}
    assert "not the password" not in str(event.detail)


def test_a_sign_in_as_nobody_is_recorded_with_the_name_tried(db: None) -> None:
    sign_in_with_password(Client(), "nobody-here", "guess")

    event = AuditEvent.objects.get(action="clinician.sign_in_failed")
    assert event.actor is None
    assert event.detail["username"] == "nobody-here"


def test_a_wrong_code_is_an_audit_event(bob: Clinician) -> None:
    device = authenticator(bob)
    client = Client()
    sign_in_with_password(client, "bob")
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"

    client.post("/dashboard/login/code/", {"code": wrong})

    event = AuditEvent.objects.get(action="clinician.sign_in_failed")
    assert event.actor == bob
    assert event.detail["step"] == "code"
    assert wrong not in str(event.detail)
    assert not AuditEvent.objects.filter(action="clinician.sign_in").exists()


def test_sign_ins_refused_by_the_lockout_are_recorded_as_such(bob: Clinician) -> None:
    client = Client()
    for _ in range(6):
        sign_in_with_password(client, "bob", "wrong")

    events = AuditEvent.objects.filter(action="clinician.sign_in_failed").order_by("seq")
    assert events.count() == 6
    assert [e.detail["locked_out"] for e in events][-1] is True
