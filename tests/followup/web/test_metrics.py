"""``/metrics`` for Prometheus: off without its token, closed to a wrong one, and what it reports
is what happened: a reply to item 9 read, the page sent through Twilio, the flag acknowledged."""

import datetime as dt
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.test import APIClient

from followup.models import Clinician, Flag, OnCallShift, OutboundMessage, Patient, SafetyDrill
from followup.services.checkin_links import checkin_token_make
from followup.services.dispatch import checkins_dispatch_due
from followup.services.heartbeat import tick_record
from followup.services.sessions import session_record
from tests.support.services import redis_url
from tests.support.sms import NOW, text

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.time_machine(NOW, tick=False)]

TOKEN = "prometheus-scrapes-with-this-token"

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture
def metrics_on(settings: object) -> None:
    settings.METRICS_TOKEN = TOKEN


def scrape(token: str = TOKEN) -> Samples:
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, frozenset(labels.items()))]


def test_it_is_not_there_without_a_token_configured(db: None, settings: object) -> None:
    settings.METRICS_TOKEN = ""

    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404


@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong-token", f"Token {TOKEN}", f"Basic {TOKEN}", "Bearer"]
)
def test_it_refuses_a_scrape_without_the_right_bearer_token(
    metrics_on: None, authorization: str | None
) -> None:
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}

    response = Client().get("/metrics", **headers)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"followup_" not in response.content


def test_it_gives_every_series_with_the_token_and_sets_no_cookie(metrics_on: None) -> None:
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert not response.cookies
    names = {family.name for family in text_string_to_metric_families(response.content.decode())}
    assert names >= {
        "followup_http_request_duration_seconds",
        "followup_queue_depth",
        "followup_dispatch_lag_seconds",
        "followup_page_latency_seconds",
        "followup_pages",
        "followup_open_flags",
        "followup_oldest_open_critical_flag_age_seconds",
        "followup_seconds_since_last_tick",
    }


def test_it_is_not_redirected_to_https_so_prometheus_can_scrape_it_inside(
    metrics_on: None, settings: object
) -> None:
    settings.SECURE_SSL_REDIRECT = True

    assert Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    assert Client().get("/dashboard/").status_code == 301


# The answer-to-page path, end to end ------------------------------------------------------


@pytest.fixture
def bob_on_call(bob: Clinician) -> OnCallShift:
    return OnCallShift.objects.create(
        clinic=bob.clinic,
        clinician=bob,
        level=1,
        starts_at=NOW - dt.timedelta(hours=8),
        ends_at=NOW + dt.timedelta(hours=16),
    )


@pytest.fixture
def at_item_9(twilio: object, celery_inline: list, pat: Patient) -> None:
    """Pat has answered PHQ-9 items 1-8 by SMS; item 9 is the question waiting."""
    with time_machine.travel(NOW - dt.timedelta(hours=25), tick=False):
        session_record(patient=pat, occurred_at=NOW - dt.timedelta(hours=25), treatment="other")
    checkins_dispatch_due()
    for answer in ["0"] * 8:
        text(twilio, pat, answer)


def test_a_reply_to_item_9_shows_as_a_page_sent_and_an_open_critical_flag_until_acknowledged(
    metrics_on: None,
    twilio: object,
    bob_on_call: OnCallShift,
    at_item_9: None,
    pat: Patient,
    bob: Clinician,
    as_bob: APIClient,
) -> None:
    before = scrape()
    assert value(before, "followup_pages_total", outcome="sent") == 0
    assert value(before, "followup_open_flags", priority="critical") == 0

    text(twilio, pat, "2")

    # Bob is paged by SMS and by a call (a critical flag): two pages, both through Twilio.
    assert len(twilio.messages_to(bob.phone)) == 1
    assert len(twilio.calls) == 1
    samples = scrape()
    assert value(samples, "followup_pages_total", outcome="sent") == 2
    assert value(samples, "followup_pages_total", outcome="failed") == 0
    assert value(samples, "followup_pages_total", outcome="acknowledged") == 0
    assert value(samples, "followup_open_flags", priority="critical") == 1
    assert value(samples, "followup_open_flags", priority="high") == 0
    # One flag paged, its first page sent at once (the clock stands still).
    assert value(samples, "followup_page_latency_seconds_count") == 1
    assert value(samples, "followup_page_latency_seconds_bucket", le="1.0") == 1
    assert value(samples, "followup_page_latency_seconds_sum") == 0

    with time_machine.travel(NOW + dt.timedelta(minutes=11), tick=False):
        # Eleven minutes unacknowledged: the alert's threshold (ten) is passed.
        late = scrape()
        assert value(late, "followup_oldest_open_critical_flag_age_seconds") == 660
        flag = Flag.objects.get(patient=pat)
        assert as_bob.post(f"/api/v1/flags/{flag.pk}/acknowledge/").status_code == 200
        after = scrape()

    assert value(after, "followup_pages_total", outcome="acknowledged") == 1
    assert value(after, "followup_open_flags", priority="critical") == 0
    assert value(after, "followup_oldest_open_critical_flag_age_seconds") == 0
    assert value(after, "followup_page_latency_seconds_count") == 1


def test_a_page_twilio_refused_counts_as_failed(metrics_on: None, pat: Patient) -> None:
    flag = Flag.objects.create(
        clinic=pat.clinic, patient=pat, code="F1", reason="suicidal_ideation", priority="critical"
    )
    OutboundMessage.objects.create(
        clinic=pat.clinic,
        flag=flag,
        purpose=OutboundMessage.Purpose.PAGE,
        to="+13125550112",
        body="page",
        idempotency_key="page-1",
        status=OutboundMessage.Status.FAILED,
    )

    samples = scrape()

    assert value(samples, "followup_pages_total", outcome="failed") == 1
    assert value(samples, "followup_pages_total", outcome="sent") == 0
    assert value(samples, "followup_page_latency_seconds_count") == 0


# The pipeline: dispatcher lag, heartbeat, queues ----------------------------------------------


def test_dispatch_lag_is_the_age_of_the_oldest_check_in_still_waiting(
    metrics_on: None, pat: Patient
) -> None:
    # A session 25 hours ago: its +24 h check-in fell due an hour ago and nobody sent it.
    with time_machine.travel(NOW - dt.timedelta(hours=25), tick=False):
        session_record(patient=pat, occurred_at=NOW - dt.timedelta(hours=25), treatment="other")

    assert value(scrape(), "followup_dispatch_lag_seconds") == 3600
    checkins_dispatch_due()
    assert value(scrape(), "followup_dispatch_lag_seconds") == 0


def test_seconds_since_the_last_tick_counts_from_the_heartbeat(metrics_on: None) -> None:
    assert math.isinf(value(scrape(), "followup_seconds_since_last_tick"))
    tick_record()

    with time_machine.travel(NOW + dt.timedelta(seconds=150), tick=False):
        assert value(scrape(), "followup_seconds_since_last_tick") == 150


def test_each_clinic_shows_its_last_finished_safety_drill(metrics_on: None, pat: Patient) -> None:
    clinic = pat.clinic
    assert "followup_safety_drill_last_success" not in {name for name, _ in scrape()}
    hour = dt.timedelta(hours=1)
    for started, status in [(NOW - 3 * hour, "passed"), (NOW - 2 * hour, "failed")]:
        SafetyDrill.objects.create(
            clinic=clinic, started_at=started, finished_at=started + hour / 60, status=status
        )
    # Still running: not a result yet.
    SafetyDrill.objects.create(clinic=clinic, started_at=NOW, status="running")

    samples = scrape()

    last = NOW - 2 * hour + hour / 60
    assert value(samples, "followup_safety_drill_last_success", clinic=str(clinic.pk)) == 0
    assert (
        value(
            samples, "followup_safety_drill_last_finished_timestamp_seconds", clinic=str(clinic.pk)
        )
        == last.timestamp()
    )


@pytest.fixture
def broker_redis(settings: object) -> redis.Redis:
    """A Redis database this test worker owns (its cache's, emptied before each test) as the
    broker, so nothing a real worker consumes is touched."""
    cache = settings.CACHES["default"]
    url = cache["LOCATION"] if cache["BACKEND"].endswith("RedisCache") else redis_url()
    settings.CELERY_BROKER_URL = url
    client = redis.Redis.from_url(url)
    yield client
    client.delete("pages", "celery", "celery\x06\x163")
    client.close()


@pytest.mark.redis
def test_queue_depth_is_read_from_redis_per_queue(
    metrics_on: None, broker_redis: redis.Redis
) -> None:
    broker_redis.delete("pages", "celery", "celery\x06\x163")
    broker_redis.lpush("pages", "a", "b")
    broker_redis.lpush("celery", "c")
    # kombu keeps a message of a higher priority in a list of its own.
    broker_redis.lpush("celery\x06\x163", "d")

    samples = scrape()

    assert value(samples, "followup_queue_depth", queue="pages") == 2
    assert value(samples, "followup_queue_depth", queue="celery") == 2


def test_queue_depth_on_the_embedded_broker_counts_its_message_files(
    metrics_on: None, settings: object, tmp_path: Path
) -> None:
    settings.CELERY_BROKER_URL = "filesystem://localhost//"
    settings.BROKER_DIR = tmp_path
    queue = tmp_path / "queue"
    queue.mkdir()
    for name in ("1_a.pages.msg", "2_b.celery.msg", "3_c.celery.msg"):
        (queue / name).write_text("{}")

    samples = scrape()

    assert value(samples, "followup_queue_depth", queue="pages") == 1
    assert value(samples, "followup_queue_depth", queue="celery") == 2


# Requests: by route, never by path ------------------------------------------------------------


def requests_by_route(samples: Samples) -> dict[tuple[str, str], float]:
    """Requests per (route, method), whatever their status."""
    counts: dict[tuple[str, str], float] = {}
    for (name, labels), count in samples.items():
        if name == "followup_http_request_duration_seconds_count":
            key = (dict(labels)["route"], dict(labels)["method"])
            counts[key] = counts.get(key, 0) + count
    return counts


def test_requests_are_counted_by_their_route_never_their_path(
    metrics_on: None, pat: Patient
) -> None:
    _, check_ins = session_record(
        patient=pat, occurred_at=timezone.now() - dt.timedelta(hours=25), treatment="other"
    )
    token = checkin_token_make(check_ins[0].pk)
    before = scrape()
    key = ("c/<str:token>", "GET")

    Client().get(f"/c/{token}")
    Client().get(f"/api/v1/public/check-ins/{token}/")
    Client().get(f"/no/such/page/{token}")
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    text_ = response.content.decode()
    assert token not in text_
    after = scrape()
    counts, earlier = requests_by_route(after), requests_by_route(before)
    assert counts[key] - earlier.get(key, 0) == 1
    assert any(route.startswith("api/v1/public/check-ins/") for route, _ in counts)
    assert ("metrics", "GET") in counts
    assert counts[("unmatched", "GET")] - earlier.get(("unmatched", "GET"), 0) == 1
    assert settings.METRICS_TOKEN not in text_


# Several gunicorn workers ------------------------------------------------------------------


def test_with_a_multiprocess_folder_it_adds_up_every_workers_requests(
    metrics_on: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Two worker processes, each answering a request, write their counts to the folder; a scrape
    answered by any process reports both."""
    folder = tmp_path / "prometheus"
    folder.mkdir()
    worker = (
        "from followup.web.metrics.http import HTTP_REQUEST_DURATION\n"
        "HTTP_REQUEST_DURATION.labels('GET', 'healthz', '200').observe(0.02)\n"
    )
    for _ in range(2):
        subprocess.run(
            [sys.executable, "-c", worker],
            env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)},
            cwd=settings.BASE_DIR,
            check=True,
            timeout=60,
        )
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))

    samples = scrape()

    count = "followup_http_request_duration_seconds_count"
    assert value(samples, count, method="GET", route="healthz", status="200") == 2
    assert value(samples, "followup_open_flags", priority="critical") == 0
