from __future__ import annotations

from django.forms.renderers import DjangoTemplates


class TandemFormRenderer(DjangoTemplates):
    """Accessible fields: label, widget, help text and errors tied together with ids."""

    form_template_name = "ui/forms/form.html"
    field_template_name = "ui/forms/field.html"
