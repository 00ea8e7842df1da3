from axes.handlers.proxy import AxesProxyHandler
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from followup.text import has_unstorable


class TokenView(ObtainAuthToken):
    """``{"username", "password"}`` gives ``{"token"}``. Failed attempts are rate-limited, and
    count towards the same lockout (django-axes) as the dashboard's sign-in."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    def post(self, request: Request, *args: object, **kwargs: object) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        credentials = {"username": str(data.get("username", ""))}
        if has_unstorable(credentials["username"]):
            # Looked up by the lockout before any other check: refused before it is.
            raise ValidationError({"username": ["Null characters are not allowed."]})
        if AxesProxyHandler.is_locked(request._request, credentials):
            from followup.web.auth import locked_out

            return locked_out(request._request, None, credentials)
        return super().post(request, *args, **kwargs)
