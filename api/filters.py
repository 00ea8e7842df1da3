"""Filters by id reach only the caller's clinic's rows.

django-filter makes a choice of every row in the table for a filter on a foreign key, so
``?patient=<another clinic's id>`` would answer 200 with an empty list where an id that does not
exist answers 400: an oracle for which ids exist elsewhere. Here each such choice is narrowed to
the caller's clinic, so both answer the same 400.
"""

from typing import cast

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet
from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter
from django_filters.filters import QuerySetRequestMixin
from django_filters.rest_framework import DjangoFilterBackend, FilterSet
from rest_framework.request import Request
from rest_framework.views import APIView

from followup.models import Clinic


def clinic_rows(model: type[Model], clinic: Clinic | None) -> QuerySet:
    """``model``'s rows of ``clinic``: through its own ``clinic``, or its patient's."""
    names = {field.name for field in model._meta.get_fields()}
    if "clinic" in names:
        return model._default_manager.filter(clinic=clinic)
    if "patient" in names:
        return model._default_manager.filter(patient__clinic=clinic)
    raise ImproperlyConfigured(f"{model.__name__} has no clinic to filter by: add a path here.")


class ClinicFilterBackend(DjangoFilterBackend):
    def get_filterset(  # type: ignore[override]  # DRF passes its Request; the stubs say HttpRequest
        self, request: Request, queryset: QuerySet, view: APIView
    ) -> FilterSet | None:
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        clinic = getattr(request.user, "clinic", None)
        narrowed = {
            name: clinic_rows(filter_.get_queryset(request).model, clinic)
            for name, filter_ in filterset.filters.items()
            if isinstance(filter_, ModelChoiceFilter | ModelMultipleChoiceFilter)
        }
        for name, rows in narrowed.items():
            cast(QuerySetRequestMixin, filterset.filters[name]).queryset = rows
            # The form's field may come from a copy made with the table's rows: narrow it too.
            cast(forms.ModelChoiceField, filterset.form.fields[name]).queryset = rows
        return filterset
