from typing import TYPE_CHECKING

from rest_framework.permissions import SAFE_METHODS, BasePermission

from followup.models import Clinician, IntegrationKey

if TYPE_CHECKING:  # DRF builds its default views from this module: import views lazily.
    from rest_framework.request import Request
    from rest_framework.views import APIView


class IsClinicMember(BasePermission):
    """Signed in and belonging to a clinic: every object the caller reaches is its clinic's."""

    message = "Sign in as a clinician of a clinic."

    def has_permission(self, request: "Request", view: "APIView") -> bool:
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "clinic_id", None))


class IsClinicAdminOrReadOnly(IsClinicMember):
    message = "Only a clinic admin can change this."

    def has_permission(self, request: "Request", view: "APIView") -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in SAFE_METHODS or (
            isinstance(request.user, Clinician) and request.user.is_clinic_admin
        )


class IsClinicAdminInPersonOrReadOnly(IsClinicAdminOrReadOnly):
    """Accounts are made by an admin in person, never by an integration key: a leaked EHR key
    must not be able to make itself a clinician who signs in to the dashboard."""

    message = "Only a clinic admin, signed in themselves, can add a clinician."

    def has_permission(self, request: "Request", view: "APIView") -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in SAFE_METHODS or not isinstance(request.auth, IntegrationKey)
