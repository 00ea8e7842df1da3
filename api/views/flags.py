from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.authentication import ClinicianRequest
from api.views.audited import AuditedListModelMixin
from api.views.base import ClinicScopedViewSet
from followup.models import Clinic, Flag, FlagEvent
from followup.selectors.flags import flags_by_urgency
from followup.services.audit import audit_record
from followup.services.flags import flag_acknowledge, flag_resolve


class FlagSerializer(serializers.ModelSerializer):
    # A safety drill's flag (the clinic's drill patient): never a real patient.
    drill = serializers.SerializerMethodField()

    class Meta:
        model = Flag
        fields = [
            "id",
            "code",
            # None for a text from a number that is no patient's: ``sender`` is that number.
            "patient",
            "sender",
            "response",
            "reason",
            "priority",
            "status",
            "created_at",
            "acknowledged_at",
            "acknowledged_by",
            "resolved_at",
            "resolved_by",
            "resolution_note",
            "escalation_level",
            "drill",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_drill(self, flag: Flag) -> bool:
        return flag.patient is not None and flag.patient.is_drill


class FlagEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = FlagEvent
        fields = ["kind", "at", "actor", "detail"]
        read_only_fields = fields


class FlagDetailSerializer(FlagSerializer):
    timeline = FlagEventSerializer(source="events", many=True, read_only=True)
    evidence = serializers.JSONField(read_only=True)

    class Meta(FlagSerializer.Meta):
        fields = [*FlagSerializer.Meta.fields, "evidence", "timeline"]
        read_only_fields = fields


class ResolveSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000)


# Most urgent first, then oldest (SPEC §2 step 7).
class FlagViewSet(AuditedListModelMixin, mixins.RetrieveModelMixin, ClinicScopedViewSet):
    """Flags raised by the rules of CLINICAL.md, with their escalation timeline."""

    audit_noun = "flag"

    queryset = Flag.objects.none()
    serializer_class = FlagSerializer
    filterset_fields = ["status", "priority", "patient", "reason"]

    def scoped(self, clinic: Clinic) -> QuerySet[Flag]:
        return flags_by_urgency(Flag.objects.filter(clinic=clinic).select_related("patient"))

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return FlagDetailSerializer if self.action == "retrieve" else FlagSerializer

    def retrieve(self, request: Request, pk: str) -> Response:
        flag = self.get_object()
        audit_record(actor=request.user, action="flag.view", obj=flag, patient=flag.patient)
        return Response(FlagDetailSerializer(flag).data)

    @extend_schema(request=None, responses=FlagSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: ClinicianRequest, pk: str) -> Response:
        flag = flag_acknowledge(flag=self.get_object(), actor=request.user, via="api")
        return Response(FlagSerializer(flag).data)

    @extend_schema(request=ResolveSerializer, responses=FlagSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: ClinicianRequest, pk: str) -> Response:
        flag = self.get_object()
        data = ResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        flag = flag_resolve(flag=flag, actor=request.user, note=data.validated_data["note"])
        return Response(FlagSerializer(flag).data)
