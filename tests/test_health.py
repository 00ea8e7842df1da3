import os
import socket
from pathlib import Path

import pytest
from django.test import Client, override_settings

REAL_REDIS = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@override_settings(CELERY_BROKER_URL=REAL_REDIS)
def test_it_is_healthy_when_the_database_and_redis_answer(db: None) -> None:
    response = Client().get("/healthz")

    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == {"database": True, "broker": True}


def test_it_is_healthy_on_the_embedded_broker(db: None, settings: object, tmp_path: Path) -> None:
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.BROKER_DIR = tmp_path
    (tmp_path / "queue").mkdir()

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
    assert response.json()["checks"] == {"database": True, "broker": False}


@pytest.mark.django_db
def test_it_is_unavailable_when_the_database_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db.backends.utils import CursorWrapper

    def refuse(*args: object, **kwargs: object) -> None:
        raise ConnectionError("database went away")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)

    response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] is False
