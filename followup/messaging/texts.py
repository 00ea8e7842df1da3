"""SMS texts, rendered from ``followup/templates/sms/`` and kept GSM-7 and short.

CLINICAL.md: each SMS within 320 characters and in GSM-7 characters (no curly quotes or emoji),
so it arrives whole and cheaply; no diagnosis, drug names, scores or echoed answers.
"""

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.template import Context, Engine
from django.utils.safestring import mark_safe

logger = logging.getLogger(__name__)
MAX_LENGTH = 320
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "sms"

# GSM 03.38 basic set and extension table (the extension characters count double).
_GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENDED = set("^{}\\[~]|€")
_GSM7 = frozenset(_GSM7_BASIC | _GSM7_EXTENDED)
_REPLACEMENTS = {
    "\u2014": "-",  # em dash, in PHQ-9 items 6 and 8
    "\u2013": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2026": "...",
    "\u00a0": " ",
}


def to_gsm7(text: str) -> str:
    """``text`` with typographic characters replaced by their GSM-7 equivalents.

    Raises ``ValueError`` for anything left outside GSM-7 (it would turn the SMS into UCS-2).
    """
    for char, plain in _REPLACEMENTS.items():
        text = text.replace(char, plain)
    outside = sorted({char for char in text if char not in _GSM7})
    if outside:
        raise ValueError(f"not GSM-7: {outside!r}")
    return text


def to_gsm7_lenient(text: str) -> str:
    """``to_gsm7``, with anything still outside GSM-7 replaced by ``?``: for a message that
    must go out whatever a clinic typed into its settings."""
    text = "".join(_REPLACEMENTS.get(char, char) for char in text)
    return "".join(c if c in _GSM7 else "?" for c in text)


def gsm7_length(text: str) -> int:
    return sum(2 if char in _GSM7_EXTENDED else 1 for char in text)


@cache
def _engine() -> Engine:
    return Engine(dirs=[str(TEMPLATES)], autoescape=False)


CLINIC_NAME_LENGTH = 30


def sms_name(clinic_name: str) -> str:
    """The clinic's name as SMS show it: whole when short, else cut at a word, so every text
    keeps within 320 characters whatever the name."""
    if len(clinic_name) <= CLINIC_NAME_LENGTH:
        return clinic_name
    words = clinic_name[: CLINIC_NAME_LENGTH + 1].split()[:-1]
    while words and words[-1].lower().strip(",-&") in ("", "and", "of", "the", "for", "at"):
        words.pop()
    return " ".join(words) or clinic_name[:CLINIC_NAME_LENGTH]


def render_sms(name: str, **context: object) -> str:
    """Render ``sms/<name>.txt``: lines stripped, blank lines dropped, GSM-7, at most 320.

    What a clinic typed into its settings (a long crisis line, a curly quote) can break those
    limits; the text then goes out anyway, longer or with ``?``, and the error is logged: a
    crisis message or a page must never fail to be written.
    """
    clinic = context.get("clinic")
    if isinstance(clinic, str):
        context["clinic"] = sms_name(clinic)
    raw = _engine().get_template(f"{name}.txt").render(Context(context, autoescape=False))
    text = "\n".join(line.strip() for line in raw.splitlines() if line.strip())
    try:
        text = to_gsm7(text)
    except ValueError:
        logger.error("sms/%s.txt has characters outside GSM-7; replaced", name)
        text = to_gsm7_lenient(text)
    if gsm7_length(text) > MAX_LENGTH:
        logger.error("sms/%s.txt renders %s characters", name, gsm7_length(text))
    return text


@dataclass(frozen=True)
class CrisisText:
    """The crisis message (``sms/crisis.txt``), the one wording the SMS, the web check-in's
    crisis box and the API's ``crisis_resources`` all show, in its parts for each to lay out."""

    opening: str  # If you are thinking about hurting yourself, you are not alone.
    resources: tuple[str, ...]  # where to reach help now: the crisis line, the emergency line
    clinic: str  # the clinic's part: told or not, its number; "" without a clinic

    @property
    def sms(self) -> str:
        """As the SMS lays it out: the resources on one line, the clinic's part on the next."""
        first = " ".join((self.opening, *self.resources))
        return f"{first}\n{self.clinic}" if self.clinic else first

    @property
    def paragraph(self) -> str:
        return " ".join(part for part in (self.opening, *self.resources, self.clinic) if part)


def crisis_render(*, web: bool = False, html: bool = False, **context: object) -> CrisisText:
    """Render ``sms/crisis.txt``, one sentence a line: the clinic's SMS (by ``render_sms``: its
    name first, GSM-7 and short), or with ``web`` the words the web check-in and its API show,
    ``html`` escaped for a page (``clinic_phone`` may then be a link)."""
    if web:
        raw = (
            _engine()
            .get_template("crisis.txt")
            .render(Context({**context, "web": True}, autoescape=html))
        )
        lines = [line.strip() for line in raw.splitlines() if line.strip()]
    else:
        lines = render_sms("crisis", **context).split("\n")
    opening, *resources = lines[:3]
    clinic = " ".join(lines[3:])
    if html:  # escaped by the template as it rendered
        opening, clinic = mark_safe(opening), mark_safe(clinic)  # noqa: S308
        resources = [mark_safe(line) for line in resources]  # noqa: S308
    return CrisisText(opening=opening, resources=tuple(resources), clinic=clinic)
