"""Reads of the domain, scoped by clinic (HackSoft style selectors)."""

from collections.abc import Mapping
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from followup.clinical.instruments import INSTRUMENTS
from followup.models import Clinic, Patient, Response


def patients_with_latest_scores(clinic: Clinic) -> QuerySet[Patient]:
    """The clinic's patients, each annotated with its latest complete score per instrument."""
    queryset = Patient.objects.filter(clinic=clinic)
    for code in INSTRUMENTS:
        latest = Response.objects.filter(
            patient=OuterRef("pk"), instrument=code, complete=True
        ).order_by("-submitted_at", "-id")
        queryset = queryset.annotate(
            **{
                f"latest_{code}_total": Subquery(latest.values("total")[:1]),
                f"latest_{code}_severity": Subquery(latest.values("severity")[:1]),
                f"latest_{code}_at": Subquery(latest.values("submitted_at")[:1]),
            }
        )
    return queryset


def latest_scores(patient: Patient) -> dict[str, Mapping[str, Any] | None]:
    """``{"phq9": {"total", "severity", "submitted_at"} | None, "gad7": ...}``.

    Uses the annotations of ``patients_with_latest_scores`` when present.
    """
    scores: dict[str, Mapping[str, Any] | None] = {}
    for code in INSTRUMENTS:
        if hasattr(patient, f"latest_{code}_total"):
            total = getattr(patient, f"latest_{code}_total")
            row: Mapping[str, Any] | None = (
                {
                    "total": total,
                    "severity": getattr(patient, f"latest_{code}_severity"),
                    "submitted_at": getattr(patient, f"latest_{code}_at"),
                }
                if total is not None
                else None
            )
        else:
            row = (
                Response.objects.filter(patient=patient, instrument=code, complete=True)
                .order_by("-submitted_at", "-id")
                .values("total", "severity", "submitted_at")
                .first()
            )
        scores[code] = row
    return scores
