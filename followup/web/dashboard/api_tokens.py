"""A clinician's own API tokens: when each was made and when it expires (never the token, which
is kept only as a hash), and a button to revoke one."""

import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from followup.errors import NotFound
from followup.services.credentials import api_token_revoke
from followup.web.dashboard.auth import ClinicianRequest, clinician_required


@clinician_required
@require_http_methods(["GET", "POST"])
def api_tokens_page(request: ClinicianRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            api_token_revoke(user=request.user, token_id=request.POST.get("token", ""))
        except NotFound:
            raise Http404("No such token.") from None
        messages.success(request, "Token revoked: it no longer works.")
        return redirect("dashboard-api-tokens")
    # knox has no type information: the plugin does not see its reverse relation.
    tokens = request.user.auth_token_set.filter(  # type: ignore[attr-defined]
        expiry__gt=timezone.now()
    ).order_by("-created")
    with timezone.override(zoneinfo.ZoneInfo(request.user.clinic.timezone)):
        return render(
            request,
            "dashboard/api_tokens.html",
            {
                "nav": "api-tokens",
                "tokens": [(t.digest, t.created, t.expiry) for t in tokens],
                "ttl_days": settings.API_TOKEN_TTL_DAYS,
            },
        )
