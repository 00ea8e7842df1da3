"""The dev phone: in development (``DEBUG`` on, console SMS backend), read each patient's SMS
thread and answer as the patient, and read the pages each on-call clinician's phone gets and
reply ``ACK <code>`` as that clinician. Replies go through the real inbound path (stored raw,
handled by the worker), as the signed Twilio SMS webhook's do. Scoped to the signed-in
clinician's clinic: its patients and clinicians, their messages only. Times are in the clinic's
zone, as on the dashboard.
"""

import zoneinfo
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.views.decorators.http import require_http_methods

from followup.models import CheckIn, Clinician, InboundMessage, OutboundMessage, Patient
from followup.services.audit import audit_record
from followup.services.inbound import inbound_receive
from followup.text import storable
from followup.web.dashboard.auth import ClinicianRequest, clinician_required

SHARED_NUMBER = (
    "Another clinic has a {who} with this number: the dev phone cannot answer as this {who}."
)


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


def _phone_shared_elsewhere(clinician: Clinician) -> bool:
    """Another clinic has a clinician or a patient with this phone: an ACK or a text sent from
    it could act on that clinic's flags or conversations."""
    phone, clinic = clinician.phone, clinician.clinic
    return (
        Clinician.objects.filter(phone=phone).exclude(clinic=clinic).exists()
        or Patient.objects.filter(phone=phone).exclude(clinic=clinic).exists()
    )


def _receive(*, from_number: str, body: str, payload: dict) -> None:
    """A text from the dev phone, through the same service as the Twilio SMS webhook."""
    inbound_receive(
        message_sid="SMdev" + get_random_string(29),
        from_number=from_number,
        to_number="dev-phone",
        body=body[:1600],
        payload={"source": "dev-phone", **payload},
    )


def _reply(request: HttpRequest) -> str:
    # A reply is kept as typed, without the characters PostgreSQL cannot store.
    return storable(request.POST.get("body", "")).strip()


def _on_call(request: ClinicianRequest) -> QuerySet[Clinician]:
    """The clinic's clinicians on call now, with a phone to page: each has a thread."""
    now = timezone.now()
    return (
        Clinician.objects.filter(
            clinic=request.user.clinic,
            shifts__clinic=request.user.clinic,
            shifts__starts_at__lte=now,
            shifts__ends_at__gt=now,
            is_active=True,
        )
        .exclude(phone="")
        .distinct()
        .order_by("last_name", "id")
    )


def _page(request: ClinicianRequest, template_context: dict[str, Any]) -> HttpResponse:
    """The dev phone's page: the patients (the live check-ins marked), the on-call phones, and
    the thread open, in the clinic's zone."""
    clinic = request.user.clinic
    live = CheckIn.objects.filter(patient=OuterRef("pk"), status__in=CheckIn.OPEN_STATUSES)
    patients = (
        # The drill patient is the safety drill's, never answered by hand.
        Patient.objects.filter(clinic=clinic, is_drill=False)
        .annotate(check_in_live=Exists(live))
        .order_by("last_name", "id")
    )
    context = {
        "patients": patients,
        "on_call": _on_call(request),
        "patient": None,
        "clinician": None,
        "zone": zoneinfo.ZoneInfo(clinic.timezone),
        "nav": "devphone",
        **template_context,
    }
    return render(request, "followup/devphone.html", context)


@clinician_required
def dev_phone(request: ClinicianRequest) -> HttpResponse:
    _enabled(request)
    return _page(request, {})


@clinician_required
@require_http_methods(["GET", "POST"])
def dev_phone_thread(request: ClinicianRequest, patient_id: int) -> HttpResponse:
    _enabled(request)
    patient = get_object_or_404(Patient, pk=patient_id, clinic=request.user.clinic, is_drill=False)
    if request.method == "POST":
        body = _reply(request)
        if body and _shared_elsewhere(patient):
            return HttpResponse(
                SHARED_NUMBER.format(who="patient"),
                status=409,
                content_type="text/plain; charset=utf-8",
            )
        if body:
            _receive(from_number=patient.phone, body=body, payload={"patient": patient.pk})
        return redirect("dev-phone-thread", patient_id=patient.pk)
    thread: list[dict[str, Any]] = sorted(
        [
            *(
                {"at": m.created_at, "from_phone": False, "body": m.body, "status": m.status}
                for m in OutboundMessage.objects.filter(patient=patient, channel="sms")
            ),
            *(
                {"at": m.received_at, "from_phone": True, "body": m.body, "status": m.status}
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
    return _page(request, {"patient": patient, "thread": thread})


@clinician_required
@require_http_methods(["GET", "POST"])
def dev_phone_on_call(request: ClinicianRequest, clinician_id: int) -> HttpResponse:
    """A clinician's phone: the pages it got (texts and calls) and the replies to them. A reply
    ``ACK <code>`` acknowledges the flag through the real inbound path."""
    _enabled(request)
    clinician = get_object_or_404(
        Clinician.objects.exclude(phone=""), pk=clinician_id, clinic=request.user.clinic
    )
    if request.method == "POST":
        body = _reply(request)
        if body and _phone_shared_elsewhere(clinician):
            return HttpResponse(
                SHARED_NUMBER.format(who="clinician or patient"),
                status=409,
                content_type="text/plain; charset=utf-8",
            )
        if body:
            _receive(from_number=clinician.phone, body=body, payload={"clinician": clinician.pk})
        return redirect("dev-phone-on-call", clinician_id=clinician.pk)
    thread: list[dict[str, Any]] = sorted(
        [
            *(
                {
                    "at": m.created_at,
                    "from_phone": False,
                    "body": m.body if m.channel == OutboundMessage.Channel.SMS else None,
                    "call": m.channel == OutboundMessage.Channel.VOICE,
                    "status": m.status,
                }
                # Everything this clinic sent to the phone: pages (as on call, as an admin) and
                # the replies to an ACK.
                for m in OutboundMessage.objects.filter(
                    clinic=request.user.clinic, to=clinician.phone
                )
            ),
            *(
                {"at": m.received_at, "from_phone": True, "body": m.body, "status": m.status}
                # This page's own replies only: never a text another clinic's phone sent.
                for m in InboundMessage.objects.filter(
                    from_number=clinician.phone,
                    payload__source="dev-phone",
                    payload__clinician=clinician.pk,
                )
            ),
        ],
        key=lambda entry: entry["at"],
    )
    return _page(request, {"clinician": clinician, "thread": thread})
