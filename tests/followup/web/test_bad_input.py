"""Every form of the dashboard, the dev phone and the sign-in, each field in turn given
characters PostgreSQL cannot store: a clear 4xx or the text kept without them, never a 500."""

import pytest
from django.test import Client

from followup.models import Clinician, Flag
from tests.support.web import post_forms_of, web_client

# A form posts bytes: a lone surrogate cannot be sent (it arrives as U+FFFD); NUL can.
UNSTORABLE = ["1\x00", "\x00"]


def _probe(client: Client, page: str) -> list[str]:
    """The server errors met posting each form of ``page`` with each field made bad."""
    response = client.get(page)
    assert response.status_code == 200, page
    errors = []
    forms = post_forms_of(response.content.decode(), page)
    assert forms, page
    for form in forms:
        for name in form.fields:
            if name == "csrfmiddlewaretoken":
                continue
            for value in UNSTORABLE:
                answer = client.post(form.action, {**form.fields, name: value})
                if answer.status_code >= 500:
                    errors.append(f"{form.action} {name}={value!r}: {answer.status_code}")
    return errors


@pytest.mark.usefixtures("dev_mode")
def test_no_dashboard_form_fails_on_characters_postgresql_cannot_store(
    alice: Clinician, paged_flag: Flag
) -> None:
    client = web_client(alice)
    client.raise_request_exception = False
    pages = [
        "/dashboard/",
        f"/dashboard/flags/{paged_flag.pk}/",
        "/dashboard/patients/",
        f"/dashboard/patients/{paged_flag.patient_id}/",
        "/dashboard/rota/",
        "/dashboard/policy/",
        "/dashboard/plan/",
        f"/dev/phone/{paged_flag.patient_id}/",
    ]

    errors = [error for page in pages for error in _probe(client, page)]

    assert errors == []


def test_the_sign_in_does_not_fail_on_them(bob: Clinician) -> None:
    client = Client()
    client.raise_request_exception = False

    assert _probe(client, "/dashboard/login/") == []
