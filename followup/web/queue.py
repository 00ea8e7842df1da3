"""The flag queue and each flag's page (being built)."""

from django.http import HttpRequest, HttpResponse

from followup.web.auth import clinician_required


@clinician_required
def queue_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Flags")


@clinician_required
def queue_rows(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


@clinician_required
def flag_page(request: HttpRequest, flag_id: int) -> HttpResponse:
    return HttpResponse("")


@clinician_required
def flag_acknowledge(request: HttpRequest, flag_id: int) -> HttpResponse:
    return HttpResponse("")


@clinician_required
def flag_resolve(request: HttpRequest, flag_id: int) -> HttpResponse:
    return HttpResponse("")
