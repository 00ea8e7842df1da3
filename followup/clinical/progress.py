"""Progress over a treatment course (CLINICAL.md), as pure functions over plain data.

Everything here takes complete scores (a time and a total) and returns plain values: no Django,
no database. Higher totals are worse on both scales, so a negative change is an improvement.

- Baseline: on each scale, the last complete score at or before the first session (the check-in
  at enrolment, typically), else the first complete score. A score 24 h after a session falls
  near the drug's peak effect, so a pre-treatment score is preferred; when there is none, the
  first score is still used, and ``Baseline.timing`` says so for the page to show. With no
  session yet every score is pre-treatment: the latest is the baseline so far, and there is no
  course to speak of.
- Response: PHQ-9 at least 50% below baseline, only for a baseline of 10 or more.
- Remission: PHQ-9 below 5, only from a baseline of 5 or more (mild or worse): a patient who
  was minimal at baseline cannot remit, and the page says the baseline was minimal instead.
- Reliable improvement (deterioration): PHQ-9 6 or more points below (above) baseline, GAD-7 4
  or more (the NHS Talking Therapies reliable-change thresholds).
- Minimal important improvement (Kounali et al. 2022): about a 20% drop from baseline. Named
  only when nothing stronger applies, and only from a baseline above the minimal band (5 or
  more): a drop from 2 to 1 is 50% and means nothing.

Response, remission and reliable change describe a course, so they need a follow-up score: a
score after the baseline. A patient with one score has a baseline and nothing else yet.
"""

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass

PHQ9 = "phq9"
GAD7 = "gad7"

# CLINICAL.md, "Progress over a treatment course".
RESPONSE_MIN_BASELINE = 10
REMISSION_BELOW = 5
REMISSION_MIN_BASELINE = 5  # the mild band or worse: below it there is nothing to remit from
RELIABLE_CHANGE_POINTS: dict[str, int] = {PHQ9: 6, GAD7: 4}
MINIMAL_IMPORTANT_DROP_PERCENT = 20
MINIMAL_IMPORTANT_MIN_BASELINE = 5


@dataclass(frozen=True, order=True)
class Point:
    """One complete score: when it was submitted and its total."""

    at: dt.datetime
    total: int


class BaselineTiming(enum.Enum):
    BEFORE_FIRST_SESSION = "before_first_session"  # the expected case
    AFTER_FIRST_SESSION = "after_first_session"  # no score before treatment began
    NO_SESSION_YET = "no_session_yet"  # no session recorded: nothing to be before or after


@dataclass(frozen=True)
class Baseline:
    at: dt.datetime
    total: int
    timing: BaselineTiming

    @property
    def is_pre_treatment(self) -> bool:
        return self.timing is not BaselineTiming.AFTER_FIRST_SESSION


class ReliableChange(enum.Enum):
    IMPROVEMENT = "improvement"
    DETERIORATION = "deterioration"


class Direction(enum.Enum):
    WORSE = "worse"
    BETTER = "better"
    SAME = "same"


@dataclass(frozen=True)
class Trend:
    """The latest score against the one before it, in words as well as an arrow."""

    direction: Direction
    points: int  # absolute difference

    @property
    def arrow(self) -> str:
        return {Direction.WORSE: "↑", Direction.BETTER: "↓", Direction.SAME: "→"}[self.direction]

    @property
    def words(self) -> str:
        if self.direction is Direction.SAME:
            return "same"
        return f"{self.points} {self.direction.value}"

    def __str__(self) -> str:
        return f"{self.arrow} {self.words}"


@dataclass(frozen=True)
class Course:
    """One scale's course: baseline, latest follow-up score, change, and what the change means."""

    instrument: str
    baseline: Baseline | None
    latest: Point | None  # the latest score after the baseline; None until there is one
    change: int | None  # latest - baseline: negative is better
    percent_change: int | None  # rounded towards zero, e.g. -50
    response: bool | None  # PHQ-9 only; None when it does not apply (see ``response``)
    remission: bool | None  # PHQ-9 only; None without a follow-up score or from a minimal baseline
    reliable: ReliableChange | None
    minimal_improvement: bool | None = None  # None from a baseline in the minimal band

    @property
    def has_follow_up(self) -> bool:
        return self.latest is not None

    @property
    def minimal_baseline(self) -> bool:
        """A PHQ-9 baseline in the minimal band (below 5): remission cannot be claimed."""
        return (
            self.instrument == PHQ9
            and self.baseline is not None
            and self.baseline.total < REMISSION_MIN_BASELINE
        )


# --- The building blocks --------------------------------------------------------------------


def ordered(points: Sequence[Point]) -> list[Point]:
    """Oldest first; ties keep their given order."""
    return sorted(points, key=lambda point: point.at)


def baseline(points: Sequence[Point], first_session_at: dt.datetime | None) -> Baseline | None:
    """The last complete score at or before the first session, else the first complete score;
    and which of the two it is."""
    return _baseline_and_follow_ups(points, first_session_at)[0]


def _baseline_and_follow_ups(
    points: Sequence[Point], first_session_at: dt.datetime | None
) -> tuple[Baseline | None, list[Point]]:
    """The baseline, and the scores after it, oldest first."""
    if not points:
        return None, []
    in_order = ordered(points)
    if first_session_at is None:
        index, timing = len(in_order) - 1, BaselineTiming.NO_SESSION_YET
    else:
        before = [i for i, point in enumerate(in_order) if point.at <= first_session_at]
        if before:
            index, timing = before[-1], BaselineTiming.BEFORE_FIRST_SESSION
        else:
            index, timing = 0, BaselineTiming.AFTER_FIRST_SESSION
    chosen = in_order[index]
    return Baseline(at=chosen.at, total=chosen.total, timing=timing), in_order[index + 1 :]


def latest(points: Sequence[Point]) -> Point | None:
    return ordered(points)[-1] if points else None


def change(baseline_total: int, latest_total: int) -> int:
    """Points from baseline to latest: negative is better."""
    return latest_total - baseline_total


def percent_change(baseline_total: int, latest_total: int) -> int | None:
    """Change as a whole percentage of baseline, rounded towards zero; None from a baseline of 0."""
    if baseline_total == 0:
        return None
    return int(100 * (latest_total - baseline_total) / baseline_total)


def response(baseline_total: int, latest_total: int) -> bool | None:
    """PHQ-9 at least 50% below baseline; None (not applicable) for a baseline below 10."""
    if baseline_total < RESPONSE_MIN_BASELINE:
        return None
    # In integers, so that exactly half is a response: 2 * latest <= baseline.
    return 2 * latest_total <= baseline_total


def remission(baseline_total: int, latest_total: int) -> bool | None:
    """PHQ-9 below 5; None (not applicable) from a baseline below 5, already minimal."""
    if baseline_total < REMISSION_MIN_BASELINE:
        return None
    return latest_total < REMISSION_BELOW


def reliable_change(
    instrument: str, baseline_total: int, latest_total: int
) -> ReliableChange | None:
    """A change from baseline at least as large as the scale's reliable-change threshold."""
    threshold = RELIABLE_CHANGE_POINTS[instrument]
    difference = latest_total - baseline_total
    if difference <= -threshold:
        return ReliableChange.IMPROVEMENT
    if difference >= threshold:
        return ReliableChange.DETERIORATION
    return None


def minimal_improvement(baseline_total: int, latest_total: int) -> bool | None:
    """At least 20% below baseline; None (not applicable) from a baseline below 5."""
    if baseline_total < MINIMAL_IMPORTANT_MIN_BASELINE:
        return None
    # In integers: (baseline - latest) / baseline >= 20 / 100.
    drop = baseline_total - latest_total
    return 100 * drop >= MINIMAL_IMPORTANT_DROP_PERCENT * baseline_total


def trend(previous_total: int | None, latest_total: int | None) -> Trend | None:
    """The latest complete score against the previous one; None without both."""
    if previous_total is None or latest_total is None:
        return None
    difference = latest_total - previous_total
    if difference > 0:
        return Trend(Direction.WORSE, difference)
    if difference < 0:
        return Trend(Direction.BETTER, -difference)
    return Trend(Direction.SAME, 0)


# --- A whole course -------------------------------------------------------------------------


def course(
    instrument: str, points: Sequence[Point], first_session_at: dt.datetime | None
) -> Course:
    """Baseline, latest follow-up score and what the change means, for one scale."""
    if instrument not in RELIABLE_CHANGE_POINTS:
        raise ValueError(f"unknown instrument {instrument!r}")
    base, follow_ups = _baseline_and_follow_ups(points, first_session_at)
    last = follow_ups[-1] if follow_ups else None
    if base is None or last is None:
        return Course(instrument, base, None, None, None, None, None, None)
    is_phq9 = instrument == PHQ9
    return Course(
        instrument=instrument,
        baseline=base,
        latest=last,
        change=change(base.total, last.total),
        percent_change=percent_change(base.total, last.total),
        response=response(base.total, last.total) if is_phq9 else None,
        remission=remission(base.total, last.total) if is_phq9 else None,
        reliable=reliable_change(instrument, base.total, last.total),
        minimal_improvement=minimal_improvement(base.total, last.total),
    )


@dataclass(frozen=True)
class Status:
    """One word for the page, with the badge it wears (the word carries the meaning)."""

    label: str
    tone: str  # ok, moderate, high, muted: a dashboard badge modifier


def statuses(course: Course) -> list[Status]:
    """What the course amounts to, in CLINICAL.md's words.

    PHQ-9: "Response", "Remission", "Reliable improvement" or "Reliable deterioration", in that
    order; else "Minimal important improvement" (20% below baseline), else "No response yet".
    From a minimal PHQ-9 baseline (below 5) none of response, remission or a 20% drop can apply:
    "Minimal at baseline" says so, beside any reliable change.
    GAD-7 has reliable change, else the minimal improvement, else "No reliable change yet".
    Without a follow-up score: "No follow-up score yet"; without any score: "No scores yet".
    """
    if course.baseline is None:
        return [Status("No scores yet", "muted")]
    if not course.has_follow_up:
        return [Status("No follow-up score yet", "muted")]
    found: list[Status] = []
    if course.minimal_baseline:
        found.append(Status("Minimal at baseline", "muted"))
    if course.response:
        found.append(Status("Response", "ok"))
    if course.remission:
        found.append(Status("Remission", "ok"))
    if course.reliable is ReliableChange.IMPROVEMENT:
        found.append(Status("Reliable improvement", "ok"))
    elif course.reliable is ReliableChange.DETERIORATION:
        found.append(Status("Reliable deterioration", "high"))
    if not found and course.minimal_improvement:
        found.append(Status("Minimal important improvement", "ok"))
    if not found:
        empty = "No response yet" if course.instrument == PHQ9 else "No reliable change yet"
        found.append(Status(empty, "muted"))
    return found
