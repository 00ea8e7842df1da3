from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from api.authentication import ClinicianRequest
from api.fields import AwareDateTimeField, ClinicRelatedField, ClinicScopedSerializer
from api.idempotency import IdempotentWritesMixin
from api.permissions import IsClinicAdminOrReadOnly
from api.views.base import ClinicScopedViewSet
from followup.models import Clinic, Clinician, OnCallShift
from followup.services.rota import policy_update, shift_create


class ShiftSerializer(serializers.ModelSerializer):
    class Meta:
        model = OnCallShift
        fields = ["id", "clinician", "starts_at", "ends_at", "level"]
        read_only_fields = fields


class ShiftInputSerializer(ClinicScopedSerializer):
    clinician = ClinicRelatedField(
        model=Clinician,
        rows=lambda clinic: Clinician.objects.filter(clinic=clinic, is_active=True),
    )
    starts_at = AwareDateTimeField()
    ends_at = AwareDateTimeField()
    level = serializers.IntegerField(min_value=1, max_value=9, default=1)


class ShiftViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ClinicScopedViewSet):
    """The on-call rota. Anyone reads it; an admin adds shifts."""

    queryset = OnCallShift.objects.none()
    serializer_class = ShiftSerializer
    permission_classes = [IsClinicAdminOrReadOnly]
    filterset_fields = ["clinician", "level"]

    def scoped(self, clinic: Clinic) -> QuerySet[OnCallShift]:
        return OnCallShift.objects.filter(clinic=clinic).order_by("starts_at", "level", "id")

    @extend_schema(request=ShiftInputSerializer, responses={201: ShiftSerializer})
    def create(self, request: Request) -> Response:
        data = ShiftInputSerializer(data=request.data, clinic=self.request.user.clinic)
        data.is_valid(raise_exception=True)
        shift = shift_create(
            clinic=self.request.user.clinic, actor=self.request.user, **data.validated_data
        )
        return Response(ShiftSerializer(shift).data, status=status.HTTP_201_CREATED)


class LevelSerializer(serializers.Serializer):
    level = serializers.IntegerField(min_value=1, max_value=9)
    timeout_seconds = serializers.IntegerField(min_value=30, max_value=24 * 3600)
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=["sms", "voice"]), allow_empty=False
    )


class PolicySerializer(serializers.Serializer):
    levels = LevelSerializer(many=True, allow_empty=False)
    repeat_every_seconds = serializers.IntegerField(min_value=60, max_value=24 * 3600)
    fallback_phones = serializers.ListField(child=serializers.CharField(), default=list)
    updated_at = serializers.DateTimeField(read_only=True)


class EscalationPolicyView(IdempotentWritesMixin, GenericAPIView):
    """Who is paged, how, and when the next level is (admin only to change). A flag keeps the
    policy it was raised under."""

    serializer_class = PolicySerializer
    permission_classes = [IsClinicAdminOrReadOnly]
    request: ClinicianRequest

    def get_object(self) -> object:
        # The clinic's one policy (also what an OPTIONS request describes): no lookup by id.
        return self.request.user.clinic.escalation_policy

    def get(self, request: ClinicianRequest) -> Response:
        return Response(PolicySerializer(self.get_object()).data)

    def put(self, request: ClinicianRequest) -> Response:
        data = PolicySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        policy = policy_update(
            clinic=request.user.clinic, actor=request.user, **data.validated_data
        )
        return Response(PolicySerializer(policy).data)
