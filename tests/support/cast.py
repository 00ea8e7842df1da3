"""What the cast in ``tests/conftest.py`` shares with the tests that sign in as them."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from followup.models import Clinician

PASSWORD = "correct horse battery staple"


def client_for(user: Clinician) -> APIClient:
    """An API client signed in as ``user`` with a token."""
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client
