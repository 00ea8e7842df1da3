"""The cast's extra member on the admin pages."""

import pytest

from followup.models import Clinic, Clinician
from followup.services.clinics import clinician_create
from tests.support.cast import PASSWORD


@pytest.fixture
def charlie(clinic: Clinic) -> Clinician:
    """A Riverside clinician without a phone number: cannot be paged."""
    return clinician_create(
        clinic=clinic, username="charlie", password=PASSWORD, first_name="Charlie", last_name="Day"
    )
