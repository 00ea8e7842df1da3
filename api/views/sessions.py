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
from api.views.audited import AuditedListModelMixin, AuditedRetrieveModelMixin, audit_view
from api.views.base import ClinicScopedViewSet
from followup.models import Clinic, TreatmentSession
from followup.services.sessions import session_record_or_get


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

    @extend_schema(
        request=SessionInputSerializer,
        responses={201: SessionSerializer, 200: SessionSerializer},
        description="Records a session and schedules the check-ins of the clinic's plan (201). "
        "With an `external_id` the patient already has, returns that session and its "
        "check-ins as they are (200): nothing is written or cancelled, and the rest of the "
        "body is not compared with it.",
    )
    def create(self, request: Request) -> Response:
        data = SessionInputSerializer(data=request.data, clinic=self.request.user.clinic)
        data.is_valid(raise_exception=True)
        session, check_ins, created = session_record_or_get(
            actor=self.request.user, **data.validated_data
        )
        if not created:  # an EHR's retry: what it gets back is a read of the session
            audit_view(self.request, self.audit_noun, session)
        body = SessionFieldsSerializer(session).data
        body["check_ins"] = CheckInBriefSerializer(check_ins, many=True).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
