from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle


class TokenView(ObtainAuthToken):
    """``{"username", "password"}`` gives ``{"token"}``; failed attempts are rate-limited."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"
