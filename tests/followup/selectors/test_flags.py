"""The order flags are shown in, the same for the API's list and the dashboard's queue: most
urgent first, then oldest, then by id (SPEC §2 step 7)."""

import pytest
from rest_framework.test import APIClient

from followup.models import Clinic, Clinician, Flag
from followup.selectors.flags import PRIORITY_OF_RANK, PRIORITY_RANK, flags_by_urgency
from tests.support.flags import ANXIETY, CRISIS, SI, WORSE, make_patient, raise_flag

pytestmark = pytest.mark.django_db


def test_it_orders_by_priority_then_age(clinic: Clinic) -> None:
    moderate_old = raise_flag(make_patient(clinic, 1), WORSE, minutes_ago=90)
    high = raise_flag(make_patient(clinic, 2), ANXIETY, minutes_ago=60)
    critical_new = raise_flag(make_patient(clinic, 3), SI, minutes_ago=1)
    critical_old = raise_flag(make_patient(clinic, 4), CRISIS, minutes_ago=30)

    ordered = list(flags_by_urgency(Flag.objects.filter(clinic=clinic)))

    assert ordered == [critical_old, critical_new, high, moderate_old]


def test_the_api_lists_flags_in_the_queue_order(clinic: Clinic, alice: Clinician) -> None:
    raise_flag(make_patient(clinic, 1), WORSE, minutes_ago=90)
    raise_flag(make_patient(clinic, 2), SI, minutes_ago=5)
    raise_flag(make_patient(clinic, 3), ANXIETY, minutes_ago=45)
    client = APIClient()
    client.force_authenticate(alice)

    listed = client.get("/api/v1/flags/").json()["results"]

    assert [row["priority"] for row in listed] == ["critical", "high", "moderate"]


def test_every_priority_has_a_rank_and_back() -> None:
    assert set(PRIORITY_RANK) == set(Flag.Priority.values)
    assert {PRIORITY_OF_RANK[rank] for rank in PRIORITY_RANK.values()} == set(PRIORITY_RANK)
