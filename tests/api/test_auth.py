from rest_framework.test import APIClient

from followup.models import Clinician
from tests.support.cast import PASSWORD


def test_it_gives_a_token_for_a_username_and_password(alice: Clinician) -> None:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "alice", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    token = response.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/patients/").status_code == 200


def test_a_wrong_password_is_a_400_with_a_message(alice: Clinician) -> None:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "alice", "password": "nope"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "authorization"
    assert "credentials" in response.json()["message"]


def test_it_throttles_repeated_login_attempts_from_one_address(alice: Clinician) -> None:
    """Guessing across many usernames from one address; one username is locked out sooner
    (``tests/followup/web/test_sign_in.py``)."""
    statuses = [
        APIClient()
        .post("/api/v1/auth/token/", {"username": f"user{i}", "password": "x"}, format="json")
        .status_code
        for i in range(12)
    ]

    assert statuses[:10] == [400] * 10
    assert statuses[10:] == [429, 429]


def test_a_user_without_a_clinic_reaches_nothing(db: None) -> None:
    root = Clinician.objects.create_superuser("root", password=PASSWORD)
    client = APIClient()
    client.force_authenticate(root)

    assert client.get("/api/v1/patients/").status_code == 403
