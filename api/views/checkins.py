from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from api.authentication import ClinicianRequest
from api.serializers import CheckInSerializer, ResponseSerializer
from api.views.audited import AuditedListModelMixin, AuditedRetrieveModelMixin
from api.views.base import ClinicScopedViewSet
from followup.models import CheckIn, Clinic
from followup.models import Response as ResponseModel
from followup.services.checkins import checkin_cancel


class CheckInViewSet(AuditedListModelMixin, AuditedRetrieveModelMixin, ClinicScopedViewSet):
    audit_noun = "check_in"
    queryset = CheckIn.objects.none()
    serializer_class = CheckInSerializer
    filterset_fields = ["patient", "status", "session", "channel"]

    def scoped(self, clinic: Clinic) -> QuerySet[CheckIn]:
        return CheckIn.objects.filter(patient__clinic=clinic).order_by("due_at", "id")

    @extend_schema(request=None, responses=CheckInSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: ClinicianRequest, pk: str) -> Response:
        check_in = checkin_cancel(check_in=self.get_object(), actor=request.user)
        return Response(self.get_serializer(check_in).data)


class ResponseViewSet(AuditedListModelMixin, AuditedRetrieveModelMixin, ClinicScopedViewSet):
    """Answers to the scales, complete or partial (a partial one has no total)."""

    audit_noun = "response"

    queryset = ResponseModel.objects.none()
    serializer_class = ResponseSerializer
    filterset_fields = ["patient", "instrument", "check_in", "complete"]

    def scoped(self, clinic: Clinic) -> QuerySet[ResponseModel]:
        return ResponseModel.objects.filter(patient__clinic=clinic).order_by("-submitted_at", "-id")
