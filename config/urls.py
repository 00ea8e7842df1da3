from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from api.twilio import delivery_status, inbound_sms, voice_ack
from followup.web.checkin import check_in_page
from followup.web.devphone import dev_phone, dev_phone_on_call, dev_phone_thread
from followup.web.health import healthz
from followup.web.metrics.view import metrics

admin.site.site_header = "Follow-up administration"
admin.site.site_title = "Follow-up"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("api/v1/", include("api.urls")),
    path("dashboard/", include("followup.web.urls")),
    path("admin/login/", RedirectView.as_view(url="/dashboard/login/", query_string=True)),
    path("admin/", admin.site.urls),
    path("twilio/sms/", inbound_sms, name="twilio-sms"),
    path("twilio/status/", delivery_status, name="twilio-status"),
    path("twilio/voice/ack/", voice_ack, name="twilio-voice-ack"),
    path("c/<str:token>", check_in_page, name="check-in-page"),
    path("dev/phone/", dev_phone, name="dev-phone"),
    path("dev/phone/<int:patient_id>/", dev_phone_thread, name="dev-phone-thread"),
    path("dev/phone/on-call/<int:clinician_id>/", dev_phone_on_call, name="dev-phone-on-call"),
]
