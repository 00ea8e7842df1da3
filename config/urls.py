from django.contrib import admin
from django.urls import include, path

from followup.health import healthz

admin.site.site_header = "Follow-up administration"
admin.site.site_title = "Follow-up"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("api.urls")),
    path("admin/", admin.site.urls),
]
