from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers import CheckInBriefSerializer, SessionInputSerializer, SessionSerializer
from followup.models import TreatmentSession
from followup.services.sessions import session_record


class SessionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Treatment sessions. Recording one schedules the check-ins of the clinic's plan."""

    serializer_class = SessionSerializer
    filterset_fields = ["patient", "treatment"]

    def get_queryset(self) -> QuerySet[TreatmentSession]:
        return (
            TreatmentSession.objects.filter(patient__clinic=self.request.user.clinic)
            .prefetch_related("check_ins")
            .order_by("-occurred_at", "-id")
        )

    @extend_schema(request=SessionInputSerializer, responses={201: SessionSerializer})
    def create(self, request: Request) -> Response:
        data = SessionInputSerializer(data=request.data, clinic=request.user.clinic)
        data.is_valid(raise_exception=True)
        session, check_ins = session_record(actor=request.user, **data.validated_data)
        body = SessionSerializer(session).data
        body["check_ins"] = CheckInBriefSerializer(check_ins, many=True).data
        return Response(body, status=status.HTTP_201_CREATED)
