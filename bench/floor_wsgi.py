"""The signed-insert floor: the least an inbound-SMS webhook can do, served like the real one.

``gunicorn bench.floor_wsgi:application`` (from the repository root) runs the project's own
``config.settings`` (the same middleware, database settings and environment) with
``ROOT_URLCONF`` pointing here instead: ``POST /twilio/sms/`` checks ``X-Twilio-Signature``
with twilio's ``RequestValidator`` over ``PUBLIC_BASE_URL`` + the path (as ``api/twilio.py``
does), inserts one row into ``bench_signed_floor`` (created by ``bench/load.py``; the
message's sid, sender, body and the whole form as JSON) and answers empty TwiML. ``/healthz``
answers 200 so the bench can tell it is up. bench/load.py compares the real intake with it.
"""

import json
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

TABLE = "bench_signed_floor"  # created by bench/load.py before this is served
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


@csrf_exempt
@require_POST
def signed_insert(request: HttpRequest) -> HttpResponse:
    signature = request.headers.get("X-Twilio-Signature", "")
    url = settings.PUBLIC_BASE_URL + request.get_full_path()
    if not signature or not RequestValidator(settings.TWILIO_AUTH_TOKEN).validate(
        url, request.POST, signature
    ):
        return HttpResponse("Invalid Twilio signature.", status=403, content_type="text/plain")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (message_sid, from_number, body, payload) "  # noqa: S608
            "VALUES (%s, %s, %s, %s) ON CONFLICT (message_sid) DO NOTHING",
            [
                request.POST.get("MessageSid", ""),
                request.POST.get("From", ""),
                request.POST.get("Body", ""),
                json.dumps(request.POST.dict()),
            ],
        )
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("twilio/sms/", signed_insert), path("healthz", healthz)]

settings.ROOT_URLCONF = __name__  # the only change to config.settings
application = get_wsgi_application()
