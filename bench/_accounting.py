"""What the benchmarks account for besides their own figures: CPU seconds per process of the
stack (from /proc), the machine's other load, PostgreSQL sessions opened, and the worker log's
task outcomes."""

import os
import re
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from _support import say

# CPU accounting -------------------------------------------------------------------------------

_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_stats() -> Iterator[tuple[int, str, int, float]]:
    """(pid, comm, process group, CPU seconds used) of every live process."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        comm = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        # fields[0] is field 3 (state): pgrp is field 5, utime 14, stime 15.
        yield int(entry.name), comm, int(fields[2]), (int(fields[11]) + int(fields[12])) / _TICKS


def cpu_snapshot(stack: object) -> dict:
    """CPU seconds used so far by every live process, labelled: the stack's processes (with
    their pool children), the PostgreSQL backends serving the bench database, this process
    (the load generator and the fake Twilio), anything else; and the whole machine's total."""
    groups = {process.pid: name for name, process in stack.processes.items()}
    database = " " + urlsplit(stack.env["DATABASE_URL"]).path.lstrip("/") + " "
    processes: dict[int, tuple[str, float]] = {}
    for pid, comm, pgrp, seconds in _proc_stats():
        if pgrp in groups:
            label = groups[pgrp]
        elif pid == os.getpid():
            label = "bench (client + fake Twilio)"
        elif comm == "postgres" and database in _cmdline(pid):
            label = "postgres"
        else:
            label = OTHER
        processes[pid] = (label, seconds)
    return {"processes": processes, MACHINE: machine_busy()}


def _cmdline(pid: int) -> str:
    """A PostgreSQL backend's process title: 'postgres: 15/main: user db host(port) state'."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


MACHINE = "machine total"
OTHER = "other processes"
EXITED = "exited processes"


def machine_busy() -> float:
    """CPU seconds the whole machine spent busy since boot (every core, /proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / _TICKS


def machine_load(window: float = 3.0) -> float:
    """Fraction of the machine's CPU capacity busy over ``window`` seconds."""
    before = machine_busy()
    time.sleep(window)
    return (machine_busy() - before) / window / (os.cpu_count() or 1)


def wait_for_quiet(max_wait: float, threshold: float = 0.15) -> float:
    """Wait up to ``max_wait`` seconds for the machine to be mostly idle (someone else's test
    run skews every figure); returns the load measured last."""
    deadline = time.monotonic() + max_wait
    load = machine_load()
    while load > threshold and time.monotonic() < deadline:
        say(f"machine {load:.0%} busy before the run; waiting for it to quieten")
        load = machine_load()
    if load > threshold:
        say(f"WARNING: machine {load:.0%} busy before the run; figures will be noisy")
    return load


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds per part between two snapshots. ``other processes``: live processes that are
    not the benchmark's (someone else's test run: the figures are noisy). ``exited processes``:
    the machine's busy time no live process accounts for, i.e. processes that ended in between;
    with a Celery worker that is mostly its short-lived PostgreSQL backends (the worker opens
    a new connection per task)."""
    used: Counter = Counter()
    for pid, (label, seconds) in after["processes"].items():
        previous = before["processes"].get(pid)
        used[label] += seconds - (previous[1] if previous and previous[0] == label else 0.0)
    machine = after[MACHINE] - before[MACHINE]
    used[EXITED] = max(0.0, machine - sum(used.values()))
    used[MACHINE] = machine
    return {k: round(v, 1) for k, v in sorted(used.items())}


def noise(cpu: dict[str, float], wall: float) -> str:
    """How much of the machine other (live, foreign) processes took during the measurement."""
    share = cpu.get(OTHER, 0.0) / (wall * (os.cpu_count() or 1)) if wall > 0 else 0.0
    return f"{share:.0%} of the CPU" + (
        " (NOISY: re-run on a quiet machine)" if share > 0.1 else ""
    )


def pg_sessions() -> int:
    """Connections opened to the bench database so far (pg_stat_database, PostgreSQL 14+)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return int(cursor.fetchone()[0])


# Worker log -----------------------------------------------------------------------------------

_TASK_DONE = re.compile(
    r"Task (followup\.[a-z_]+)\[[0-9a-f-]+\] succeeded in [0-9.e-]+s: '?([^'\n]*)'?"
)
_TASK_NAME = re.compile(r"Task (followup\.[a-z_]+)\[")
_DISCARDED = re.compile(r"Discarding revoked task: (followup\.[a-z_]+)\[")


def task_outcomes(worker_log: str) -> Counter:
    """(task, result) -> count, from the worker's INFO log. Dispatch results are dicts, so
    only the task name is kept for them."""
    counts: Counter = Counter()
    for task, result in _TASK_DONE.findall(worker_log):
        counts[(task, "ok" if result.startswith("{") else result)] += 1
    return counts


def task_problems(worker_log: str) -> Counter:
    """(task, what) -> count for tasks that did not succeed: discarded before running (a
    dispatch tick past its ``expires``), raised, or retried."""
    counts: Counter = Counter()
    for line in worker_log.splitlines():
        name = _TASK_NAME.search(line) or _DISCARDED.search(line)
        if not name or "succeeded in" in line or "Received task" in line:
            continue
        if "Discarding revoked task" in line:
            counts[(name.group(1), "discarded (expired)")] += 1
        elif "raised" in line:
            counts[(name.group(1), "raised")] += 1
        elif "retry" in line.lower():
            counts[(name.group(1), "retry")] += 1
    return counts
