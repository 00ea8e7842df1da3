"""How well and how fast the crisis-language detector reads patients' messages.

Runs ``followup.clinical.crisis_language`` (the phrase tables and the trained reader) over the corpus in
``testkit/crisis_corpus/`` and its round files (``testkit/crisis_corpus/rounds/``) and prints the share of
concerning messages flagged (sensitivity) and of benign ones flagged (false positives): by
round, then by the kind of message the writers filed each under, then each round's
"first-seen" figures (how the detector did on a round of new messages before it learned from
them: the only figures that say how it does on messages it has not seen), then the time per
message. No database, no processes.

    .venv/bin/python bench/crisis_language.py [--passes 3] [--misses]
"""

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from followup.clinical.crisis_language import match_crisis_language, semantic  # noqa: E402
from testkit import crisis_corpus as corpus  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passes", type=int, default=3, help="timed passes over a sample")
    parser.add_argument("--misses", action="store_true", help="print what was missed or flagged")
    return parser.parse_args(argv)


def _share(flagged: int, total: int) -> str:
    return f"{flagged}/{total} ({flagged / total:.1%})" if total else "-"


def _row(name: str, concerning: list[str], benign: list[str], show: bool) -> tuple[int, int]:
    missed = [text for text in concerning if match_crisis_language(text) is None]
    flagged = [text for text in benign if match_crisis_language(text) is not None]
    hits = len(concerning) - len(missed)
    print(f"{name:<34} {_share(hits, len(concerning)):>18} {_share(len(flagged), len(benign)):>18}")
    if show:
        for text in missed:
            print(f"    missed: {text}")
        for text in flagged:
            print(f"    flagged: {text}")
    return hits, len(flagged)


def accuracy(show: bool) -> None:
    header = f"{'':<34} {'sensitivity':>18} {'benign flagged':>18}"
    print("by round (the reader was trained on all of them)")
    print(header)
    totals = [0, 0, 0, 0]
    for name, concerning, benign in corpus.all_rounds():
        hits, flagged = _row(name, concerning, benign, show)
        totals = [
            a + b
            for a, b in zip(totals, (hits, len(concerning), flagged, len(benign)), strict=True)
        ]
    print(f"{'overall':<34} {_share(totals[0], totals[1]):>18} {_share(totals[2], totals[3]):>18}")
    print()
    print("by kind of message (rounds 10 and later, as their writers filed them)")
    print(header)
    kinds: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for path in sorted(corpus.ROUNDS_DIRECTORY.glob("round_*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            label, kind, text = line.split("\t")
            kind = kind.removeprefix("lookalike_")
            kinds[kind][0 if label == "C" else 1].append(text)
    for kind, (concerning, benign) in sorted(kinds.items()):
        if len(concerning) + len(benign) >= 10:
            _row(kind, concerning, benign, show=False)
    print()
    print("first seen: each round as it scored before the detector learned from it")
    print(f"{'round':<20} {'sensitivity':>18} {'benign flagged':>18}  measured on")
    for name, detector, hits, concerning, flagged, benign in corpus.FIRST_SEEN:
        print(
            f"{name:<20} {_share(hits, concerning):>18} {_share(flagged, benign):>18}  {detector}"
        )


def speed(passes: int) -> None:
    texts = [text for _, concerning, benign in corpus.all_rounds() for text in concerning + benign]
    texts = texts[::10]
    print()
    for name, check in (
        ("whole detector", match_crisis_language),
        ("reader alone", semantic.probability),
    ):
        cpu: list[float] = []
        for _ in range(passes):
            for text in texts:
                cpu_start = time.thread_time_ns()
                check(text)
                cpu.append((time.thread_time_ns() - cpu_start) / 1e6)
        ordered = sorted(cpu)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        print(
            f"speed, {name}, cpu: {len(cpu)} messages, median {statistics.median(cpu):.1f} ms, "
            f"p99 {p99:.1f} ms, max {ordered[-1]:.1f} ms"
        )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    semantic.warm()
    print(f"reader loaded in {time.perf_counter() - started:.2f} s\n")
    accuracy(args.misses)
    speed(args.passes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
