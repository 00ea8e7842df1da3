from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers import (
    CheckInBriefSerializer,
    SessionFieldsSerializer,
    SessionInputSerializer,
    SessionSerializer,
)
from api.views.audited import AuditedListModelMixin, AuditedRetrieveModelMixin
from api.views.base import ClinicScopedViewSet
from followup.models import Clinic, TreatmentSession
from followup.services.sessions import session_record


class SessionViewSet(
    AuditedListModelMixin,
    AuditedRetrieveModelMixin,
    mixins.CreateModelMixin,
    ClinicScopedViewSet,
):
    """Treatment sessions. Recording one schedules the check-ins of the clinic's plan."""

    audit_noun = "session"

    queryset = TreatmentSession.objects.none()
    serializer_class = SessionSerializer
    filterset_fields = ["patient", "treatment"]

    def scoped(self, clinic: Clinic) -> QuerySet[TreatmentSession]:
        return (
            TreatmentSession.objects.filter(patient__clinic=clinic)
            .prefetch_related("check_ins")
            .order_by("-occurred_at", "-id")
        )

    @extend_schema(request=SessionInputSerializer, responses={201: SessionSerializer})
    def create(self, request: Request) -> Response:
        data = SessionInputSerializer(data=request.data, clinic=self.request.user.clinic)
        data.is_valid(raise_exception=True)
        session, check_ins = session_record(actor=self.request.user, **data.validated_data)
        body = SessionFieldsSerializer(session).data
        body["check_ins"] = CheckInBriefSerializer(check_ins, many=True).data
        return Response(body, status=status.HTTP_201_CREATED)
