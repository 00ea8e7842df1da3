"""Patients: the list and each patient's page (being built)."""

from django.http import HttpRequest, HttpResponse

from followup.web.auth import admin_required, clinician_required


@clinician_required
def patient_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


@clinician_required
def patient_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    return HttpResponse("")


@clinician_required
def patient_record_session(request: HttpRequest, patient_id: int) -> HttpResponse:
    return HttpResponse("")


@admin_required
def patient_audit(request: HttpRequest, patient_id: int) -> HttpResponse:
    return HttpResponse("")
