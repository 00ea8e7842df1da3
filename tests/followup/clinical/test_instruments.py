"""The PHQ-9 and GAD-7 as CLINICAL.md states them: texts, LOINC codes, options, severity bands;
and the module stays plain Python."""

import subprocess
import sys
from pathlib import Path

import pytest

from followup.clinical.instruments import (
    INSTRUMENTS,
    Band,
    InvalidTotal,
    UnknownInstrument,
    get_instrument,
    score,
    severity,
)
from tests.support.instruments import BANDS, ITEM_COUNT, MAX_TOTAL, answers_totalling

# --- The instruments as data ----------------------------------------------------------------


def test_it_lists_phq9_then_gad7() -> None:
    assert list(INSTRUMENTS) == ["phq9", "gad7"]
    assert [instrument.name for instrument in INSTRUMENTS.values()] == ["PHQ-9", "GAD-7"]


@pytest.mark.parametrize("code", ["phq9", "gad7"])
def test_it_gets_an_instrument_by_code(code: str) -> None:
    instrument = get_instrument(code)

    assert instrument.code == code
    assert instrument.item_count == ITEM_COUNT[code]
    assert instrument.max_total == MAX_TOTAL[code]
    assert [item.number for item in instrument.items] == list(range(1, ITEM_COUNT[code] + 1))


@pytest.mark.parametrize("code", ["PHQ9", "phq-9", "phq8", "", None, ["phq9"]])
def test_it_refuses_an_unknown_instrument(code: object) -> None:
    with pytest.raises(UnknownInstrument) as caught:
        get_instrument(code)  # type: ignore[arg-type]

    assert caught.value.code == "unknown_instrument"
    assert caught.value.field == "instrument"
    assert "expected phq9 or gad7" in caught.value.message


def test_it_uses_the_loinc_codes_of_clinical_md() -> None:
    phq9, gad7 = INSTRUMENTS["phq9"], INSTRUMENTS["gad7"]

    assert (phq9.panel_loinc, phq9.total_loinc) == ("44249-1", "44261-6")
    assert " ".join(item.loinc for item in phq9.items) == (
        "44250-9 44255-8 44259-0 44254-1 44251-7 44258-2 44252-5 44253-3 44260-8"
    )
    assert (gad7.panel_loinc, gad7.total_loinc) == ("69737-5", "70274-6")
    assert " ".join(item.loinc for item in gad7.items) == (
        "69725-0 68509-9 69733-4 69734-2 69735-9 69689-8 69736-7"
    )


@pytest.mark.parametrize("code", ["phq9", "gad7"])
def test_it_offers_the_four_frequency_options(code: str) -> None:
    options = [(o.value, o.label, o.loinc) for o in get_instrument(code).options]

    assert options == [
        (0, "Not at all", "LA6568-5"),
        (1, "Several days", "LA6569-3"),
        (2, "More than half the days", "LA6570-1"),
        (3, "Nearly every day", "LA6571-9"),
    ]


@pytest.mark.parametrize("code", ["phq9", "gad7"])
def test_it_asks_the_unscored_difficulty_question(code: str) -> None:
    difficulty = get_instrument(code).difficulty

    assert difficulty.loinc == "69722-7"
    assert difficulty.text == (
        "If you checked off any problems, how difficult have these problems made it for you to do "
        "your work, take care of things at home, or get along with other people?"
    )
    assert [(o.value, o.label) for o in difficulty.options] == [
        (0, "Not difficult at all"),
        (1, "Somewhat difficult"),
        (2, "Very difficult"),
        (3, "Extremely difficult"),
    ]


def test_it_shows_the_phq9_wording_verbatim() -> None:
    phq9 = INSTRUMENTS["phq9"]

    assert phq9.stem == (
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    )
    assert phq9.items[0].text == "Little interest or pleasure in doing things"
    assert phq9.items[5].text == (
        "Feeling bad about yourself \u2014 or that you are a failure or have let yourself or your "
        "family down"
    )
    assert phq9.items[7].text == (
        "Moving or speaking so slowly that other people could have noticed. Or the opposite "
        "\u2014 being so fidgety or restless that you have been moving around a lot more than usual"
    )
    assert phq9.items[8].text == (
        "Thoughts that you would be better off dead, or of hurting yourself in some way"
    )


def test_it_shows_the_gad7_wording_verbatim() -> None:
    gad7 = INSTRUMENTS["gad7"]

    assert gad7.stem == (
        "Over the last 2 weeks, how often have you been bothered by the following problems?"
    )
    assert gad7.items[1].text == "Not being able to stop or control worrying"
    assert gad7.items[6].text == "Feeling afraid, as if something awful might happen"


@pytest.mark.parametrize("code", ["phq9", "gad7"])
def test_it_has_bands_covering_every_total_once(code: str) -> None:
    bands = get_instrument(code).bands

    assert [(band.low, band.high, band.code) for band in bands] == BANDS[code]
    assert all(isinstance(band, Band) and band.label for band in bands)
    covered = [total for band in bands for total in range(band.low, band.high + 1)]
    assert covered == list(range(MAX_TOTAL[code] + 1))


def test_it_labels_bands_for_humans() -> None:
    labels = [band.label for band in INSTRUMENTS["phq9"].bands]

    assert labels == ["Minimal", "Mild", "Moderate", "Moderately severe", "Severe"]


# --- Severity -------------------------------------------------------------------------------


# Both ends of every band of BANDS: PHQ-9 0/4, 5/9, 10/14, 15/19, 20/27; GAD-7 0/4, 5/9, 10/14,
# 15/21.
BOUNDARIES = [
    (code, total, name)
    for code, bands in BANDS.items()
    for low, high, name in bands
    for total in (low, high)
]


@pytest.mark.parametrize(("code", "total", "expected"), BOUNDARIES)
def test_it_bands_each_boundary_total(code: str, total: int, expected: str) -> None:
    assert severity(code, total) == expected
    assert score(code, answers_totalling(code, total)).severity == expected


@pytest.mark.parametrize(
    ("code", "total"),
    [("phq9", -1), ("phq9", 28), ("gad7", 22), ("gad7", -5), ("phq9", True), ("phq9", "5")],
)
def test_it_refuses_a_total_out_of_range(code: str, total: object) -> None:
    with pytest.raises(InvalidTotal) as caught:
        severity(code, total)  # type: ignore[arg-type]

    assert caught.value.code == "invalid_total"
    assert caught.value.field == "total"


# --- Purity ---------------------------------------------------------------------------------


@pytest.mark.processes
def test_it_imports_without_django_or_drf() -> None:
    code = (
        "import sys, followup.clinical.instruments, followup.clinical.rules, followup.clinical.crisis_language\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in {'django', 'rest_framework'}]\n"
        "assert not loaded, loaded\n"
    )
    root = Path(__file__).resolve().parents[3]

    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)
