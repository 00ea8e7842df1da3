"""Twilio webhooks: inbound SMS and delivery status callbacks.

Both are rejected (403) without a valid ``X-Twilio-Signature`` computed over
``PUBLIC_BASE_URL`` + the path, and fail closed when no auth token is configured.
"""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from followup.models import Clinician, Flag
from followup.services.flags import flag_acknowledge
from followup.services.inbound import inbound_receive
from followup.services.messages import message_status_record

logger = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def signature_valid(request: HttpRequest) -> bool:
    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    url = settings.PUBLIC_BASE_URL + request.get_full_path()
    return RequestValidator(token).validate(url, request.POST, signature)


def _forbidden() -> HttpResponse:
    return HttpResponse("Invalid Twilio signature.", status=403, content_type="text/plain")


@csrf_exempt
@require_POST
def inbound_sms(request: HttpRequest) -> HttpResponse:
    """Store the message raw and answer at once with empty TwiML; the work happens in a task."""
    if not signature_valid(request):
        logger.warning("inbound SMS with a bad signature refused")
        return _forbidden()
    sid = request.POST.get("MessageSid") or request.POST.get("SmsSid") or ""
    sender = request.POST.get("From", "")
    if not sid or not sender:
        return HttpResponse("MessageSid and From are required.", status=400)
    inbound_receive(
        message_sid=sid,
        from_number=sender,
        to_number=request.POST.get("To", ""),
        body=request.POST.get("Body", ""),
        payload=request.POST.dict(),
    )
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")


@csrf_exempt
@require_POST
def delivery_status(request: HttpRequest) -> HttpResponse:
    """``?m=<our message id>``: move the ledger row forward (never back)."""
    if not signature_valid(request):
        return _forbidden()
    try:
        message_id = int(request.GET.get("m", ""))
    except ValueError:
        return HttpResponse("m must be a message id.", status=400)
    status = request.POST.get("MessageStatus") or request.POST.get("CallStatus") or ""
    message_status_record(
        message_id=message_id,
        provider_status=status,
        sid=request.POST.get("MessageSid") or request.POST.get("CallSid") or "",
        error_code=request.POST.get("ErrorCode", ""),
    )
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def voice_ack(request: HttpRequest) -> HttpResponse:
    """The keypad answer to a page by call: 1 acknowledges the flag."""
    if not signature_valid(request):
        return _forbidden()
    flag = Flag.objects.filter(pk=_int(request.GET.get("f"))).first()
    if flag is None:
        return HttpResponse("f must be a flag id.", status=400)
    if request.POST.get("Digits") != "1":
        return _twiml("<Say>Not acknowledged. The alert stays open.</Say>")
    clinician = Clinician.objects.filter(
        pk=_int(request.GET.get("c")), clinic=flag.clinic_id, is_active=True
    ).first()
    flag_acknowledge(flag=flag, actor=clinician, via="voice")
    return _twiml(f"<Say>Flag {' '.join(flag.code)} acknowledged. Thank you.</Say>")


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0


def _twiml(body: str) -> HttpResponse:
    return HttpResponse(
        f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>',
        content_type="text/xml",
    )
