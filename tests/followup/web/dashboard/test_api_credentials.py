"""The dashboard's pages for API access: a clinician's own tokens (listed without the token,
revocable) and, for clinic admins, the clinic's integration keys (made and shown once,
revocable). Alice is Riverside's admin, Bob a clinician there, Mallory Hillcrest's admin."""

import re
from collections.abc import Callable

import pytest
from django.test import Client
from knox.models import AuthToken

from followup.models import AuditEvent, Clinician, IntegrationKey
from tests.support.cast import client_with, key_for

pytestmark = pytest.mark.django_db

SignedIn = Callable[[Clinician], Client]
KEY = re.compile(r"fuk_[A-Za-z0-9_-]{43}")


def make_key(client: Client, **fields: str):
    data = {"action": "create", "name": "Epic", "scope": "read-write", "valid_days": "90", **fields}
    return client.post("/dashboard/keys/", data)


def test_an_admin_makes_a_key_that_is_shown_once_and_works(
    alice: Clinician, signed_in: SignedIn
) -> None:
    client = signed_in(alice)

    made = make_key(client, name="Epic production", scope="read")

    assert made.status_code == 200
    [key] = KEY.findall(made.content.decode())
    assert "Copy the new key now" in made.content.decode()
    again = client.get("/dashboard/keys/").content.decode()
    assert key not in again
    assert "Epic production" in again
    stored = IntegrationKey.objects.get()
    assert (stored.name, stored.scope, stored.clinic, stored.created_by) == (
        "Epic production",
        "read",
        alice.clinic,
        alice,
    )
    assert (stored.expires_at - stored.created_at).days == 90
    assert key not in {stored.lookup, stored.digest}
    assert client_with(key, "Bearer").get("/api/v1/patients/").status_code == 200
    assert client_with(key).post("/api/v1/patients/", {}, format="json").status_code == 403
    created = AuditEvent.objects.get(action="integration_key.create")
    assert (created.actor, created.object_id) == (alice, str(stored.pk))


def test_a_key_with_bad_fields_is_not_made(alice: Clinician, signed_in: SignedIn) -> None:
    client = signed_in(alice)

    responses = [
        make_key(client, name="  "),
        make_key(client, scope="admin"),
        make_key(client, valid_days="3650"),
    ]

    assert [r.status_code for r in responses] == [400, 400, 400]
    assert "Nothing was saved" in responses[0].content.decode()
    assert not KEY.search(responses[0].content.decode())
    assert not IntegrationKey.objects.exists()


def test_an_admin_revokes_a_key_and_it_stops_working(alice: Clinician, signed_in: SignedIn) -> None:
    key = key_for(alice)
    client = signed_in(alice)

    response = client.post(
        "/dashboard/keys/", {"action": "revoke", "key": IntegrationKey.objects.get().pk}
    )

    assert response.status_code == 302
    assert client_with(key).get("/api/v1/patients/").status_code == 401
    assert "Revoked" in client.get("/dashboard/keys/").content.decode()
    assert AuditEvent.objects.filter(action="integration_key.revoke", actor=alice).count() == 1


def test_another_clinics_admin_neither_sees_nor_revokes_a_key(
    alice: Clinician, mallory: Clinician, signed_in: SignedIn
) -> None:
    key = key_for(alice)
    client = signed_in(mallory)

    page = client.get("/dashboard/keys/").content.decode()
    revoke = client.post(
        "/dashboard/keys/", {"action": "revoke", "key": IntegrationKey.objects.get().pk}
    )

    assert "Epic" not in page
    assert revoke.status_code == 404
    assert client_with(key).get("/api/v1/patients/").status_code == 200


def test_a_clinician_cannot_open_the_keys_page(bob: Clinician, signed_in: SignedIn) -> None:
    client = signed_in(bob)

    assert client.get("/dashboard/keys/").status_code == 403
    assert make_key(client).status_code == 403
    assert not IntegrationKey.objects.exists()


# A clinician's own tokens -----------------------------------------------------------------


def test_a_clinician_sees_their_tokens_without_the_token(
    bob: Clinician, alice: Clinician, signed_in: SignedIn
) -> None:
    _, mine = AuthToken.objects.create(bob)
    AuthToken.objects.create(alice)

    page = signed_in(bob).get("/dashboard/security/api-tokens/")

    assert page.status_code == 200
    text = page.content.decode()
    assert mine not in text
    assert mine[:15] not in text
    assert text.count('name="token"') == 1  # Bob's, not Alice's
    assert page["Cache-Control"].startswith("max-age=0")


def test_a_clinician_revokes_a_token_and_it_stops_working(
    bob: Clinician, signed_in: SignedIn
) -> None:
    row, token = AuthToken.objects.create(bob)
    assert client_with(token).get("/api/v1/patients/").status_code == 200

    response = signed_in(bob).post("/dashboard/security/api-tokens/", {"token": row.digest})

    assert response.status_code == 302
    assert client_with(token).get("/api/v1/patients/").status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=bob).count() == 1


def test_nobody_revokes_another_clinicians_token(
    alice: Clinician, bob: Clinician, signed_in: SignedIn
) -> None:
    row, token = AuthToken.objects.create(alice)

    response = signed_in(bob).post("/dashboard/security/api-tokens/", {"token": row.digest})

    assert response.status_code == 404
    assert client_with(token).get("/api/v1/patients/").status_code == 200
