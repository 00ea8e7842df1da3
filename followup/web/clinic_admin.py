"""Admin-only pages: the on-call rota, the escalation policy and the follow-up plan (being
built)."""

from django.http import HttpRequest, HttpResponse

from followup.web.auth import admin_required


@admin_required
def rota_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


@admin_required
def policy_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


@admin_required
def plan_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
