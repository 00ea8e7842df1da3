from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.authentication import ClinicianRequest
from api.errors import field_errors
from api.serializers import (
    NewPatientSerializer,
    PatientImportResultSerializer,
    PatientImportSerializer,
    PatientInputSerializer,
    PatientSerializer,
)
from api.views.audited import AuditedListModelMixin
from api.views.base import ClinicScopedViewSet
from followup.models import Clinic, Patient
from followup.selectors.patients import patients_with_latest_scores
from followup.services.audit import audit_record
from followup.services.patient_import import MAX_IMPORT, import_error, patients_import
from followup.services.patients import patient_create_or_get, patient_update


class PatientFilter(filters.FilterSet):
    search = filters.CharFilter(method="filter_search", label="Name or phone contains")
    drill = filters.BooleanFilter(
        field_name="is_drill", label="The safety drill's patient (left out unless asked for)"
    )

    class Meta:
        model = Patient
        fields = ["channel", "opted_out"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(phone__contains=value)
        )


class PatientViewSet(
    AuditedListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ClinicScopedViewSet
):
    audit_noun = "patient"
    queryset = Patient.objects.none()
    serializer_class = PatientSerializer
    filterset_class = PatientFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scoped(self, clinic: Clinic) -> QuerySet[Patient]:
        return patients_with_latest_scores(clinic).order_by("id")

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        # The safety drill's patient is fictional: listed only when asked for (``?drill=true``).
        if self.action == "list" and "drill" not in self.request.query_params:
            queryset = queryset.exclude(is_drill=True)
        return queryset

    @extend_schema(
        request=PatientInputSerializer,
        responses={201: PatientSerializer, 200: PatientSerializer},
        description="Enrols a patient (201). With an `external_id` the clinic already has, "
        "returns that patient as it is (200): nothing is written, and the rest of the body is "
        "not compared with it (change a patient with `PATCH`).",
    )
    def create(self, request: Request) -> Response:
        data = PatientInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        patient, created = patient_create_or_get(
            clinic=self.request.user.clinic, actor=self.request.user, **data.validated_data
        )
        if not created:  # an EHR's retry: what it gets back is a read of the patient
            audit_record(actor=request.user, action="patient.view", obj=patient)
            return Response(self._output(patient.pk), status=status.HTTP_200_OK)
        return Response(NewPatientSerializer(patient).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="patients_import",
        summary="Enrol patients in bulk, each with its first session",
        description=f"An EHR's first import: up to {MAX_IMPORT} patients in one request, each "
        "as `POST /patients/` takes it, with an optional `session` as `POST /sessions/` "
        "takes it. The same rules apply and the same rows are written (the check-ins of the "
        "clinic's plan, the audit events). All or nothing: a bad row, or a phone number "
        "repeated in the request or already a patient's, gives a 400 whose `extra.rows` names "
        "each bad row by its index and what is wrong, and nothing is written.",
        request=PatientImportSerializer,
        responses={201: PatientImportResultSerializer},
    )
    @action(detail=False, methods=["post"], url_path="import", url_name="import")
    def import_patients(self, request: ClinicianRequest) -> Response:
        data = PatientImportSerializer(data=request.data)
        if not data.is_valid():
            rows = _row_errors(data.errors.get("patients"))
            if not rows:  # not a list of rows at all: no row to name
                raise serializers.ValidationError(data.errors)
            raise import_error(rows)
        enrolled = patients_import(
            clinic=request.user.clinic, actor=request.user, rows=data.validated_data["patients"]
        )
        body = {
            "created": len(enrolled),
            "patients": [
                {"id": e.patient.pk, "session": e.session.pk if e.session else None}
                for e in enrolled
            ],
        }
        return Response(body, status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        patient = self.get_object()
        audit_record(actor=request.user, action="patient.view", obj=patient)
        return Response(self.get_serializer(patient).data)

    @extend_schema(request=PatientInputSerializer(partial=True), responses=PatientSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        patient = self.get_object()
        data = PatientInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        # Only what the caller sent: defaults of the input shape do not apply to a patch.
        changes = {key: data.validated_data[key] for key in request.data if key in data.fields}
        patient_update(patient=patient, actor=self.request.user, **changes)
        return Response(self._output(patient.pk))

    def _output(self, pk: int) -> dict:
        return self.get_serializer(self.get_queryset().get(pk=pk)).data


def _row_errors(detail: object) -> dict[int, dict[str, list[str]]]:
    """DRF's errors of a list of rows (a list, or a dict by index) as ``{index: {field: [...]}}``;
    empty when the errors are about the list itself."""
    items: Iterable[tuple[Any, Any]]
    if isinstance(detail, list):
        items = enumerate(detail)
    elif isinstance(detail, dict) and all(isinstance(key, int) for key in detail):
        items = detail.items()
    else:
        return {}
    return {index: field_errors(errors) for index, errors in items if errors}
