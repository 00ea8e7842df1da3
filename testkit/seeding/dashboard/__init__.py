"""The dashboard benchmark's database: a clinic of N patients with a realistic history (one of
them with a long one), a second clinic, written by ``COPY`` (``Seeder``); see
``bench/dashboard_render.py`` for what it measures on it."""

from testkit.seeding.dashboard.seeder import Seeder
from testkit.seeding.dashboard.shapes import (
    HEAVY_PHONE,
    LAST_NAMES,
    MAIN_CLINIC,
    OTHER_CLINIC,
    RESPONSES_PER_PATIENT,
)

__all__ = [
    "HEAVY_PHONE",
    "LAST_NAMES",
    "MAIN_CLINIC",
    "OTHER_CLINIC",
    "RESPONSES_PER_PATIENT",
    "Seeder",
]
