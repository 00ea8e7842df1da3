"""The page-latency trials: a FakeTwilio that files what reaches the watched numbers as it
arrives, the stack with the production split of workers, signed inbound webhooks, and the
trial loop (one patient's text at a time, until the page SMS and call arrive)."""

import argparse
import contextlib
import http.client
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import _support as bench

from testkit.seeding import ON_CALL_PHONE

PATH = "/twilio/sms/"
SERVICE_NUMBER = "+13125550100"  # the clinic's Twilio number the patients text


# The Twilio fake, watched --------------------------------------------------------------------


def watching_twilio(watched: set[str], first_question: str):
    """A FakeTwilio that also files, as each request is recorded, the ones to the numbers we
    watch (the on-call phone, the trial patients) and counts check-in first questions, so the
    trial loop never rescans thousands of recorded requests. ``Recorded.at`` is the fake's
    ``time.time()`` when the request has been read, before it is answered: the arrival."""
    from testkit.twilio_server import FakeTwilio

    class WatchingTwilio(FakeTwilio):
        def __init__(self) -> None:
            super().__init__()
            self.watched = watched
            self.by_number: dict[str, list] = {}
            self.first_questions: set[str] = set()
            self.last_first_question_at = 0.0
            self._watch = threading.Condition()

        def _record(self, recorded) -> None:
            super()._record(recorded)
            if not recorded.accepted:
                return
            to = recorded.params.get("To", "")
            with self._watch:
                if to in self.watched:
                    self.by_number.setdefault(to, []).append(recorded)
                    self._watch.notify_all()
                elif first_question in recorded.params.get("Body", ""):
                    self.first_questions.add(to)
                    self.last_first_question_at = recorded.at

        def to(self, number: str, resource: str | None = None) -> list:
            with self._watch:
                found = list(self.by_number.get(number, ()))
            return [r for r in found if resource is None or r.resource == resource]

        def wait_watched(self, predicate, timeout: float) -> bool:
            deadline = time.monotonic() + timeout
            with self._watch:
                while not predicate():
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return False
                    self._watch.wait(min(remaining, 0.1))
            return True

        def first_questions_sent(self) -> int:
            with self._watch:
                return len(self.first_questions)

    return WatchingTwilio()


# The stack -----------------------------------------------------------------------------------


@contextlib.contextmanager
def pages_stack(tmp: Path, args: argparse.Namespace, watched: set[str]):
    """(stack, twilio): Redis up, nothing else yet. The stack is ``_support``'s BenchStack
    (same environment, teardown that kills whole process groups) with the two workers of the
    production split."""
    base = bench.stack_class()
    celery = str(Path(sys.executable).parent / "celery")

    class PagesStack(base):
        def start_queue_worker(self, name: str, queue: str, concurrency: int) -> None:
            self._start(
                name,
                [
                    celery,
                    "-A",
                    "config",
                    "worker",
                    "-Q",
                    queue,
                    "--concurrency",
                    str(concurrency),
                    "-n",
                    f"{name}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel=INFO",
                ],
            )

        def wait_ready(self, name: str) -> None:
            self.wait(lambda: " ready." in self.log(name), f"{name} ready", timeout=60)

    with watching_twilio(watched, bench.FIRST_QUESTION) as twilio:
        stack = PagesStack(tmp, twilio)
        stack.web_workers = args.web_workers
        stack.web_threads = args.web_threads
        stack.env["DATABASE_URL"] = args.database_url
        try:
            stack.start_redis()
            yield stack, twilio
        finally:
            stack.stop_all()


# Trials --------------------------------------------------------------------------------------


@dataclass
class Trial:
    scenario: str
    phone: str
    sid: str
    measured: bool
    posted: float = 0.0
    responded: float = 0.0
    status: int = 0
    outstanding: int | None = None  # check-in first questions not yet at Twilio, at the POST
    queued: int | None = None  # tasks waiting in the default queue, at the POST
    waited: bool = False  # whether the page SMS and the call arrived before the timeout


class Webhooks:
    """Signed inbound-SMS webhooks, the way Twilio posts them (a new connection each)."""

    def __init__(self, stack, twilio) -> None:
        from testkit.twilio_server import signed_post_headers

        self._sign = signed_post_headers
        self.host = urlsplit(stack.web_url).netloc
        self.url = stack.env["PUBLIC_BASE_URL"] + PATH
        self.twilio = twilio

    def prepare(self, phone: str, body: str) -> tuple[str, bytes, dict]:
        sid = "SM" + uuid.uuid4().hex
        params = {
            "MessageSid": sid,
            "SmsSid": sid,
            "AccountSid": self.twilio.account_sid,
            "From": phone,
            "To": SERVICE_NUMBER,
            "Body": body,
            "NumMedia": "0",
            "NumSegments": "1",
            "ApiVersion": "2010-04-01",
        }
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            **self._sign(self.twilio.auth_token, self.url, params),
        }
        return sid, urlencode(params).encode(), headers

    def post(self, data: bytes, headers: dict) -> tuple[int, float, float]:
        """(status, sent at, 200 arrived at): the second time is taken when the status line and
        headers have arrived, before the (empty TwiML) body is read."""
        connection = http.client.HTTPConnection(self.host, timeout=30)
        try:
            posted = time.time()
            connection.request("POST", PATH, body=data, headers=headers)
            response = connection.getresponse()
            responded = time.time()
            response.read()
            return response.status, posted, responded
        finally:
            connection.close()


def run_trials(
    scenario: str,
    phones: list[str],
    warmup: int,
    args: argparse.Namespace,
    webhooks: Webhooks,
    twilio,
    progress=None,
    bodies: list[str] | None = None,
) -> list[Trial]:
    """One trial at a time: POST, wait for the page SMS and the call to reach the fake, pause
    ``--spacing``, next. ``progress()`` (the load scenario) gives the backlog at each POST.
    ``bodies``: what the patients text, in turn (default: ``--answer``)."""
    trials = []
    last_report = time.monotonic()
    for index, phone in enumerate(phones):
        body = bodies[index % len(bodies)] if bodies else args.answer
        sid, data, headers = webhooks.prepare(phone, body)
        trial = Trial(scenario=scenario, phone=phone, sid=sid, measured=index >= warmup)
        sms_before = len(twilio.to(ON_CALL_PHONE, "Messages"))
        calls_before = len(twilio.to(ON_CALL_PHONE, "Calls"))
        if progress is not None:
            trial.outstanding, trial.queued = progress()
        trial.status, trial.posted, trial.responded = webhooks.post(data, headers)
        if trial.status == 200:
            trial.waited = twilio.wait_watched(
                lambda a=sms_before, b=calls_before: (
                    len(twilio.to(ON_CALL_PHONE, "Messages")) > a
                    and len(twilio.to(ON_CALL_PHONE, "Calls")) > b
                ),
                args.page_timeout,
            )
        if not trial.waited:
            bench.say(f"{scenario} trial {index}: HTTP {trial.status}, page not seen in time")
        trials.append(trial)
        if time.monotonic() - last_report >= 10:
            backlog = "" if trial.outstanding is None else f"; {trial.outstanding} outstanding"
            bench.say(f"{scenario}: {index + 1}/{len(phones)} trials{backlog}")
            last_report = time.monotonic()
        time.sleep(args.spacing)
    return trials
