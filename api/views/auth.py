import datetime as dt

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.models import AuthToken
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from followup.models import Clinician
from followup.services.accounts import confirmed_device, lockout_message
from followup.services.audit import audit_record


class TokenInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=16,
        help_text="The 6-digit code your authenticator app shows now.",
    )


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
    expires_at = serializers.DateTimeField()


class TokenView(APIView):
    """``{"username", "password", "otp"}`` gives ``{"token", "expires_at"}``: a new personal
    token at each call, stored hashed, valid ``API_TOKEN_TTL_DAYS`` days.

    The code from the clinician's authenticator app is required as at the dashboard's sign-in:
    always when they have one, and a clinician without one must add it in the dashboard first
    (only with ``DEBUG`` on, as the dashboard allows, may they go on without). A wrong password
    and a missing or wrong code count towards the same lockout (django-axes) as the
    dashboard's sign-in, and attempts are rate-limited per address.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        auth=[],
        request=TokenInputSerializer,
        responses={
            200: TokenOutputSerializer,
            # The body of each is the API's Error (api/schema.py).
            400: OpenApiResponse(description="Wrong password, or no valid code."),
            429: OpenApiResponse(description="Locked out or rate-limited."),
        },
    )
    def post(self, request: Request) -> Response:
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["username"]
        credentials = {"username": username}
        django_request = request._request
        if AxesProxyHandler.is_locked(django_request, credentials):
            return Response(
                {"message": lockout_message(), "code": "locked_out", "extra": {}}, status=429
            )
        user = authenticate(
            django_request, username=username, password=data.validated_data["password"]
        )
        if user is None:
            raise serializers.ValidationError(
                "Unable to log in with provided credentials.", code="authorization"
            )
        device = confirmed_device(user)
        if device is not None:
            self._verify(django_request, device, username, data.validated_data.get("otp", ""))
        elif settings.DASHBOARD_REQUIRE_SECOND_FACTOR:
            raise serializers.ValidationError(
                "Add an authenticator app in the dashboard first (sign in at /dashboard/), then "
                "ask for a token with the code it shows.",
                code="second_factor_not_set_up",
            )
        return Response(self._issue(user, device))

    def _verify(self, request: HttpRequest, device: TOTPDevice, username: str, code: str) -> None:
        code = code.strip()
        message, error = None, ""
        if not code:
            message, error = "Send the 6-digit code from your authenticator app as otp.", "required"
        elif not code.isdigit():
            message, error = "The code is the 6 digits your authenticator app shows.", "invalid"
        else:
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                message = "Too many wrong codes. Wait a minute, then try the newest code."
                error = "throttled"
            elif not device.verify_token(code):
                message = "That code is not right, or it has expired. Try the newest one."
                error = "invalid"
        if message:
            # Counted like a wrong password: the lockout stops guessing codes too.
            user_login_failed.send(
                sender=Clinician, credentials={"username": username}, request=request
            )
            raise serializers.ValidationError({"otp": [message]}, code=f"otp_{error}")

    def _issue(self, user: Clinician, device: TOTPDevice | None) -> dict:
        token, key = AuthToken.objects.create(
            user, expiry=dt.timedelta(days=settings.API_TOKEN_TTL_DAYS)
        )
        audit_record(
            actor=user,
            action="api_token.issue",
            detail={"second_factor": device is not None, "expires_at": token.expiry.isoformat()},
        )
        return {"token": key, "expires_at": token.expiry}
