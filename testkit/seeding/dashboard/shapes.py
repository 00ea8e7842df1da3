"""The dashboard seed's shapes: the people's names and zones, how many responses each check-in
outcome writes, the plans of a patient's history (sessions, check-ins, the unresolved flag),
the clinics, answer vectors scored by ``followup.clinical.instruments``, and flag codes."""

import datetime as dt
import random
from dataclasses import dataclass

MAIN_CLINIC = "Bench Dashboard Clinic"
OTHER_CLINIC = "Bench Dashboard Other Clinic"
HEAVY_PHONE = "+13129000000"
RESPONSES_PER_PATIENT = 10
# The measured clinic has at least this many open and acknowledged flags at any size, so the
# queue shows its full QUEUE_LIMIT rows and sizes compare like with like.
MIN_OPEN_FLAGS, MIN_ACKNOWLEDGED_FLAGS = 20, 100
CHUNK = 5000  # patients per COPY round (one transaction each)
MESSAGE_WINDOW = dt.timedelta(days=90)  # check-in SMS rows are kept for this recent window
HISTORY_FLAG_RATE = 0.15  # share of the history's rule triggers seeded as (resolved) flags


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles")
FIRST_NAMES = _words(
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Lisa Matthew Nancy Anthony "
    "Betty Mark Sandra Steven Ashley Paul Emily Andrew Donna Joshua Michelle Kevin Carol Brian "
    "Amanda Maria Luis Aisha Wei Priya Omar Sofia Mateo Chloe Noah"
)
LAST_NAMES = _words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Okafor Kowalski "
    "Lindqvist Moreno Patel Kim Chen Schmidt Rossi Dubois"
)


# Responses written per check-in outcome ("pool": a past check-in whose outcome is drawn so that
# the clinic's total comes out exact).
RESPONSES_OF = {
    "scheduled": 0,
    "cancelled": 0,
    "undeliverable": 0,
    "sent": 0,
    "in_progress": 1,
    "completed": 2,
    "expired0": 0,
    "expired1": 1,  # a partial PHQ-9
    "expired2": 2,  # a complete PHQ-9 and a partial GAD-7
}
UNRESOLVED_REASONS = (  # (reason, weight) of the unresolved flags
    ("suicidal_ideation", 25),
    ("crisis_language", 5),
    ("severe_depression", 30),
    ("severe_anxiety", 20),
    ("reliable_deterioration", 20),
)


@dataclass(slots=True)
class Visit:
    """A check-in being planned."""

    session: int  # index into the patient's sessions
    step: int
    due: dt.datetime
    outcome: str
    reason: str = ""  # why undeliverable
    answered: dt.datetime | None = None


@dataclass(slots=True)
class PatientPlan:
    number: int
    zone: str
    channel: str
    consent: bool
    opted_out_at: dt.datetime | None
    created: dt.datetime
    sessions: list[dt.datetime]
    visits: list[Visit]
    baseline: tuple[float, float]
    improvement: float
    heavy: bool = False
    flag_reason: str = ""  # the unresolved flag this patient has, if any
    flag_status: str = ""
    flag_visit: int = -1


@dataclass
class ClinicInfo:
    pk: int
    name: str
    phone_prefix: str
    admin: int
    on_call: dict[int, tuple[int, str]]  # level -> (clinician id, phone)
    policy: dict
    plan_hours: list[int]


class AnswerPool:
    """Answer vectors for each total, scored by ``followup.clinical.instruments`` (PHQ-9 item 9 is 0:
    only the planned suicidal-ideation flags have it positive)."""

    def __init__(self, rng: random.Random) -> None:
        from followup.clinical.instruments import INSTRUMENTS, score

        self.rng = rng
        self.score = score
        self.items = {code: instrument.item_count for code, instrument in INSTRUMENTS.items()}
        self.maximum = {"phq9": 24, "gad7": 21}
        self.vectors: dict[str, list[list[tuple[list[int], str]]]] = {}
        for code in INSTRUMENTS:
            self.vectors[code] = [
                [self.make(code, total) for _ in range(16)]
                for total in range(self.maximum[code] + 1)
            ]

    def make(self, code: str, total: int, item9: int = 0) -> tuple[list[int], str]:
        n = self.items[code]
        slots = n - 1 if code == "phq9" else n
        values = [0] * n
        remaining = total - item9
        while remaining:
            i = self.rng.randrange(slots)
            if values[i] < 3:
                values[i] += 1
                remaining -= 1
        if code == "phq9":
            values[-1] = item9
        result = self.score(code, values)
        assert result.complete
        assert result.total == total
        return values, result.severity

    def complete(self, code: str, total: int) -> tuple[list[int], str]:
        total = max(0, min(self.maximum[code], total))
        return self.rng.choice(self.vectors[code][total])

    def partial(self, code: str) -> list[int | None]:
        n = self.items[code]
        answered = self.rng.randint(1, n - 1)  # PHQ-9: item 9 never answered in a partial
        values: list[int | None] = [self.rng.randint(0, 2) for _ in range(answered)]
        return values + [None] * (n - answered)


def flag_code(pk: int) -> str:
    """A unique 5-character code per id (a bijection of the id modulo 31**5)."""
    from followup.services.flags import CODE_ALPHABET, CODE_LENGTH

    base = len(CODE_ALPHABET)
    n = (pk * 1_000_003 + 7_654_321) % base**CODE_LENGTH
    digits = []
    for _ in range(CODE_LENGTH):
        n, digit = divmod(n, base)
        digits.append(CODE_ALPHABET[digit])
    return "".join(digits)
