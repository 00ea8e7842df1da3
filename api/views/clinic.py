from dataclasses import asdict

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.authentication import ClinicianRequest
from api.idempotency import IdempotentWritesMixin
from api.permissions import IsClinicAdminInPersonOrReadOnly, IsClinicAdminOrReadOnly
from api.serializers import (
    ClinicianInputSerializer,
    ClinicianSerializer,
    FollowUpPlanSerializer,
    InstrumentSerializer,
)
from api.views.base import ClinicScopedViewSet
from followup.clinical.instruments import INSTRUMENTS
from followup.models import Clinic, Clinician
from followup.services.clinics import clinician_create
from followup.services.plans import plan_update


class ClinicianViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ClinicScopedViewSet
):
    """The clinic's clinicians and admins. Only an admin adds one; passwords never come back."""

    queryset = Clinician.objects.none()
    serializer_class = ClinicianSerializer
    permission_classes = [IsClinicAdminInPersonOrReadOnly]
    filterset_fields = ["role"]

    def scoped(self, clinic: Clinic) -> QuerySet[Clinician]:
        return Clinician.objects.filter(clinic=clinic, is_active=True).order_by("id")

    @extend_schema(request=ClinicianInputSerializer, responses={201: ClinicianSerializer})
    def create(self, request: Request) -> Response:
        data = ClinicianInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        clinician = clinician_create(
            clinic=self.request.user.clinic, actor=self.request.user, **data.validated_data
        )
        return Response(ClinicianSerializer(clinician).data, status=status.HTTP_201_CREATED)


class FollowUpPlanView(IdempotentWritesMixin, GenericAPIView):
    """When check-ins go out after each session, and whether a patient gets one at enrolment
    (the pre-treatment baseline). Changes apply to sessions recorded and patients enrolled
    later."""

    serializer_class = FollowUpPlanSerializer
    permission_classes = [IsClinicAdminOrReadOnly]
    request: ClinicianRequest

    def get_object(self) -> object:
        # The clinic's one plan (also what an OPTIONS request describes): no lookup by id.
        return self.request.user.clinic.follow_up_plan

    def get(self, request: ClinicianRequest) -> Response:
        return Response(FollowUpPlanSerializer(self.get_object()).data)

    def put(self, request: ClinicianRequest) -> Response:
        data = FollowUpPlanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = plan_update(clinic=request.user.clinic, actor=request.user, **data.validated_data)
        return Response(FollowUpPlanSerializer(plan).data)


class InstrumentListView(APIView):
    """PHQ-9 and GAD-7: items, options and LOINC codes (CLINICAL.md)."""

    @extend_schema(responses=InstrumentSerializer(many=True))
    def get(self, request: Request) -> Response:
        results = [
            {**asdict(instrument), "max_total": instrument.max_total}
            for instrument in INSTRUMENTS.values()
        ]
        data = InstrumentSerializer(results, many=True).data
        return Response({"count": len(data), "next": None, "previous": None, "results": data})
