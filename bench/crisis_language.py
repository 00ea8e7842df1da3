"""How well and how fast the crisis-language detector reads patients' messages.

Runs ``followup.crisis_language`` over the corpus in ``tests/support/crisis_corpus.py`` and
prints, per category, the share of concerning messages flagged (sensitivity) and of benign
look-alikes flagged (false positives), then each round's "first-seen" figures (how the detector
did on a round of new messages before it was tuned on them: the only figures that say how it
does on messages it has not seen), then the time per message. Pure Python: no database, no
processes.

    .venv/bin/python bench/crisis_language.py [--passes 20] [--misses]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from followup.crisis_language import match_crisis_language  # noqa: E402
from followup.crisis_language.normalise import _word  # noqa: E402
from tests.support import crisis_corpus as corpus  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passes", type=int, default=20, help="timed passes over the corpus")
    parser.add_argument("--misses", action="store_true", help="print what was missed or flagged")
    return parser.parse_args(argv)


def _share(flagged: int, total: int) -> str:
    return f"{flagged}/{total} ({flagged / total:.1%})" if total else "-"


def accuracy(show: bool) -> None:
    print(f"{'category':<24} {'sensitivity':>18} {'benign flagged':>18}")
    categories = list(dict.fromkeys([*corpus.CONCERNING, *corpus.BENIGN]))
    totals = [0, 0, 0, 0]
    for category in categories:
        concerning = corpus.CONCERNING.get(category, [])
        benign = corpus.BENIGN.get(category, [])
        missed = [text for text in concerning if match_crisis_language(text) is None]
        flagged = [text for text in benign if match_crisis_language(text) is not None]
        hits = len(concerning) - len(missed)
        print(
            f"{category:<24} {_share(hits, len(concerning)):>18} "
            f"{_share(len(flagged), len(benign)):>18}"
        )
        totals = [
            a + b
            for a, b in zip(totals, [hits, len(concerning), len(flagged), len(benign)], strict=True)
        ]
        if show:
            for text in missed:
                print(f"    missed: {text}")
            for text in flagged:
                print(f"    flagged: {text}")
    print(f"{'overall':<24} {_share(totals[0], totals[1]):>18} {_share(totals[2], totals[3]):>18}")
    for name, concerning in corpus.UNTUNED_CONCERNING.items():
        benign = corpus.UNTUNED_BENIGN.get(name, [])
        missed = [text for text in concerning if match_crisis_language(text) is None]
        flagged = [text for text in benign if match_crisis_language(text) is not None]
        hits = len(concerning) - len(missed)
        print(
            f"{name + ' (untuned)':<24} {_share(hits, len(concerning)):>18} "
            f"{_share(len(flagged), len(benign)):>18}"
        )
        if show:
            for text in missed:
                print(f"    missed: {text}")
            for text in flagged:
                print(f"    flagged: {text}")
    print()
    print("first seen: each round as it scored before it was tuned on")
    print(f"{'round':<20} {'sensitivity':>18} {'benign flagged':>18}  measured on")
    for name, detector, hits, concerning, flagged, benign in corpus.FIRST_SEEN:
        print(
            f"{name:<20} {_share(hits, concerning):>18} {_share(flagged, benign):>18}  {detector}"
        )


def speed(passes: int) -> None:
    texts = [
        text
        for table in (corpus.CONCERNING, corpus.BENIGN)
        for texts in table.values()
        for text in texts
    ]
    _word.cache_clear()
    runs = {"first pass": ([], []), f"{passes} passes": ([], [])}
    for index, (wall, cpu) in enumerate(runs.values()):
        for _ in range(1 if index == 0 else passes):  # the first pass: the word cache is empty
            for text in texts:
                wall_start, cpu_start = time.perf_counter_ns(), time.thread_time_ns()
                match_crisis_language(text)
                cpu.append((time.thread_time_ns() - cpu_start) / 1000)
                wall.append((time.perf_counter_ns() - wall_start) / 1000)
    # Wall time includes what other processes on the machine take from this one; CPU time is
    # this thread's own.
    for name, (wall, cpu) in runs.items():
        for clock, times in (("wall", wall), ("cpu", cpu)):
            ordered = sorted(times)
            p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
            print(
                f"speed, {name}, {clock}: {len(times)} messages, median "
                f"{statistics.median(times):.0f} µs, p99 {p99:.0f} µs, max {ordered[-1]:.0f} µs"
            )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    accuracy(args.misses)
    speed(args.passes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
