"""Every SMS a patient or clinician receives fits one 320-character GSM-7 message."""

import pytest

from followup.clinical import defaults
from followup.clinical.instruments import INSTRUMENTS
from followup.messaging.texts import MAX_LENGTH, gsm7_length, render_sms, sms_name, to_gsm7
from followup.models import Clinic
from followup.services.paging import crisis_text

LONG_CLINIC = "Riverside Ketamine and Wellness Clinic of Greater Chicago"
COMMON = {
    "clinic": LONG_CLINIC,
    "crisis_line": defaults.CRISIS_LINE,
    "emergency_line": defaults.EMERGENCY_LINE,
    "url": "https://followup.example.org/c/NQ:1vGm2x:abcdefghijklmnopqrstuvwxyz0123456789AB",
    "options": INSTRUMENTS["phq9"].options,
    "code": "K7P2Q",
}


def fits(text: str) -> bool:
    return to_gsm7(text) == text and gsm7_length(text) <= MAX_LENGTH


@pytest.mark.parametrize(
    ("code", "number"),
    [(code, item.number) for code, i in INSTRUMENTS.items() for item in i.items],
)
def test_every_question_fits_even_the_first_with_a_long_clinic_name(code: str, number: int) -> None:
    instrument = INSTRUMENTS[code]
    text = render_sms(
        "question",
        first=number == 1,
        clinic=LONG_CLINIC,
        stem=instrument.stem if number == 1 else "",
        number=number,
        count=16,
        item=instrument.items[number - 1].text,
        options=instrument.options,
    )

    assert fits(text), (gsm7_length(text), text)


@pytest.mark.parametrize(
    "name",
    [
        "reprompt",
        "thanks",
        "reminder",
        "web_link",
        "web_reminder",
        "link",
        "help",
        "stop",
        "start",
        "no_check_in",
        "acknowledged",
    ],
)
def test_every_other_text_fits(name: str) -> None:
    assert fits(render_sms(name, **COMMON))


@pytest.mark.parametrize("told", [True, False])
def test_the_crisis_message_fits_and_names_988_and_911(told: bool) -> None:
    text = render_sms("crisis", clinician_told=told, **COMMON)

    assert fits(text)
    assert "988" in text
    assert "911" in text
    assert ("being told now" in text) is told


# Resources a clinic outside the US might set, longer than the 988/911 defaults.
UK_CRISIS_LINE = "Samaritans (call 116 123, free, day or night) or text SHOUT to 85258"
UK_EMERGENCY_LINE = "call 999 or go to A&E at your nearest hospital"


@pytest.mark.parametrize("told", [True, False])
@pytest.mark.parametrize(
    ("phone", "country", "written"),
    [
        ("+13125550142", "US", "(312) 555-0142"),
        ("+18005550199", "US", "(800) 555-0199"),
        ("+442079460000", "GB", "020 7946 0000"),
        ("+442079460000", "US", "+44 20 7946 0000"),  # a number abroad, whole
    ],
)
def test_the_crisis_message_gives_the_clinics_own_number_readably(
    told: bool, phone: str, country: str, written: str
) -> None:
    clinic = Clinic(name=LONG_CLINIC, phone=phone, country=country)

    text = crisis_text(clinic, clinician_told=told)

    assert fits(text), (gsm7_length(text), text)
    assert text.startswith("Riverside Ketamine: if you are thinking about hurting yourself")
    assert "988" in text
    assert "911" in text
    if told:
        assert text.endswith(
            f"\nOur on-call clinician is being told now. You can also call us at {written}."
        )
    else:
        assert text.endswith(f"\nPlease also call us at {written} and tell us how you are.")


@pytest.mark.parametrize("told", [True, False])
def test_the_crisis_message_fits_with_long_resources_and_the_longest_number(told: bool) -> None:
    clinic = Clinic(
        name=LONG_CLINIC,
        crisis_line=UK_CRISIS_LINE,
        emergency_line=UK_EMERGENCY_LINE,
        phone="+442079460000",
        country="US",
    )

    text = crisis_text(clinic, clinician_told=told)

    assert fits(text), (gsm7_length(text), text)
    assert UK_CRISIS_LINE in text
    assert "+44 20 7946 0000" in text


@pytest.mark.parametrize("told", [True, False])
def test_without_a_clinic_number_the_crisis_message_promises_none(told: bool) -> None:
    text = crisis_text(Clinic(name=LONG_CLINIC), clinician_told=told)

    assert fits(text)
    assert "call us at" not in text
    assert text.endswith(
        "Our on-call clinician is being told now."
        if told
        else "Please also call us and tell us how you are."
    )


def test_a_page_fits() -> None:
    text = render_sms(
        "page",
        priority="critical",
        reason="thoughts of self-harm reported",
        initials="PJ",
        url="https://followup.example.org/dashboard/flags/123456/",
        **{k: v for k, v in COMMON.items() if k not in ("url",)},
    )

    assert fits(text)
    assert text.endswith("Reply ACK K7P2Q to acknowledge.")


def test_long_clinic_names_are_cut_at_a_word() -> None:
    assert sms_name(LONG_CLINIC) == "Riverside Ketamine"
    assert sms_name("Short Clinic") == "Short Clinic"
