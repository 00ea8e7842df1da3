import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from followup.models import IdempotencyKey, Patient
from tasks.idempotency import purge_idempotency_keys

NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.time_machine(NOW, tick=False)


def test_the_hourly_purge_forgets_only_keys_past_their_24_hours(
    as_alice: APIClient, pat: Patient
) -> None:
    def rename(name: str, key: str) -> None:
        response = as_alice.patch(
            f"/api/v1/patients/{pat.pk}/",
            {"first_name": name},
            format="json",
            HTTP_IDEMPOTENCY_KEY=key,
        )
        assert response.status_code == 200

    rename("Patty", "old")
    with time_machine.travel(NOW + dt.timedelta(hours=12), tick=False):
        rename("Patricia", "new")

    with time_machine.travel(NOW + dt.timedelta(hours=24), tick=False):
        assert purge_idempotency_keys() == 1

    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
