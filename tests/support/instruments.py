"""The PHQ-9 and GAD-7 tables of CLINICAL.md, written out again so the code is checked against
them, for the tests of the instruments."""

ITEM_COUNT = {"phq9": 9, "gad7": 7}
MAX_TOTAL = {"phq9": 27, "gad7": 21}

# The severity tables of CLINICAL.md, written out again so the code is checked against them.
BANDS = {
    "phq9": [
        (0, 4, "minimal"),
        (5, 9, "mild"),
        (10, 14, "moderate"),
        (15, 19, "moderately_severe"),
        (20, 27, "severe"),
    ],
    "gad7": [(0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 21, "severe")],
}


def expected_severity(code: str, total: int) -> str:
    return next(name for low, high, name in BANDS[code] if low <= total <= high)


def answers_totalling(code: str, total: int) -> list[int]:
    """Valid answers with the given total, filled from the first item."""
    answers = []
    for _ in range(ITEM_COUNT[code]):
        value = min(3, total)
        answers.append(value)
        total -= value
    assert total == 0
    return answers
