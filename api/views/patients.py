from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers import PatientInputSerializer, PatientSerializer
from api.views.base import ClinicScopedViewSet
from followup.audit import audit_record
from followup.models import Clinic, Patient
from followup.selectors import patients_with_latest_scores
from followup.services.patients import patient_create, patient_update


class PatientFilter(filters.FilterSet):
    search = filters.CharFilter(method="filter_search", label="Name or phone contains")

    class Meta:
        model = Patient
        fields = ["channel", "opted_out"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        from django.db.models import Q

        return queryset.filter(
            Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(phone__contains=value)
        )


class PatientViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ClinicScopedViewSet
):
    queryset = Patient.objects.none()
    serializer_class = PatientSerializer
    filterset_class = PatientFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scoped(self, clinic: Clinic) -> QuerySet[Patient]:
        return patients_with_latest_scores(clinic).order_by("id")

    @extend_schema(request=PatientInputSerializer, responses={201: PatientSerializer})
    def create(self, request: Request) -> Response:
        data = PatientInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        patient = patient_create(
            clinic=request.user.clinic, actor=request.user, **data.validated_data
        )
        return Response(self._output(patient.pk), status=status.HTTP_201_CREATED)

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
        patient_update(patient=patient, actor=request.user, **changes)
        return Response(self._output(patient.pk))

    def _output(self, pk: int) -> dict:
        return self.get_serializer(self.get_queryset().get(pk=pk)).data
