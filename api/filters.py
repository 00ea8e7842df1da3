"""Filters by id reach only the caller's clinic's rows.

django-filter makes a choice of every row in the table for a filter on a foreign key, so
``?patient=<another clinic's id>`` would answer 200 with an empty list where an id that does not
exist answers 400: an oracle for which ids exist elsewhere. Here each such choice is narrowed to
the caller's clinic, so both answer the same 400.

A bad value is a 400 that names the parameter and what it takes (``status: Give one of: …``),
never ignored: django-filter would read ``?opted_out=maybe`` as no filter at all.
"""

from typing import Any, cast

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import Model, QuerySet
from django_filters import (
    BooleanFilter,
    ChoiceFilter,
    ModelChoiceFilter,
    ModelMultipleChoiceFilter,
    MultipleChoiceFilter,
    NumberFilter,
)
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


class TrueOrFalseField(forms.Field):
    """A boolean filter's value: ``true`` or ``false`` (``1`` and ``0`` too), or a 400."""

    widget = forms.TextInput
    default_error_messages = {"invalid": "Give true or false."}
    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        if isinstance(value, str) and value.lower() in self.VALUES:
            return self.VALUES[value.lower()]
        raise ValidationError(self.error_messages["invalid"], code="invalid")


def _allowed(field: forms.ChoiceField) -> str:
    choices = cast(list[tuple[Any, Any]], field.choices)
    values = [str(value) for value, _ in choices if value not in ("", None)]
    return ", ".join(values)


def _say_what_is_allowed(form: forms.Form, filters: dict[str, Any]) -> None:
    """Each filter's errors, in words that say what the parameter takes."""
    for name, filter_ in filters.items():
        field = form.fields[name]
        if isinstance(filter_, BooleanFilter):
            form.fields[name] = TrueOrFalseField(required=False, label=field.label)
        elif isinstance(filter_, ModelChoiceFilter | ModelMultipleChoiceFilter):
            rows = cast(QuerySet, cast(forms.ModelChoiceField, field).queryset)
            noun = rows.model._meta.verbose_name
            message = f"Give the id of a {noun} of your clinic; %(value)s is not one."
            field.error_messages["invalid_choice"] = message
            field.error_messages["invalid_pk_value"] = message
        elif isinstance(filter_, ChoiceFilter | MultipleChoiceFilter):
            allowed = _allowed(cast(forms.ChoiceField, field))
            field.error_messages["invalid_choice"] = f"Give one of: {allowed}."
        elif isinstance(filter_, NumberFilter):
            field.error_messages["invalid"] = "Give a number."


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
        _say_what_is_allowed(filterset.form, filterset.filters)
        return filterset
