from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from followup.models import Clinician


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, loading the caller's clinic and its follow-up plan in the
    same query: every clinic-scoped request needs the clinic, and enrolling a patient or
    recording a session needs its plan."""

    def authenticate_credentials(self, key: str) -> tuple[Clinician, Token]:
        try:
            token = Token.objects.select_related("user__clinic__follow_up_plan").get(key=key)
        except Token.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
