from django.db.models import QuerySet
from rest_framework import viewsets

from api.authentication import ClinicianRequest, SessionAuthentication, TokenAuthentication
from api.idempotency import IdempotentWritesMixin
from followup.models import Clinic


class ClinicScopedViewSet(IdempotentWritesMixin, viewsets.GenericViewSet):
    """Every object a view reaches belongs to the caller's clinic; anything else is a 404. Its
    writes honour ``Idempotency-Key`` (``api/idempotency.py``).

    Subclasses set ``queryset = Model.objects.none()`` (for the schema) and ``scoped()``.
    """

    # The configured schemes, with the clinic loaded by the token's query.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    request: ClinicianRequest

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            # drf-stubs read a Manager in this attribute's type as a descriptor on the view.
            return self.queryset  # type: ignore[arg-type, return-value]
        return self.scoped(self.request.user.clinic)

    def scoped(self, clinic: Clinic) -> QuerySet:
        raise NotImplementedError
