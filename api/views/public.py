"""The patient's side of the API: no sign-in, the check-in's token is the only key."""

from dataclasses import asdict

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from followup.instruments import get_instrument
from followup.services.web_checkin import answers_so_far, check_in_for_token, checkin_submit_web
from followup.web.checkin import PFIZER_NOTICE


class PublicView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]


class PublicCheckInView(PublicView):
    @extend_schema(
        responses={
            200: inline_serializer(
                "PublicCheckIn",
                {
                    "clinic": serializers.CharField(),
                    "status": serializers.CharField(),
                    "expires_at": serializers.DateTimeField(),
                    "instruments": serializers.ListField(child=serializers.DictField()),
                    "answers": serializers.DictField(),
                    "notice": serializers.CharField(),
                },
            ),
            404: OpenApiResponse(description="Not a valid link."),
            410: OpenApiResponse(description="Already answered or expired."),
        }
    )
    def get(self, request: Request, token: str) -> Response:
        """What to ask, and the answers given so far (by SMS, say). Never uses the token up."""
        check_in = check_in_for_token(token)
        instruments = []
        for code in check_in.instruments:
            instrument = get_instrument(code)
            data = asdict(instrument)
            data.pop("bands")
            instruments.append(data)
        return Response(
            {
                "clinic": check_in.patient.clinic.name,
                "status": check_in.status,
                "expires_at": check_in.expires_at,
                "instruments": instruments,
                "answers": answers_so_far(check_in),
                "notice": PFIZER_NOTICE,
            }
        )


class PublicResponsesView(PublicView):
    @extend_schema(
        request=inline_serializer(
            "PublicAnswers",
            {"answers": serializers.DictField(help_text='{"phq9": [9 ints], "gad7": [7 ints]}')},
        ),
        responses={
            201: inline_serializer(
                "PublicSubmitted",
                {
                    "check_in": serializers.IntegerField(),
                    "status": serializers.CharField(),
                    "totals": serializers.DictField(child=serializers.IntegerField()),
                    "severities": serializers.DictField(child=serializers.CharField()),
                    "crisis_resources": serializers.DictField(required=False),
                },
            ),
            400: OpenApiResponse(description="Bad answers; nothing was stored."),
            410: OpenApiResponse(description="Already answered or expired."),
        },
    )
    def post(self, request: Request, token: str) -> Response:
        """Submit every instrument at once; all or nothing, once."""
        body = request.data if isinstance(request.data, dict) else {}
        if "answers" not in body:
            raise serializers.ValidationError({"answers": ["This field is required."]})
        submitted = checkin_submit_web(token=token, answers=body["answers"])
        clinic = submitted.check_in.patient.clinic
        result = {
            "check_in": submitted.check_in.pk,
            "status": submitted.check_in.status,
            "totals": {r.instrument: r.total for r in submitted.responses},
            "severities": {r.instrument: r.severity for r in submitted.responses},
        }
        if submitted.crisis:
            result["crisis_resources"] = {
                "crisis_line": clinic.crisis_line,
                "emergency_line": clinic.emergency_line,
                "message": (
                    f"If you are thinking about hurting yourself, reach {clinic.crisis_line}. "
                    f"In an emergency, {clinic.emergency_line}. "
                    + (
                        "Your clinic's on-call clinician is being told now."
                        if submitted.clinician_told
                        else f"Please also call {clinic.name} and tell them how you are feeling."
                    )
                ),
                "clinician_told": submitted.clinician_told,
            }
        return Response(result, status=status.HTTP_201_CREATED)
