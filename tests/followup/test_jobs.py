"""A broker that is down costs a webhook one failed enqueue, not one per task: the rest are left
to the sweep at once, so a text that pages (several tasks) is still answered in time."""

import pytest
from django.db import transaction

from config.celery import app
from followup import jobs

pytestmark = pytest.mark.django_db(transaction=True)


def test_after_one_failed_enqueue_the_next_ones_are_left_to_the_sweep_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(jobs, "_broker_down_until", 0.0)
    attempts: list[str] = []

    def broker_down(name: str, **_: object) -> None:
        attempts.append(name)
        raise ConnectionRefusedError("the broker is down")

    monkeypatch.setattr(app, "send_task", broker_down)

    with transaction.atomic():
        jobs.enqueue("followup.handle_inbound", 1)
        jobs.enqueue("followup.send_message", 2, queue="pages")
        jobs.enqueue("followup.send_message", 3, queue="pages")

    assert attempts == ["followup.handle_inbound"]

    monkeypatch.setattr(jobs, "_broker_down_until", 0.0)  # the window has passed
    with transaction.atomic():
        jobs.enqueue("followup.send_message", 4, queue="pages")

    assert attempts == ["followup.handle_inbound", "followup.send_message"]
