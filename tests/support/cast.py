"""What the cast in ``tests/conftest.py`` shares with the tests that sign in as them."""

from knox.models import AuthToken
from rest_framework.test import APIClient

from followup.models import Clinician
from followup.services.credentials import integration_key_create

PASSWORD = "correct horse battery staple"


def client_for(user: Clinician) -> APIClient:
    """An API client signed in as ``user`` with a personal token."""
    client = APIClient()
    _, token = AuthToken.objects.create(user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def key_for(admin: Clinician, scope: str = "read-write", valid_days: int = 365) -> str:
    """A new integration key of ``admin``'s clinic, made by ``admin``."""
    _, key = integration_key_create(
        clinic=admin.clinic, actor=admin, name="Epic", scope=scope, valid_days=valid_days
    )
    return key


def client_with(key: str, scheme: str = "Token") -> APIClient:
    """An API client that sends ``key`` (a personal token or an integration key)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{scheme} {key}")
    return client
