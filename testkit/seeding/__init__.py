"""Rows the benchmarks measure against, shaped as the services write them.

- ``patients``: SMS patients of one clinic, each with a treatment session and its plan's
  check-ins, in bulk or through the services (``seed``);
- ``trial``: patients waiting at a PHQ-9 item with a clinician on call, for the latency
  trials; due check-ins held back and released at once; flags acknowledged;
- ``dashboard``: a clinic's whole history by ``COPY``, for the dashboard benchmark.

Everything is imported from ``followup`` inside the functions: Django is set up by the caller.
"""

from testkit.seeding.patients import Seeded, phone_number, seed
from testkit.seeding.trial import (
    ON_CALL_PHONE,
    TrialPatients,
    acknowledge_flags,
    hold_check_ins,
    release_check_ins,
    seed_trial_patients,
)

__all__ = [
    "ON_CALL_PHONE",
    "Seeded",
    "TrialPatients",
    "acknowledge_flags",
    "hold_check_ins",
    "phone_number",
    "release_check_ins",
    "seed",
    "seed_trial_patients",
]
