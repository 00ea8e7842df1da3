from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api.views.auth import TokenView
from api.views.checkins import CheckInViewSet, ResponseViewSet
from api.views.clinic import ClinicianViewSet, FollowUpPlanView, InstrumentListView
from api.views.flags import FlagViewSet
from api.views.patients import PatientViewSet
from api.views.public import PublicCheckInView, PublicResponsesView
from api.views.rota import EscalationPolicyView, ShiftViewSet
from api.views.sessions import SessionViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("patients", PatientViewSet, basename="patient")
router.register("sessions", SessionViewSet, basename="session")
router.register("check-ins", CheckInViewSet, basename="check-in")
router.register("responses", ResponseViewSet, basename="response")
router.register("clinicians", ClinicianViewSet, basename="clinician")
router.register("flags", FlagViewSet, basename="flag")
router.register("on-call/shifts", ShiftViewSet, basename="shift")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("instruments/", InstrumentListView.as_view(), name="instruments"),
    path("follow-up-plan/", FollowUpPlanView.as_view(), name="follow-up-plan"),
    path("escalation-policy/", EscalationPolicyView.as_view(), name="escalation-policy"),
    path("public/check-ins/<str:token>/", PublicCheckInView.as_view(), name="public-check-in"),
    path(
        "public/check-ins/<str:token>/responses/",
        PublicResponsesView.as_view(),
        name="public-check-in-responses",
    ),
    path("fhir/", include("api.fhir.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Its script from its own URL (?script), not inline: the Content-Security-Policy allows none.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    path("", include(router.urls)),
]
