"""The dashboard's filter: which slice of the program the KPIs are computed for."""

from __future__ import annotations

from django import forms

from tandem.insights import kpis
from tandem.people.models import Department
from tandem.ui.forms import IdChoiceField


class FilterForm(forms.Form):
    department = IdChoiceField(
        queryset=Department.objects.all(), required=False, empty_label="All departments"
    )
    level = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Career level",
        choices=[("", "All levels")] + [(str(i), f"Level {i}") for i in range(1, 9)],
    )

    def filters(self) -> kpis.Filters:
        if not self.is_valid():
            return kpis.Filters()
        department = self.cleaned_data.get("department")
        return kpis.Filters(
            department_id=department.pk if department else None,
            level=self.cleaned_data.get("level"),
        )
