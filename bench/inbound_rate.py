"""How fast patients' SMS answers are taken in (signed ``POST /twilio/sms/`` to gunicorn) and
then handled by the worker (stored answer, next question queued).

Seeds M SMS patients with a due check-in into a fresh PostgreSQL database and lets the real
stack (gunicorn web, worker, beat, private Redis, FakeTwilio) open them; once every patient has
their first question, fires a fixed number of signed webhooks from a thread pool, each the
answer "1" from a random patient with a unique MessageSid; then waits until the database shows
every inbound message handled, and prints the figures.

    .venv/bin/python bench/inbound_rate.py [--patients 200] [--requests 2000] [--threads 16]
"""

import argparse
import datetime as dt
import http.client
import os
import random
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

import _accounting as accounting
import _support as bench

from testkit import seeding

PATH = "/twilio/sms/"
TO_NUMBER = "+13125550100"
QUESTIONS = 16  # PHQ-9 then GAD-7


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=200, help="patients answering (200)")
    parser.add_argument("--requests", type=int, default=2000, help="webhooks to send (2000)")
    parser.add_argument("--threads", type=int, default=16, help="client threads (16)")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn --workers (2)")
    parser.add_argument("--web-threads", type=int, default=8, help="gunicorn --threads (8)")
    parser.add_argument("--answer", default="1", help="the SMS body each patient sends ('1')")
    parser.add_argument("--random-seed", type=int, default=1, help="who answers when (1)")
    parser.add_argument(
        "--quick", action="store_true", help="a fast sanity run: 50 patients, 300 requests"
    )
    bench.add_common_arguments(parser)
    args = parser.parse_args(argv)
    if args.quick:
        args.patients = min(args.patients, 50)
        args.requests = min(args.requests, 300)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with bench.bench_environment(args) as tmp:
        return run(args, tmp)


def run(args: argparse.Namespace, tmp) -> int:
    from testkit.stack import daytime_zone

    accounting.wait_for_quiet(args.wait_quiet)
    zone = daytime_zone()
    started = time.monotonic()
    seeded = seeding.seed(args.patients, zone=zone, mode=args.seed)
    bench.analyze_database()
    bench.say(
        f"seeded {len(seeded.phones)} patients in {zone} ({args.seed}) in "
        f"{time.monotonic() - started:.1f} s"
    )
    with bench.running_stack(
        tmp,
        database_url=args.database_url,
        concurrency=args.concurrency,
        web_workers=args.web_workers,
        web_threads=args.web_threads,
    ) as (stack, twilio):
        stack.start_web()
        stack.start_worker()
        stack.start_beat()
        bench.say(
            f"web (gunicorn {args.web_workers}x{args.web_threads}), worker (concurrency "
            f"{args.concurrency}) and beat up; waiting for the first questions"
        )

        def asked() -> int:
            return len(
                {
                    m.params["To"]
                    for m in twilio.messages
                    if bench.FIRST_QUESTION in m.params["Body"]
                }
            )

        bench.wait_until(
            lambda: asked() >= len(seeded.phones), "every first question", args.timeout
        )
        time.sleep(2)  # let the last sends' bookkeeping finish before measuring
        outbound_before = len(twilio.messages)
        bench.say(f"{asked()} check-ins open; preparing {args.requests} signed webhooks")

        requests, per_patient = _prepare(args, seeded, twilio, stack)
        cpu_before = accounting.cpu_snapshot(stack)
        sessions_before = accounting.pg_sessions()
        log_start = len(stack.log("worker"))
        bench.say(f"firing {len(requests)} webhooks from {args.threads} threads")
        fired = _fire(stack.web_url, requests, args.threads)
        bench.say(
            f"fired in {fired['seconds']:.1f} s: {Counter(fired['statuses'])}; "
            "waiting until every inbound message is handled"
        )
        drained, timed_out = _wait_handled(fired, args.timeout)
        cpu = accounting.cpu_used(cpu_before, accounting.cpu_snapshot(stack))
        cpu_wall = time.time() - fired["start"]
        replies_done = _wait_replies_sent(twilio, args.timeout)
        sessions = accounting.pg_sessions() - sessions_before
        outbound_after = len(twilio.messages)
        worker_log = stack.log("worker")[log_start:]

    figures = _figures(fired, drained, per_patient)
    figures.update(
        cpu=cpu,
        cpu_wall=cpu_wall,
        sessions=sessions,
        replies=outbound_after - outbound_before,
        replies_done=replies_done - fired["start"],
        outcomes=accounting.task_outcomes(worker_log),
        problems=accounting.task_problems(worker_log),
    )
    print(_report(args, zone, figures, timed_out))
    return 0 if figures["ok"] and not timed_out else 1


def _prepare(args, seeded, twilio, stack) -> tuple[list[tuple[bytes, dict]], Counter]:
    """Every request body and signature up front, so the client spends its time sending."""
    from testkit.twilio_server import signed_post_headers

    chooser = random.Random(args.random_seed)
    phones = sorted(seeded.phones)
    url = stack.env["PUBLIC_BASE_URL"] + PATH
    requests = []
    per_patient: Counter = Counter()
    for _ in range(args.requests):
        phone = chooser.choice(phones)
        per_patient[phone] += 1
        params = {
            "MessageSid": "SM" + uuid.uuid4().hex,
            "AccountSid": twilio.account_sid,
            "From": phone,
            "To": TO_NUMBER,
            "Body": args.answer,
            "NumMedia": "0",
            "ApiVersion": "2010-04-01",
        }
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            **signed_post_headers(twilio.auth_token, url, params),
        }
        requests.append((urlencode(params).encode(), headers))
    return requests, per_patient


def _fire(web_url: str, requests: list, threads: int) -> dict:
    """POST them all; (status, start, end) per request. One keep-alive connection per thread."""
    host = urlsplit(web_url).netloc
    local = threading.local()
    results: list[tuple[int, float, float]] = [(0, 0.0, 0.0)] * len(requests)

    def post(index: int) -> None:
        body, headers = requests[index]
        start = time.time()
        status = 0
        for _attempt in range(2):  # a keep-alive connection the server closed: reconnect once
            connection = getattr(local, "connection", None)
            if connection is None:
                connection = local.connection = http.client.HTTPConnection(host, timeout=30)
            try:
                connection.request("POST", PATH, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.will_close:
                    connection.close()
                    local.connection = None
                break
            except (OSError, http.client.HTTPException):
                connection.close()
                local.connection = None
        results[index] = (status, start, time.time())

    start = time.time()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(post, range(len(requests))))
    end = time.time()
    return {
        "start": start,
        "end": end,
        "seconds": end - start,
        "statuses": [status for status, _, _ in results],
        "latencies": [e - s for status, s, e in results if status == 200],
    }


def _wait_handled(fired: dict, timeout: float) -> tuple[dict, bool]:
    from django.db.models import Count

    from followup.models import InboundMessage

    accepted = sum(1 for s in fired["statuses"] if s == 200)
    deadline = time.monotonic() + timeout
    last_report = time.monotonic()
    timed_out = False
    while True:
        counts = dict(
            InboundMessage.objects.values_list("status").annotate(n=Count("id")).order_by()
        )
        if counts.get("received", 0) == 0 and sum(counts.values()) >= accepted:
            break
        if time.monotonic() > deadline:
            timed_out = True
            bench.say(f"TIMEOUT: {counts}")
            break
        if time.monotonic() - last_report >= 10:
            bench.say(f"inbound messages: {counts}")
            last_report = time.monotonic()
        time.sleep(0.25)
    done = time.time()
    rows = list(InboundMessage.objects.values_list("received_at", "handled_at", "status"))
    return {"done": done, "counts": counts, "rows": rows}, timed_out


def _wait_replies_sent(twilio, timeout: float) -> float:
    """When the last reply (next question, thanks) reached the fake Twilio: once no outbound
    row is left pending or sending."""
    from followup.models import OutboundMessage

    unfinished = OutboundMessage.objects.filter(status__in=("pending", "sending"))
    try:
        bench.wait_until(lambda: not unfinished.exists(), "every reply sent", timeout, 0.25)
    except TimeoutError as exc:
        bench.say(f"TIMEOUT: {exc}")
    return max((r.at for r in twilio.requests), default=float("nan"))


def _figures(fired: dict, drained: dict, per_patient: Counter) -> dict:
    from followup.models import Flag, Response

    statuses = Counter(fired["statuses"])
    accepted = statuses.get(200, 0)
    rows = drained["rows"]
    received = [r.timestamp() for r, _, _ in rows]
    handled = [h.timestamp() for _, h, s in rows if h is not None and s == "handled"]
    waits = [h.timestamp() - r.timestamp() for r, h, _ in rows if h is not None]
    last_handled = max(handled, default=float("nan"))
    handling_span = last_handled - min(received, default=float("nan"))
    # Nothing lost: each patient's answers up to the 16 questions are stored, later ones are
    # answers to no open check-in.
    expected = sum(min(n, QUESTIONS) for n in per_patient.values())
    stored = sum(
        sum(a is not None for a in answers)
        for answers in Response.objects.values_list("answers", flat=True)
    )
    return {
        "queued_to_sent": _queued_to_sent(fired["start"]),
        "sent": len(fired["statuses"]),
        "statuses": dict(statuses),
        "fire_seconds": fired["seconds"],
        "accepted_per_second": accepted / fired["seconds"],
        "p50_ms": bench.percentile(fired["latencies"], 0.50) * 1000,
        "p99_ms": bench.percentile(fired["latencies"], 0.99) * 1000,
        "max_ms": max(fired["latencies"], default=float("nan")) * 1000,
        "counts": drained["counts"],
        "until_handled": last_handled - fired["start"],
        "after_last_request": last_handled - fired["end"],
        "handled": len(handled),
        "handled_per_second": len(handled) / handling_span if handling_span > 0 else float("nan"),
        "wait_p50": bench.percentile(waits, 0.50),
        "wait_p99": bench.percentile(waits, 0.99),
        "expected_answers": expected,
        "stored_answers": stored,
        "completed": sum(1 for n in per_patient.values() if n >= QUESTIONS),
        "flags": Flag.objects.count(),
        "ok": accepted == len(fired["statuses"])
        and len(handled) == accepted
        and stored == expected,
    }


def _queued_to_sent(since: float) -> dict[str, str]:
    """Per purpose (question, crisis, thanks …): how long replies waited in the ledger."""
    from followup.models import OutboundMessage

    waits: dict[str, list[float]] = {}
    rows = OutboundMessage.objects.filter(
        created_at__gte=dt.datetime.fromtimestamp(since, dt.UTC), sent_at__isnull=False
    ).values_list("purpose", "created_at", "sent_at")
    for purpose, created, sent in rows:
        waits.setdefault(purpose, []).append((sent - created).total_seconds())
    return {
        purpose: f"n={len(w)} p50 {bench.percentile(w, 0.5):.1f} s, max {max(w):.1f} s"
        for purpose, w in sorted(waits.items())
    }


def _report(args, zone, f, timed_out) -> str:
    handles = {r: n for (t, r), n in f["outcomes"].items() if t == "followup.handle_inbound"}
    sends = {r: n for (t, r), n in f["outcomes"].items() if t == "followup.send_message"}
    rows = [
        ("date (UTC)", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")),
        (
            "configuration",
            f"PostgreSQL, Redis broker, gunicorn {args.web_workers} workers x "
            f"{args.web_threads} threads, worker --concurrency={args.concurrency}",
        ),
        ("patients / requests / client threads", f"{args.patients} / {f['sent']} / {args.threads}"),
        ("HTTP statuses", f["statuses"]),
        ("webhooks accepted per second (200)", f"{f['accepted_per_second']:.1f}"),
        ("webhook latency p50 / p99 / max (ms)", _ms(f)),
        ("firing took (s)", f"{f['fire_seconds']:.2f}"),
        ("inbound status at the end", f["counts"]),
        ("all handled after first request (s)", f"{f['until_handled']:.2f}"),
        ("... after the last request (s)", f"{f['after_last_request']:.2f}"),
        ("handled per second", f"{f['handled_per_second']:.1f}"),
        ("received -> handled p50 / p99 (s)", f"{f['wait_p50']:.2f} / {f['wait_p99']:.2f}"),
        ("answers stored / expected", f"{f['stored_answers']} / {f['expected_answers']}"),
        ("patients who finished (16 answers)", f["completed"]),
        ("replies sent (next questions, thanks)", f["replies"]),
        ("all replies sent after first request (s)", f"{f['replies_done']:.2f}"),
        ("replies queued -> sent, by purpose", f["queued_to_sent"]),
        ("flags raised (PHQ-9 item 9 answered 1)", f["flags"]),
        ("handle_inbound results", handles),
        ("send_message results", sends),
        ("tasks not run / failed", dict(f["problems"]) or "none"),
        ("PostgreSQL connections opened", _per_task(f["sessions"], f["outcomes"])),
        (f"CPU s used in {f['cpu_wall']:.0f} s wall ({os.cpu_count()} cores)", f["cpu"]),
        ("other load during the run", accounting.noise(f["cpu"], f["cpu_wall"])),
        ("verdict", "OK" if f["ok"] and not timed_out else "FAILED"),
    ]
    return bench.summary("inbound_rate", rows)


def _per_task(sessions: int, outcomes: Counter) -> str:
    tasks = sum(outcomes.values())
    return f"{sessions} for {tasks} worker tasks run" + (
        f" ({sessions / tasks:.2f} per task)" if tasks else ""
    )


def _ms(f: dict) -> str:
    return f"{f['p50_ms']:.0f} / {f['p99_ms']:.0f} / {f['max_ms']:.0f}"


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
