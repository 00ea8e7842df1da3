"""The dev phone: in development (``DEBUG`` on, console SMS backend), read each patient's SMS
thread and answer as the patient. Replies go through the real inbound path (stored raw, handled
by the worker). Scoped to the signed-in clinician's clinic: its patients, their messages only.
"""

from typing import Any

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.crypto import get_random_string
from django.views.decorators.http import require_http_methods

from followup.models import InboundMessage, OutboundMessage, Patient
from followup.services.audit import audit_record
from followup.services.inbound import inbound_receive
from followup.text import storable
from followup.web.dashboard.auth import ClinicianRequest, clinician_required


def _enabled(request: HttpRequest) -> None:
    if (
        not settings.DEBUG
        or settings.SMS_BACKEND != "console"
        or not getattr(request.user, "clinic_id", None)
    ):
        raise Http404("The dev phone exists only in development, with the console SMS backend.")


def _shared_elsewhere(patient: Patient) -> bool:
    """Another clinic has a patient with this number: a reply sent as it could reach them."""
    return Patient.objects.filter(phone=patient.phone).exclude(clinic_id=patient.clinic_id).exists()


@clinician_required
def dev_phone(request: ClinicianRequest) -> HttpResponse:
    _enabled(request)
    patients = Patient.objects.filter(clinic=request.user.clinic).order_by("last_name", "id")
    return render(
        request,
        "followup/devphone.html",
        {"patients": patients, "patient": None, "nav": "devphone"},
    )


@clinician_required
@require_http_methods(["GET", "POST"])
def dev_phone_thread(request: ClinicianRequest, patient_id: int) -> HttpResponse:
    _enabled(request)
    patient = get_object_or_404(Patient, pk=patient_id, clinic=request.user.clinic)
    if request.method == "POST":
        # A reply is kept as typed, without the characters PostgreSQL cannot store.
        body = storable(request.POST.get("body", "")).strip()
        if body and _shared_elsewhere(patient):
            return HttpResponse(
                "Another clinic has a patient with this number: the dev phone cannot answer "
                "as this patient.",
                status=409,
                content_type="text/plain; charset=utf-8",
            )
        if body:
            inbound_receive(
                message_sid="SMdev" + get_random_string(29),
                from_number=patient.phone,
                to_number="dev-phone",
                body=body[:1600],
                payload={"source": "dev-phone", "patient": patient.pk},
            )
        return redirect("dev-phone-thread", patient_id=patient.pk)
    thread: list[dict[str, Any]] = sorted(
        [
            *(
                {"at": m.created_at, "from_patient": False, "body": m.body, "status": m.status}
                for m in OutboundMessage.objects.filter(patient=patient, channel="sms")
            ),
            *(
                {"at": m.received_at, "from_patient": True, "body": m.body, "status": m.status}
                # Texts handled as this patient's, and this page's own not yet handled; never
                # another clinic's patient's texts from the same number.
                for m in InboundMessage.objects.filter(
                    Q(patient=patient)
                    | Q(
                        patient=None,
                        from_number=patient.phone,
                        payload__source="dev-phone",
                        payload__patient=patient.pk,
                    )
                )
            ),
        ],
        key=lambda entry: entry["at"],
    )
    if "HTTP_X_FOLLOWUP_POLL" not in request.META:
        audit_record(actor=request.user, action="patient.sms_thread.view", patient=patient)
    patients = Patient.objects.filter(clinic=request.user.clinic).order_by("last_name", "id")
    return render(
        request,
        "followup/devphone.html",
        {"patients": patients, "patient": patient, "thread": thread, "nav": "devphone"},
    )
