"""FHIR R4 routes, under ``/api/v1/fhir/`` (README, FHIR)."""

from django.urls import path

from api.fhir.views import (
    EncounterView,
    ObservationSearchView,
    ObservationView,
    PatientEverythingView,
    PatientView,
    ProcedureView,
    QuestionnaireListView,
    QuestionnaireResponseView,
    QuestionnaireView,
)
from api.fhir.writes import EncounterCreateView, PatientCreateView, ProcedureCreateView

urlpatterns = [
    path("Questionnaire", QuestionnaireListView.as_view(), name="fhir-questionnaire-list"),
    path(
        "Questionnaire/<str:questionnaire_id>",
        QuestionnaireView.as_view(),
        name="fhir-questionnaire",
    ),
    path(
        "QuestionnaireResponse/<int:response_id>",
        QuestionnaireResponseView.as_view(),
        name="fhir-questionnaire-response",
    ),
    path("Observation", ObservationSearchView.as_view(), name="fhir-observation-list"),
    path("Observation/<str:observation_id>", ObservationView.as_view(), name="fhir-observation"),
    path("Patient", PatientCreateView.as_view(), name="fhir-patient-create"),
    path("Patient/<int:patient_id>", PatientView.as_view(), name="fhir-patient"),
    path(
        "Patient/<int:patient_id>/$everything",
        PatientEverythingView.as_view(),
        name="fhir-patient-everything",
    ),
    path("Encounter", EncounterCreateView.as_view(), name="fhir-encounter-create"),
    path("Encounter/<int:session_id>", EncounterView.as_view(), name="fhir-encounter"),
    path("Procedure", ProcedureCreateView.as_view(), name="fhir-procedure-create"),
    path("Procedure/<int:session_id>", ProcedureView.as_view(), name="fhir-procedure"),
]
