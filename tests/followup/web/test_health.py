import datetime as dt
import socket
from pathlib import Path

import pytest
import time_machine
from django.test import Client, override_settings

from followup.services.heartbeat import tick_record
from tests.support.services import redis_url

REAL_REDIS = redis_url()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.redis
@override_settings(CELERY_BROKER_URL=REAL_REDIS)
def test_it_is_healthy_when_the_database_redis_and_the_scheduler_answer(db: None) -> None:
    tick_record()

    response = Client().get("/healthz")

    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == {"database": True, "broker": True, "scheduler": True}


def test_it_is_healthy_on_the_embedded_broker(db: None, settings: object, tmp_path: Path) -> None:
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.BROKER_DIR = tmp_path
    (tmp_path / "queue").mkdir()
    tick_record()

    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_it_is_unavailable_when_the_embedded_broker_folder_is_gone(
    db: None, settings: object, tmp_path: Path
) -> None:
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.BROKER_DIR = tmp_path / "missing"

    response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["broker"] is False


def test_it_is_unavailable_when_redis_is_down(db: None) -> None:
    with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{_closed_port()}/0"):
        response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["broker"] is False


@pytest.mark.django_db
def test_it_is_unavailable_when_the_database_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db.backends.utils import CursorWrapper

    def refuse(*args: object, **kwargs: object) -> None:
        raise ConnectionError("database went away")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    tick_record()

    response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] is False


@pytest.mark.redis
@override_settings(CELERY_BROKER_URL=REAL_REDIS)
def test_it_is_unavailable_when_the_dispatcher_has_not_ticked_for_a_minute(db: None) -> None:
    now = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(now, tick=False):
        tick_record()
    with time_machine.travel(now + dt.timedelta(seconds=59), tick=False):
        fresh = Client().get("/healthz")
    with time_machine.travel(now + dt.timedelta(seconds=61), tick=False):
        stale = Client().get("/healthz")

    assert fresh.status_code == 200
    assert stale.status_code == 503
    assert stale.json()["checks"]["scheduler"] is False
    assert stale.json()["scheduler_last_tick"] == now.isoformat()


@pytest.mark.redis
@override_settings(CELERY_BROKER_URL=REAL_REDIS)
def test_a_scheduler_that_never_ticked_has_a_minute_to_start(db: None) -> None:
    now = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(now, tick=False):
        starting = Client().get("/healthz")
    with time_machine.travel(now + dt.timedelta(seconds=90), tick=False):
        never = Client().get("/healthz")

    assert starting.status_code == 200
    assert never.status_code == 503
