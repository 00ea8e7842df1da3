"""The load benchmark's bookkeeping: a section's figures and targets, CPU per section, what
reached FakeTwilio (per phone, per question, by our message id), waiting for a quiet stack,
the worker's task results, the signed-insert floor's table, and the summary table."""

import argparse
import datetime as dt
import os
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import _accounting as accounting
import _support as bench
import inbound_rate

QUESTIONS = 16  # PHQ-9 then GAD-7
FLOOR_TABLE = "bench_signed_floor"  # as in bench/floor_wsgi.py


# Results -------------------------------------------------------------------------------------


@dataclass
class Section:
    """One section's figures: its printed rows, what was missing or duplicated, and the lines
    of the final table (figure, value, target, verdict)."""

    name: str
    rows: list[tuple[str, object]] = field(default_factory=list)
    missing: Counter = field(default_factory=Counter)
    duplicated: Counter = field(default_factory=Counter)
    table: list[tuple[str, str, str, str]] = field(default_factory=list)

    def target(self, figure: str, value: str, target: str, passed: bool | None) -> None:
        verdict = "" if passed is None else ("PASS" if passed else "FAIL")
        self.table.append((figure, value, target, verdict))

    def print(self) -> None:
        rows = [
            *self.rows,
            ("missing", _counts(self.missing)),
            ("duplicated", _counts(self.duplicated)),
            *((f"{f} [{t}]", f"{v} {verdict}") for f, v, t, verdict in self.table if t),
        ]
        print(bench.summary(f"load: {self.name}", rows), flush=True)


def _counts(counts: Counter) -> str:
    total = sum(counts.values())
    detail = ", ".join(f"{k} {v}" for k, v in counts.items() if v)
    return f"{total}" + (f" ({detail})" if detail else "")


def ms(values: list[float]) -> str:
    if not values:
        return "none"
    p = bench.percentile
    return f"{p(values, 0.5):.0f} / {p(values, 0.99):.0f} / {max(values):.0f} ms (n={len(values)})"


class Cpu:
    """CPU seconds per part over a section (``_accounting``)."""

    def __init__(self, stack) -> None:
        self.stack = stack
        self.before = accounting.cpu_snapshot(stack)
        self.started = time.time()

    def rows(self) -> list[tuple[str, object]]:
        used = accounting.cpu_used(self.before, accounting.cpu_snapshot(self.stack))
        wall = time.time() - self.started
        return [
            (f"CPU s used in {wall:.0f} s wall ({os.cpu_count()} cores)", used),
            ("other load", accounting.noise(used, wall)),
        ]


@dataclass
class LoadRun:
    """What every section works with: the options, the patients' zone, the running stack and
    its fake Twilio, the broker (queue lengths), the webhook signer, the trial patients and
    ``take(n)``, the next ``n`` of their phones."""

    args: argparse.Namespace
    zone: str
    stack: object
    twilio: object
    broker: object
    webhooks: object
    trial: object
    take: Callable[[int], list[str]]


# Twilio side ---------------------------------------------------------------------------------


def question_mark(number: int) -> re.Pattern:
    return re.compile(rf"(?<!\d){number}/{QUESTIONS} ")


def messages_since(twilio, mark: int) -> list:
    """Accepted SMS the fake received since request number ``mark``."""
    return [r for r in twilio.requests[mark:] if r.resource == "Messages" and r.accepted]


def per_phone(messages: list, phones: set[str]) -> dict[str, list]:
    found: dict[str, list] = {}
    for message in messages:
        to = message.params.get("To", "")
        if to in phones:
            found.setdefault(to, []).append(message)
    return found


def question_accounting(
    section: Section, messages: list, phones: set[str], number: int, what: str
) -> list[float]:
    """Each of ``phones`` must have received question ``number`` once and nothing else since
    the mark: counts the missing and duplicated into ``section``; the arrival times."""
    mark = question_mark(number)
    by_phone = per_phone(messages, phones)
    arrivals = []
    for phone in phones:
        received = by_phone.get(phone, [])
        questions = [m for m in received if mark.search(m.params.get("Body", ""))]
        if not questions:
            section.missing[what] += 1
        else:
            arrivals.append(min(m.at for m in questions))
        if len(received) > 1:
            section.duplicated[what] += 1
    return arrivals


def message_id(recorded) -> int | None:
    """Our ``OutboundMessage`` id, from the status callback URL (``?m=<id>``)."""
    query = urlsplit(recorded.params.get("StatusCallback", "")).query
    values = parse_qs(query).get("m")
    return int(values[0]) if values and values[0].isdigit() else None


# Waiting -------------------------------------------------------------------------------------


def settle(timeout: float) -> str:
    """Until no inbound message waits and every outbound one is done (its final status
    callback applied): the next section starts on a quiet stack."""
    from followup.models import InboundMessage, OutboundMessage

    unfinished = OutboundMessage.objects.filter(status__in=("pending", "sending", "sent"))
    waiting = InboundMessage.objects.filter(status="received")
    try:
        bench.wait_until(
            lambda: not unfinished.exists() and not waiting.exists(), "a quiet stack", timeout, 0.5
        )
        return "settled"
    except TimeoutError:
        left = Counter(unfinished.values_list("status", flat=True))
        return (
            f"NOT settled after {timeout:.0f} s: outbound {dict(left)}, inbound {waiting.count()}"
        )


def worker_log_since(stack, offset: int) -> str:
    return stack.log("worker")[offset:]


def task_rows(log: str) -> list[tuple[str, object]]:
    outcomes = accounting.task_outcomes(log)
    handles = {r: n for (t, r), n in outcomes.items() if t == "followup.handle_inbound"}
    sends = {r: n for (t, r), n in outcomes.items() if t == "followup.send_message"}
    return [
        ("handle_inbound results", handles or "none"),
        ("send_message results", sends or "none"),
        ("tasks not run / failed", dict(accounting.task_problems(log)) or "none"),
    ]


_ERROR = re.compile(r"\bERROR\b|\bCRITICAL\b|^Traceback|Internal Server Error")


def errors_in(log: str) -> list[str]:
    """Lines logged at ERROR or CRITICAL, and tracebacks' first lines."""
    return [line for line in log.splitlines() if _ERROR.search(line)]


def fire(url: str, requests: list, threads: int) -> dict:
    """inbound_rate's client: ``threads`` threads, one keep-alive connection each."""
    return inbound_rate._fire(url, [(data, headers) for _, data, headers in requests], threads)


def accepted_rows(section: Section, fired: dict, what: str) -> list[tuple[str, object]]:
    statuses = Counter(fired["statuses"])
    accepted = statuses.get(200, 0)
    section.missing[f"{what} refused (not 200)"] += len(fired["statuses"]) - accepted
    latencies = [s * 1000 for s in fired["latencies"]]
    return [
        (f"{what}: HTTP statuses", dict(statuses)),
        (f"{what}: accepted per second", f"{accepted / fired['seconds']:.1f}"),
        (f"{what}: latency p50 / p99 / worst", ms(latencies)),
    ]


def callback_id(url: str) -> int | None:
    values = parse_qs(urlsplit(url).query).get("m")
    return int(values[0]) if values and values[0].isdigit() else None


def create_floor_table() -> None:
    """The floor's table (bench/floor_wsgi.py inserts into it; importing that module here
    would re-point this process's URLs), shaped like the stored inbound message."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {FLOOR_TABLE} (id bigserial PRIMARY KEY, "
            "message_sid varchar(64) NOT NULL UNIQUE, from_number varchar(20) NOT NULL, "
            "body text NOT NULL, payload jsonb NOT NULL, "
            "received_at timestamptz NOT NULL DEFAULT now())"
        )


def count_floor_rows(sids: list[str]) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {FLOOR_TABLE} WHERE message_sid = ANY(%s)",  # noqa: S608
            [sids],
        )
        return int(cursor.fetchone()[0])


def summary_table(args, configuration: str, zone: str, sections: list[Section], errors, ok) -> str:
    header = ("section", "figure", "value", "target", "")
    lines = [header]
    for section in sections:
        number = section.name.split(" ", 1)[0]
        for figure, value, target, verdict in section.table:
            lines.append((number, figure, value, target, verdict))
        lines.append(
            (
                number,
                "missing / duplicated",
                f"{sum(section.missing.values())} / {sum(section.duplicated.values())}",
                "0 / 0",
                "PASS"
                if not sum(section.missing.values()) + sum(section.duplicated.values())
                else "FAIL",
            )
        )
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    rendered = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True))
        for line in lines
    ]
    rendered.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(
        [
            "== load: summary " + "=" * 47,
            f"date (UTC)     {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M')}",
            f"configuration  {configuration}",
            f"patients' zone {zone}; sizes: {args.trials} trials, {args.checkins} check-ins, "
            f"{args.answers} answers, {args.intake} intake, {args.dispatch} dispatch, "
            f"scale {args.scale}",
            "ERROR lines / tracebacks in logs: "
            + ", ".join(f"{name} {len(lines)}" for name, lines in errors.items()),
            *(
                f"  {name}: {line[:160]}"
                for name, lines in errors.items()
                for line in list(dict.fromkeys(lines))[:5]
            ),
            "",
            *(line.rstrip() for line in rendered),
            "",
            f"verdict: {'OK (nothing missing or duplicated)' if ok else 'FAILED (missing or duplicated)'}",
            "=" * 64,
        ]
    )
