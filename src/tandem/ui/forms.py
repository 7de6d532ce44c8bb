from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates

from tandem.core.schemas import MAX_ID


class TandemFormRenderer(DjangoTemplates):
    """Accessible fields: label, widget, help text and errors tied together with ids."""

    form_template_name = "ui/forms/form.html"
    field_template_name = "ui/forms/field.html"


def _is_id(value: object) -> bool:
    text = str(value).strip()
    return text.isdigit() and text.isascii() and 1 <= int(text) <= MAX_ID


class IdChoiceField(forms.ModelChoiceField):
    """A choice of one object by id that refuses ids no table can hold (2^63, -1, "1e9")
    with the field's own message instead of letting the database overflow."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not _is_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several objects by id, each checked like ``IdChoiceField``."""

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            if not _is_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(pk)[:40]},
                )
        return super()._check_values(value)  # type: ignore[misc]


def id_formfield(db_field: Any, **kwargs: Any) -> Any:
    """``formfield_callback`` for model forms: relations become ``IdChoiceField`` and
    ``IdMultipleChoiceField``, so a hostile id is a message on the field, not a 500."""
    from django.db import models

    if isinstance(db_field, models.ForeignKey) and "form_class" not in kwargs:
        kwargs["form_class"] = IdChoiceField
    elif isinstance(db_field, models.ManyToManyField) and "form_class" not in kwargs:
        kwargs["form_class"] = IdMultipleChoiceField
    return db_field.formfield(**kwargs)
