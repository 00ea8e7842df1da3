"""Progress over a treatment course (CLINICAL.md) as tables: baseline, response, remission,
reliable change and the trend arrow."""

import datetime as dt

import pytest

from followup.clinical import progress
from followup.clinical.progress import (
    Baseline,
    BaselineTiming,
    Direction,
    Point,
    ReliableChange,
    Trend,
    course,
    statuses,
)

T0 = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)


def day(n: int) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


def points(*totals: int) -> list[Point]:
    """One score a week from T0."""
    return [Point(day(7 * i), total) for i, total in enumerate(totals)]


# --- Baseline -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "first_session", "expected"),
    [
        ([], day(0), None),
        (points(14), day(1), Baseline(day(0), 14, BaselineTiming.BEFORE_FIRST_SESSION)),
        # At the session itself still counts as before it.
        (points(14), day(0), Baseline(day(0), 14, BaselineTiming.BEFORE_FIRST_SESSION)),
        # The last score before the session (the check-in at enrolment), not the first one.
        (points(14, 12, 8), day(8), Baseline(day(7), 12, BaselineTiming.BEFORE_FIRST_SESSION)),
        (points(14, 12, 8), day(7), Baseline(day(7), 12, BaselineTiming.BEFORE_FIRST_SESSION)),
        # Nothing before the first session: the first score, marked as after it.
        (points(14, 12), day(-1), Baseline(day(0), 14, BaselineTiming.AFTER_FIRST_SESSION)),
        # No session yet: every score is before treatment, the latest the baseline so far.
        (points(14, 12), None, Baseline(day(7), 12, BaselineTiming.NO_SESSION_YET)),
        # Given out of order: still the last one before the session.
        (
            [Point(day(9), 3), Point(day(2), 17)],
            day(5),
            Baseline(day(2), 17, BaselineTiming.BEFORE_FIRST_SESSION),
        ),
    ],
)
def test_it_takes_the_last_score_before_the_first_session_as_baseline(
    scores: list[Point], first_session: dt.datetime | None, expected: Baseline | None
) -> None:
    assert progress.baseline(scores, first_session) == expected


def test_it_says_whether_the_baseline_is_pre_treatment() -> None:
    assert progress.baseline(points(9), day(1)).is_pre_treatment
    assert progress.baseline(points(9), None).is_pre_treatment
    assert not progress.baseline(points(9), day(-1)).is_pre_treatment


# --- Response, remission, reliable change ---------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "latest", "expected"),
    [
        (9, 0, None),  # baseline below 10: response does not apply, even at 0
        (9, 4, None),
        (10, 5, True),  # exactly 50% below
        (10, 6, False),
        (11, 5, True),  # 54.5% below
        (11, 6, False),  # 45.5% below
        (20, 10, True),
        (20, 11, False),
        (27, 13, True),
        (27, 14, False),
        (15, 20, False),  # worse
    ],
)
def test_it_calls_a_response_at_half_the_baseline_from_ten(
    baseline: int, latest: int, expected: bool | None
) -> None:
    assert progress.response(baseline, latest) is expected


@pytest.mark.parametrize(
    ("baseline", "latest", "expected"),
    [
        (10, 0, True),
        (10, 4, True),
        (10, 5, False),
        (27, 27, False),
        (5, 4, True),  # from the lowest mild baseline
        (4, 0, None),  # minimal at baseline: there is nothing to remit from
        (0, 0, None),
        (4, 9, None),
    ],
)
def test_it_calls_remission_below_five_from_a_mild_or_worse_baseline(
    baseline: int, latest: int, expected: bool | None
) -> None:
    assert progress.remission(baseline, latest) is expected


@pytest.mark.parametrize(
    ("instrument", "baseline", "latest", "expected"),
    [
        ("phq9", 18, 12, ReliableChange.IMPROVEMENT),  # -6
        ("phq9", 18, 13, None),  # -5
        ("phq9", 12, 18, ReliableChange.DETERIORATION),  # +6
        ("phq9", 12, 17, None),  # +5
        ("gad7", 14, 10, ReliableChange.IMPROVEMENT),  # -4
        ("gad7", 14, 11, None),  # -3
        ("gad7", 10, 14, ReliableChange.DETERIORATION),  # +4
        ("gad7", 10, 13, None),  # +3
        ("gad7", 4, 0, ReliableChange.IMPROVEMENT),
    ],
)
def test_it_calls_reliable_change_at_six_phq9_and_four_gad7_points(
    instrument: str, baseline: int, latest: int, expected: ReliableChange | None
) -> None:
    assert progress.reliable_change(instrument, baseline, latest) is expected


@pytest.mark.parametrize(
    ("baseline", "latest", "points_", "percent"),
    [(14, 8, -6, -42), (10, 5, -5, -50), (8, 12, 4, 50), (0, 3, 3, None), (7, 7, 0, 0)],
)
def test_it_measures_change_from_baseline(
    baseline: int, latest: int, points_: int, percent: int | None
) -> None:
    assert progress.change(baseline, latest) == points_
    assert progress.percent_change(baseline, latest) == percent


@pytest.mark.parametrize(
    ("previous", "latest", "expected", "text"),
    [
        (10, 15, Trend(Direction.WORSE, 5), "↑ 5 worse"),
        (10, 7, Trend(Direction.BETTER, 3), "↓ 3 better"),
        (10, 10, Trend(Direction.SAME, 0), "→ same"),
        (None, 10, None, None),
        (10, None, None, None),
    ],
)
def test_it_puts_the_trend_in_an_arrow_and_words(
    previous: int | None, latest: int | None, expected: Trend | None, text: str | None
) -> None:
    result = progress.trend(previous, latest)
    assert result == expected
    if text is not None:
        assert str(result) == text


# --- A whole course and its statuses --------------------------------------------------------


def labels(instrument: str, *totals: int) -> list[str]:
    return [s.label for s in statuses(course(instrument, points(*totals), day(1)))]


@pytest.mark.parametrize(
    ("instrument", "totals", "expected"),
    [
        ("phq9", (), ["No scores yet"]),
        ("phq9", (14,), ["No follow-up score yet"]),
        # Remission at a follow-up that is not a response (baseline 9: response cannot apply).
        ("phq9", (9, 4), ["Remission"]),
        ("phq9", (9, 5), ["Minimal important improvement"]),  # 44% below a baseline of 9
        ("phq9", (10, 9), ["No response yet"]),  # 10% below
        ("phq9", (10, 8), ["Minimal important improvement"]),  # exactly 20% below
        # Minimal band at baseline: no remission, response or "20%" to speak of; says so.
        ("phq9", (4, 0), ["Minimal at baseline"]),
        ("phq9", (4, 4), ["Minimal at baseline"]),
        ("phq9", (3, 10), ["Minimal at baseline", "Reliable deterioration"]),
        ("phq9", (5, 4), ["Remission"]),  # mild at baseline: remission can be claimed
        ("phq9", (9, 3), ["Remission", "Reliable improvement"]),
        ("phq9", (10, 5), ["Response"]),
        ("phq9", (10, 4), ["Response", "Remission", "Reliable improvement"]),
        ("phq9", (20, 14), ["Reliable improvement"]),
        ("phq9", (20, 10), ["Response", "Reliable improvement"]),
        ("phq9", (20, 4), ["Response", "Remission", "Reliable improvement"]),
        ("phq9", (12, 18), ["Reliable deterioration"]),
        ("phq9", (14, 3, 12), ["No response yet"]),  # the latest counts, not the best
        ("phq9", (14, 3, 11), ["Minimal important improvement"]),  # 21% below
        ("gad7", (14, 10), ["Reliable improvement"]),
        ("gad7", (14, 11), ["Minimal important improvement"]),  # 21% below
        ("gad7", (14, 12), ["No reliable change yet"]),
        ("gad7", (8, 12), ["Reliable deterioration"]),
        ("gad7", (2, 1), ["No reliable change yet"]),  # no remission; 50% of 2 is nothing
    ],
)
def test_it_names_the_course_as_clinical_md_does(
    instrument: str, totals: tuple[int, ...], expected: list[str]
) -> None:
    assert labels(instrument, *totals) == expected


def test_it_keeps_the_parts_of_a_course() -> None:
    result = course("phq9", points(16, 12, 7), day(1))

    assert result.baseline == Baseline(day(0), 16, BaselineTiming.BEFORE_FIRST_SESSION)
    assert result.latest == Point(day(14), 7)
    assert (result.change, result.percent_change) == (-9, -56)
    assert (result.response, result.remission) == (True, False)
    assert result.reliable is ReliableChange.IMPROVEMENT


def test_it_measures_the_course_from_the_last_score_before_treatment() -> None:
    # Scores at enrolment (day 0) and a week later (day 7), the first session on day 8.
    result = course("phq9", points(18, 14, 7), day(8))

    assert result.baseline == Baseline(day(7), 14, BaselineTiming.BEFORE_FIRST_SESSION)
    assert result.latest == Point(day(14), 7)
    assert (result.change, result.percent_change) == (-7, -50)
    assert (result.response, result.remission) == (True, False)
    assert [s.label for s in statuses(result)] == ["Response", "Reliable improvement"]


def test_it_has_no_course_before_the_first_session() -> None:
    result = course("phq9", points(18, 14), None)

    assert result.baseline == Baseline(day(7), 14, BaselineTiming.NO_SESSION_YET)
    assert not result.has_follow_up
    assert [s.label for s in statuses(result)] == ["No follow-up score yet"]


def test_it_leaves_response_and_remission_to_the_phq9() -> None:
    result = course("gad7", points(16, 2), day(1))

    assert (result.response, result.remission) == (None, None)
    assert result.reliable is ReliableChange.IMPROVEMENT


def test_it_refuses_an_unknown_scale() -> None:
    with pytest.raises(ValueError, match="unknown instrument"):
        course("bdi", points(3), None)
