"""Nothing lost, nothing sent twice, with real processes: a worker killed mid-send, and Redis
stopped while a patient answers (SPEC §3); and a worker that keeps its database connection."""

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
from django.db import connection
from django.utils import timezone

from followup.models import Clinic, InboundMessage, Patient, Response
from followup.services.patients import patient_create
from followup.services.sessions import session_record
from testkit.stack import Stack, daytime_zone
from testkit.twilio_server import FakeTwilio, signed_post_headers

pytestmark = [
    pytest.mark.processes,
    pytest.mark.redis_server,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    with FakeTwilio() as server:
        yield server


@pytest.fixture
def stack(tmp_path: Path, fake_twilio: FakeTwilio) -> Iterator[Stack]:
    running = Stack(tmp_path, fake_twilio)
    running.start_redis()
    try:
        yield running
    finally:
        running.stop_all()


def enrol(clinic: Clinic, count: int) -> list[Patient]:
    zone = daytime_zone()
    patients = []
    for n in range(count):
        patient = patient_create(
            clinic=clinic,
            first_name=f"P{n}",
            last_name="Test",
            phone=f"+1312555{1000 + n:04d}",
            timezone=zone,
            sms_consent=True,
        )
        session_record(
            patient=patient,
            occurred_at=timezone.now() - dt.timedelta(hours=25),
            treatment="iv_ketamine",
        )
        patients.append(patient)
    return patients


def first_questions(twilio: FakeTwilio) -> Counter:
    return Counter(m.params["To"] for m in twilio.messages if "1/16 " in m.params["Body"])


def test_a_worker_killed_mid_send_leaves_each_patient_exactly_one_first_question(
    clinic: Clinic, stack: Stack, fake_twilio: FakeTwilio
) -> None:
    patients = enrol(clinic, 50)
    fake_twilio.delay_seconds = 0.05  # slow enough to be caught mid-batch
    fake_twilio.status_callbacks_enabled = True
    stack.start_web()
    stack.start_worker()
    stack.start_beat()

    stack.wait(lambda: len(fake_twilio.messages) >= 10, "the first sends")
    stack.kill("worker")
    sent_before_restart = len(fake_twilio.messages)
    stack.start_worker()

    stack.wait(lambda: len(first_questions(fake_twilio)) == 50, "every patient asked", 120)
    # A few more ticks: anything that would be sent twice would be sent by now.
    stack.wait(lambda: False or _settled(fake_twilio), "quiet", 30)

    counts = first_questions(fake_twilio)
    assert sent_before_restart < 50
    assert sorted(counts) == sorted(p.phone for p in patients)
    assert set(counts.values()) == {1}, {k: v for k, v in counts.items() if v != 1}


def _settled(twilio: FakeTwilio, quiet_for: float = 8.0) -> bool:
    import time

    last = max((r.at for r in twilio.requests), default=0)
    return time.time() - last > quiet_for


_sids = itertools.count(1)


def _text(stack: Stack, twilio: FakeTwilio, patient: Patient, body: str) -> int:
    params = {
        "MessageSid": f"SM{next(_sids):032x}",
        "AccountSid": twilio.account_sid,
        "From": patient.phone,
        "To": "+13125550100",
        "Body": body,
    }
    url = stack.web_url + "/twilio/sms/"
    headers = signed_post_headers(
        twilio.auth_token, stack.env["PUBLIC_BASE_URL"] + "/twilio/sms/", params
    )
    request = Request(url, data=urlencode(params).encode(), headers=headers, method="POST")  # noqa: S310
    with urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status


def test_with_redis_stopped_an_answer_is_stored_and_handled_once_it_returns(
    clinic: Clinic, stack: Stack, fake_twilio: FakeTwilio
) -> None:
    (patient,) = enrol(clinic, 1)
    stack.start_web()
    stack.start_worker()
    stack.start_beat()
    stack.wait(lambda: len(fake_twilio.messages_to(patient.phone)) == 1, "the first question")

    stack.kill("redis")
    status = _text(stack, fake_twilio, patient, "2")

    assert status == 200
    stored = InboundMessage.objects.get()
    assert (stored.body, stored.status) == ("2", "received")

    stack.start_redis()
    stack.wait(lambda: len(fake_twilio.messages_to(patient.phone)) == 2, "the second question", 90)
    assert (
        "2/16 Feeling down, depressed, or hopeless"
        in (fake_twilio.messages_to(patient.phone)[1].params["Body"])
    )
    assert InboundMessage.objects.get().status == "handled"
    assert Response.objects.get(patient=patient).answers[:2] == [2, None]


def _on_call_at_item_9(clinic: Clinic, stack: Stack, twilio: FakeTwilio) -> tuple[Patient, str]:
    """A patient whose check-in waits for the answer to PHQ-9 item 9, and a clinician on call."""
    from followup.models import CheckIn, OnCallShift
    from followup.services.clinics import clinician_create

    (patient,) = enrol(clinic, 1)
    oncall = clinician_create(
        clinic=clinic, username="oncall", password="a long enough passphrase", phone="+13125550177"
    )
    OnCallShift.objects.create(
        clinic=clinic,
        clinician=oncall,
        level=1,
        starts_at=timezone.now() - dt.timedelta(hours=1),
        ends_at=timezone.now() + dt.timedelta(hours=8),
    )
    stack.start_web()
    stack.start_worker()
    stack.start_beat()
    stack.wait(lambda: len(twilio.messages_to(patient.phone)) == 1, "the first question")
    CheckIn.objects.filter(patient=patient, status="sent").update(
        status="in_progress", current_item=9
    )
    return patient, oncall.phone


def _paged_once(twilio: FakeTwilio, patient: Patient, phone: str) -> None:
    assert len(twilio.messages_to(phone)) == 1
    assert len([c for c in twilio.calls if c.params["To"] == phone]) == 1
    bodies = [m.params["Body"] for m in twilio.messages_to(patient.phone)]
    assert sum("you are not alone" in body for body in bodies) == 1


def test_with_redis_stopped_an_item_9_answer_still_pages_once_after_it_returns(
    clinic: Clinic, stack: Stack, fake_twilio: FakeTwilio
) -> None:
    patient, oncall = _on_call_at_item_9(clinic, stack, fake_twilio)

    stack.kill("redis")
    assert _text(stack, fake_twilio, patient, "2") == 200
    stack.start_redis()

    stack.wait(lambda: len(fake_twilio.messages_to(oncall)) >= 1, "the page", 90)
    stack.wait(lambda: _settled(fake_twilio), "quiet", 30)
    _paged_once(fake_twilio, patient, oncall)


def test_a_page_worker_killed_mid_send_still_pages_once(
    clinic: Clinic, stack: Stack, fake_twilio: FakeTwilio
) -> None:
    import time

    patient, oncall = _on_call_at_item_9(clinic, stack, fake_twilio)
    fake_twilio.status_callbacks_enabled = True
    fake_twilio.delay_seconds = 1.0  # every send is in flight for a second

    assert _text(stack, fake_twilio, patient, "2") == 200
    time.sleep(0.6)
    stack.kill("worker")  # mid-send
    fake_twilio.delay_seconds = 0.0
    stack.start_worker()

    stack.wait(lambda: len(fake_twilio.messages_to(oncall)) >= 1, "the page", 90)
    stack.wait(lambda: _settled(fake_twilio, quiet_for=10), "quiet", 60)
    _paged_once(fake_twilio, patient, oncall)


CONNECTION_PATIENTS = 6


def backends_started() -> int:
    """Connections PostgreSQL has accepted to this database so far (PostgreSQL 14+)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def test_a_worker_keeps_its_database_connection_from_task_to_task(
    clinic: Clinic, stack: Stack, fake_twilio: FakeTwilio
) -> None:
    if connection.vendor != "postgresql":
        pytest.fail("needs PostgreSQL (DATABASE_URL)")
    patients = enrol(clinic, CONNECTION_PATIENTS)
    stack.start_web()
    stack.start_worker()
    stack.start_beat()
    stack.wait(
        lambda: len(first_questions(fake_twilio)) == CONNECTION_PATIENTS, "first questions", 60
    )

    def answered(rounds: int) -> None:
        for patient in patients:
            assert _text(stack, fake_twilio, patient, "1") == 200
        stack.wait(
            lambda: (
                InboundMessage.objects.filter(status="handled").count()
                == rounds * CONNECTION_PATIENTS
                and len(fake_twilio.messages) == (rounds + 1) * CONNECTION_PATIENTS
            ),
            f"round {rounds} handled and answered",
            60,
        )

    answered(1)  # every process has connected by now
    before = backends_started()
    for rounds in (2, 3, 4, 5):
        answered(rounds)

    # 24 texts handled, each in a task, besides the scheduler's ticks: a backend each before.
    assert backends_started() - before <= 2
