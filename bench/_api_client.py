"""The API benchmark's client: an EHR enrolling patients, one kept-open connection per thread,
one patient and session at a time or in bulk imports."""

import datetime as dt
import http.client
import json
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import _support as bench

ZONE = "America/Chicago"
SESSION_HOURS_AGO = 25  # every step of the default plan is still to come or open
IMPORT_PATH = "/api/v1/patients/import/"


def phone(n: int) -> str:
    return f"+1312{2_000_000 + n:07d}"


def patient_body(n: int) -> dict:
    return {
        "first_name": f"P{n}",
        "last_name": "Bench",
        "phone": phone(n),
        "timezone": ZONE,
        "channel": "sms",
        "language": "en",
        "sms_consent": True,
    }


class Client:
    """JSON over one HTTP/1.1 connection per thread, reopened when the server closes it."""

    def __init__(self, host: str, token: str) -> None:
        self.host = host
        self.headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        self.local = threading.local()

    def post(self, path: str, body: object, timeout: float = 30) -> tuple[int, object, float]:
        payload = json.dumps(body).encode()
        start = time.perf_counter()
        for attempt in range(2):
            connection = getattr(self.local, "connection", None)
            if connection is None:
                connection = self.local.connection = http.client.HTTPConnection(
                    self.host, timeout=timeout
                )
            try:
                connection.request("POST", path, body=payload, headers=self.headers)
                response = connection.getresponse()
                raw = response.read()
            except (OSError, http.client.HTTPException):
                # A kept-alive connection the server had closed: once more on a new one.
                connection.close()
                self.local.connection = None
                if attempt:
                    raise
                continue
            if response.will_close:
                connection.close()
                self.local.connection = None
            elapsed = time.perf_counter() - start
            try:
                data = json.loads(raw) if raw else None
            except ValueError:
                data = raw[:200]
            return response.status, data, elapsed
        raise AssertionError("unreachable")


def one_by_one(client: Client, count: int, threads: int) -> dict:
    occurred_at = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=SESSION_HOURS_AGO)).isoformat()
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()

    def enrol(n: int) -> None:
        status, body, elapsed = client.post("/api/v1/patients/", patient_body(n))
        mine = [elapsed]
        codes = [("patient", status)]
        if status == 201:
            session = {"patient": body["id"], "occurred_at": occurred_at, "treatment": "esketamine"}
            status, _, elapsed = client.post("/api/v1/sessions/", session)
            mine.append(elapsed)
            codes.append(("session", status))
        with lock:
            latencies.extend(mine)
            statuses.update(codes)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(enrol, range(count)))
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "requests": len(latencies),
        "per_second": len(latencies) / seconds,
        "p50_ms": bench.percentile(latencies, 0.50) * 1000,
        "p99_ms": bench.percentile(latencies, 0.99) * 1000,
        "max_ms": max(latencies, default=float("nan")) * 1000,
        "statuses": dict(statuses),
        "ok": set(statuses) == {("patient", 201), ("session", 201)},
    }


def bulk_enrol(client: Client, first: int, count: int, batch: int, threads: int) -> dict:
    occurred_at = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=SESSION_HOURS_AGO)).isoformat()
    session = {"occurred_at": occurred_at, "treatment": "esketamine"}
    bodies = [
        {
            "patients": [
                {**patient_body(n), "session": session}
                for n in range(start, min(start + batch, first + count))
            ]
        }
        for start in range(first, first + count, batch)
    ]

    def send(body: dict) -> tuple[int, object, float]:
        return client.post(IMPORT_PATH, body, timeout=600)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        answers = list(pool.map(send, bodies))
    seconds = time.perf_counter() - start
    statuses = Counter(status for status, _, _ in answers)
    if set(statuses) & {404, 405}:
        return {"available": False, "statuses": dict(statuses)}
    created = 0
    for status, data, _ in answers:
        if status == 201:
            created += data["created"]
        else:
            # The code and the rows named, not the messages: they quote what was sent.
            extra = data.get("extra", {}) if isinstance(data, dict) else {}
            rows = sorted(extra.get("rows", {}), key=int)
            code = data.get("code") if isinstance(data, dict) else None
            bench.say(f"import refused: {status} {code}, rows {rows[:20]}")
    return {
        "available": True,
        "seconds": seconds,
        "requests": len(bodies),
        "created": created,
        "per_second": created / seconds,
        "max_request_s": max(elapsed for _, _, elapsed in answers),
        "statuses": dict(statuses),
    }
