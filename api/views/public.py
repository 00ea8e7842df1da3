"""The patient's side of the API: no sign-in, the check-in's token is the only key."""

from dataclasses import asdict

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from followup.clinical.instruments import PFIZER_NOTICE, get_instrument
from followup.models import CheckIn
from followup.services.paging import crisis_wording
from followup.services.web_checkin import (
    answers_so_far,
    checkin_answer_web,
    checkin_for_token,
)


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
        check_in = checkin_for_token(token)
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


CRISIS_RESOURCES = inline_serializer(
    "CrisisResources",
    {
        "crisis_line": serializers.CharField(),
        "emergency_line": serializers.CharField(),
        "clinic_phone": serializers.CharField(
            help_text="The clinic's own number (E.164), or empty when it has none."
        ),
        "message": serializers.CharField(),
        "clinician_told": serializers.BooleanField(
            help_text="Whether the clinic's on-call clinician was really paged."
        ),
    },
    required=False,  # only when PHQ-9 item 9 is answered 1-3
)


class PublicResponsesView(PublicView):
    @extend_schema(
        request=inline_serializer(
            "PublicAnswers",
            {
                "answers": serializers.DictField(
                    help_text='{"phq9": [9 ints], "phq9_difficulty": int or null, '
                    '"gad7": [7 ints], "gad7_difficulty": int or null}; an item not yet '
                    "answered may be null."
                )
            },
        ),
        responses={
            201: OpenApiResponse(
                inline_serializer(
                    "PublicSubmitted",
                    {
                        "check_in": serializers.IntegerField(),
                        "status": serializers.CharField(),
                        "complete": serializers.BooleanField(help_text="Always true here."),
                        "totals": serializers.DictField(child=serializers.IntegerField()),
                        "severities": serializers.DictField(child=serializers.CharField()),
                        "crisis_resources": CRISIS_RESOURCES,
                    },
                ),
                description="Every item answered: scored and stored; the link is used up. "
                "crisis_resources only when PHQ-9 item 9 is 1-3.",
            ),
            202: OpenApiResponse(
                inline_serializer(
                    "PublicSavedSoFar",
                    {
                        "check_in": serializers.IntegerField(),
                        "status": serializers.CharField(help_text="in_progress"),
                        "complete": serializers.BooleanField(help_text="Always false here."),
                        "instruments": serializers.ListField(
                            child=serializers.CharField(),
                            help_text="The instruments whose answers this request stored.",
                        ),
                        "answers": serializers.DictField(
                            child=serializers.ListField(
                                child=serializers.IntegerField(allow_null=True)
                            ),
                            help_text="Every instrument's answers so far, null where none yet.",
                        ),
                        "crisis_resources": CRISIS_RESOURCES,
                    },
                ),
                description="Some items null: the answers given are kept as a partial response "
                "(no total yet) and judged at once (PHQ-9 item 9 answered 1-3, an answered sum "
                "already severe); the link stays usable. crisis_resources whenever the stored "
                "PHQ-9 item 9 is 1-3.",
            ),
            400: OpenApiResponse(description="Bad answers; nothing was stored."),
            404: OpenApiResponse(description="Not a valid link."),
            410: OpenApiResponse(description="Already answered or expired."),
        },
    )
    def post(self, request: Request, token: str) -> Response:
        """Answer the check-in: all items at once (201, once), or some so far (202)."""
        body = request.data if isinstance(request.data, dict) else {}
        if "answers" not in body:
            raise serializers.ValidationError({"answers": ["This field is required."]})
        submitted = checkin_answer_web(token=token, answers=body["answers"])
        check_in = submitted.check_in
        result: dict = {
            "check_in": check_in.pk,
            "status": check_in.status,
            "complete": submitted.complete,
        }
        if submitted.complete:
            result["totals"] = {r.instrument: r.total for r in submitted.responses}
            result["severities"] = {r.instrument: r.severity for r in submitted.responses}
        else:
            result["instruments"] = [r.instrument for r in submitted.responses]
            result["answers"] = answers_so_far(check_in)
        if submitted.crisis:
            result["crisis_resources"] = _crisis_resources(check_in, submitted.clinician_told)
        return Response(
            result,
            status=status.HTTP_201_CREATED if submitted.complete else status.HTTP_202_ACCEPTED,
        )


def _crisis_resources(check_in: CheckIn, clinician_told: bool) -> dict:
    clinic = check_in.patient.clinic
    return {
        "crisis_line": clinic.crisis_line,
        "emergency_line": clinic.emergency_line,
        "clinic_phone": clinic.phone,
        "message": crisis_wording(clinic, clinician_told=clinician_told, web=True).paragraph,
        "clinician_told": clinician_told,
    }
