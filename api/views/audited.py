"""Reads of patient data through the API are audit events (SPEC §3), like the dashboard's.

A list is one event per request, written in one INSERT, naming the rows' patients (and the
patient, when every row is one patient's); a detail is one event naming its object. The
filters' names are recorded, never their values (a search is often a name).
"""

from typing import TYPE_CHECKING, Any

from django.db import models
from rest_framework import mixins
from rest_framework.request import Request
from rest_framework.response import Response

from api.authentication import ClinicianRequest
from followup.models import Patient
from followup.services.audit import audit_record

if TYPE_CHECKING:  # the views these mixins go into; base classes stay DRF's at run time
    from api.views.base import ClinicScopedViewSet as _ScopedView
else:
    _ScopedView = object


def _patient_id(row: models.Model) -> int | None:
    return row.pk if isinstance(row, Patient) else getattr(row, "patient_id", None)


def _patient_ref(patient_id: int | None, request: ClinicianRequest) -> Patient | None:
    """The patient by id alone, for ``audit_record``: no query for a row the caller's clinic
    owns (every row a view returns is)."""
    return Patient(pk=patient_id, clinic_id=request.user.clinic_id) if patient_id else None


def audit_list(
    request: ClinicianRequest, noun: str, rows: list[models.Model], page: int | None
) -> None:
    patients = sorted({pid for row in rows if (pid := _patient_id(row)) is not None})
    one = patients[0] if len(patients) == 1 else None
    detail: dict[str, Any] = {
        "ids": [row.pk for row in rows],
        "patients": patients,
        "filters": sorted(key for key in request.query_params if key != "page"),
    }
    if page is not None:
        detail["page"] = page
    audit_record(
        actor=request.user,
        action=f"{noun}.list",
        patient=_patient_ref(one, request),
        detail=detail,
    )


def audit_view(request: ClinicianRequest, noun: str, obj: models.Model) -> None:
    audit_record(
        actor=request.user,
        action=f"{noun}.view",
        obj=obj,
        patient=_patient_ref(_patient_id(obj), request),
    )


class AuditedListModelMixin(mixins.ListModelMixin, _ScopedView):
    """DRF's list, with the page it returns recorded as ``<audit_noun>.list``."""

    audit_noun: str

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page) if page is not None else list(queryset)
        # The configured PageNumberPagination, which keeps the page it returned.
        number = self.paginator.page.number if page is not None else None  # type: ignore[union-attr]
        audit_list(self.request, self.audit_noun, rows, number)
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


class AuditedRetrieveModelMixin(mixins.RetrieveModelMixin, _ScopedView):
    """DRF's retrieve, recorded as ``<audit_noun>.view``."""

    audit_noun: str

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        audit_view(self.request, self.audit_noun, instance)
        return Response(self.get_serializer(instance).data)
