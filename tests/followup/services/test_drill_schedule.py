"""The daily safety drill: the scheduler's tick starts one for each clinic whose drill time has
passed today in its own zone, once a day; /healthz shows each clinic's last result."""

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client

import tasks  # noqa: F401 - registers the tasks
from config.celery import app
from followup.job_names import Job
from followup.models import Clinic, Clinician, Flag, SafetyDrill
from followup.selectors.drills import drills_last_finished
from followup.services.heartbeat import tick_record
from tests.support.web import web_client

pytestmark = pytest.mark.django_db(transaction=True)
CHICAGO = dt.timezone(dt.timedelta(hours=-6))  # CST, November


def at(hour: int, minute: int, day: int = 26) -> dt.datetime:
    """A Chicago wall-clock time of late November 2026, in UTC."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=CHICAGO).astimezone(dt.UTC)


def tick() -> int:
    """The beat's tick, as a worker runs it."""
    return app.tasks[Job.SAFETY_DRILLS].apply(throw=True).get()


@pytest.fixture
def drills_at_nine(clinic: Clinic, alice: Clinician, settings: object, twilio: object) -> Clinic:
    settings.SAFETY_DRILL_TIMEOUT_SECONDS = 1
    clinic.drill_at = dt.time(9, 0)
    clinic.save(update_fields=["drill_at"])
    return clinic


def test_the_beat_runs_the_drill_tick_every_few_minutes(settings: object) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["safety-drills"]

    assert entry["task"] == Job.SAFETY_DRILLS == "followup.safety_drills"
    assert entry["schedule"] <= 600


@pytest.mark.time_machine(dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC), tick=False)
def test_it_drills_once_a_day_once_the_clinics_drill_time_has_passed(
    drills_at_nine: Clinic, celery_inline: list, time_machine: object
) -> None:
    for now, started in [
        (at(8, 59), 0),
        (at(9, 1), 1),
        (at(9, 6), 0),
        (at(23, 55), 0),
        (at(9, 2, day=27), 1),
    ]:
        time_machine.move_to(now, tick=False)
        assert tick() == started, now

    drills = SafetyDrill.objects.order_by("started_at")
    assert [d.started_at for d in drills] == [at(9, 1), at(9, 2, day=27)]
    assert all(d.finished_at is not None and d.steps for d in drills)
    # Nobody is on call (only Alice, an admin): each drill failed at the page, and left nothing.
    assert {d.failure_reason.split(":")[0] for d in drills} == {"on_call_paged"}
    assert not Flag.objects.filter(status__in=Flag.UNRESOLVED).exists()


@pytest.mark.time_machine(dt.datetime(2026, 11, 26, 18, 0, tzinfo=dt.UTC), tick=False)
def test_a_clinic_without_a_drill_time_is_not_drilled(
    clinic: Clinic, mallory: Clinician, celery_inline: list
) -> None:
    assert tick() == 0
    assert not SafetyDrill.objects.exists()


def test_healthz_shows_each_clinics_last_drill_and_stays_healthy_when_it_failed(
    clinic: Clinic, settings: object, tmp_path: Path
) -> None:
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.BROKER_DIR = tmp_path
    (tmp_path / "queue").mkdir()
    tick_record()
    SafetyDrill.objects.create(
        clinic=clinic, started_at=at(9, 0), finished_at=at(9, 1), status="passed"
    )
    SafetyDrill.objects.create(
        clinic=clinic, started_at=at(9, 0, 27), finished_at=at(9, 1, 27), status="failed"
    )
    SafetyDrill.objects.create(clinic=clinic, started_at=at(9, 0, 28))  # still running

    response = Client().get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["safety_drills"] == {
        str(clinic.pk): {"status": "failed", "finished_at": at(9, 1, 27).isoformat()}
    }
    assert drills_last_finished() == [(clinic.pk, "failed", at(9, 1, 27))]


def test_an_operator_sets_the_clinics_drill_time_in_the_admin(clinic: Clinic) -> None:
    operator = Clinician.objects.create_superuser("ops", password="a long enough passphrase")
    client = web_client(operator)
    path = f"/admin/followup/clinic/{clinic.pk}/change/"

    assert 'name="drill_at"' in client.get(path).content.decode()
    saved = client.post(path, {"phone": "", "sms_number": "", "drill_at": "09:30"})

    assert saved.status_code == 302
    clinic.refresh_from_db()
    assert clinic.drill_at == dt.time(9, 30)
