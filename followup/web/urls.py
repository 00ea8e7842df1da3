"""The dashboard's pages, under ``/dashboard/``. URLs carry ids only, never patient data."""

from django.urls import path

from followup.web.dashboard import api_tokens, auth, clinic_admin, patients, queue

urlpatterns = [
    path("", queue.queue_page, name="dashboard-queue"),
    path("queue/rows/", queue.queue_rows, name="dashboard-queue-rows"),
    path("flags/<int:flag_id>/", queue.flag_page, name="dashboard-flag"),
    path("flags/<int:flag_id>/acknowledge/", queue.flag_acknowledge, name="dashboard-flag-ack"),
    path("flags/<int:flag_id>/resolve/", queue.flag_resolve, name="dashboard-flag-resolve"),
    path("patients/", patients.patient_list, name="dashboard-patients"),
    path("patients/<int:patient_id>/", patients.patient_page, name="dashboard-patient"),
    path(
        "patients/<int:patient_id>/sessions/",
        patients.patient_record_session,
        name="dashboard-patient-session",
    ),
    path(
        "patients/<int:patient_id>/audit/", patients.patient_audit, name="dashboard-patient-audit"
    ),
    path("rota/", clinic_admin.rota_page, name="dashboard-rota"),
    path("policy/", clinic_admin.policy_page, name="dashboard-policy"),
    path("plan/", clinic_admin.plan_page, name="dashboard-plan"),
    path("keys/", clinic_admin.keys_page, name="dashboard-keys"),
    path("login/", auth.login_view, name="dashboard-login"),
    path("login/code/", auth.login_code_view, name="dashboard-login-code"),
    path("logout/", auth.logout_view, name="dashboard-logout"),
    path("session/activity/", auth.keep_alive_view, name="dashboard-keep-alive"),
    path("security/authenticator/", auth.second_factor_setup_view, name="dashboard-2fa-setup"),
    path("security/api-tokens/", api_tokens.api_tokens_page, name="dashboard-api-tokens"),
]
