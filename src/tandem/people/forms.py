from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms

from tandem.people.importing import parse
from tandem.people.importing.fields import FIELDS, Mapping
from tandem.people.models import Department, Person, Skill
from tandem.ui.forms import IdChoiceField, IdMultipleChoiceField, id_formfield


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="HR export",
        help_text="CSV (comma, semicolon or tab separated, UTF-8) or Excel .xlsx. "
        "The first row must hold the column names.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx"}),
    )


class ImportMappingForm(forms.Form):
    """One select per column of the file: which directory field it fills (or none)."""

    full_export = forms.BooleanField(
        required=False,
        label="This file lists everyone who works here",
        help_text="People in the directory who are missing from the file are marked as left; "
        "they lose access at once.",
    )
    confirm_leavers = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=10_000_000,
        label="Number of people to mark as left",
        help_text="Type the number shown above to confirm.",
    )
    send_invitations = forms.BooleanField(
        required=False,
        initial=True,
        label="Email an invitation to each new person",
        help_text="They set a password and sign in. Nobody is emailed before you press Import.",
    )

    def __init__(self, headers: list[str], mapping: Mapping, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        by_column = {index: key for key, index in mapping.items()}
        choices = [("", "— not imported —")] + [(f.key, f.label) for f in FIELDS]
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or f"Column {index + 1}",
                choices=choices,
                required=False,
                initial=by_column.get(index, ""),
            )

    def column_fields(self) -> list[tuple[int, forms.BoundField]]:
        return [(i, self[f"col_{i}"]) for i in range(len(self.headers))]

    def mapping(self) -> Mapping:
        mapping: Mapping = {}
        for index in range(len(self.headers)):
            key = self.cleaned_data.get(f"col_{index}")
            if key:
                if key in mapping:
                    self.add_error(
                        f"col_{index}", "This field is already filled by another column."
                    )
                mapping[key] = index
        return mapping


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Name, email, title or team"}
        ),
    )
    department = IdChoiceField(
        label="Department",
        queryset=Department.objects.all(),
        required=False,
        empty_label="All departments",
    )
    level = forms.TypedChoiceField(
        label="Level",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "All levels")] + [(str(i), f"Level {i}") for i in range(1, 9)],
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("active", "Active"), ("left", "Left"), ("", "All")],
    )


def timezone_choices() -> list[tuple[str, str]]:
    return [
        (name, name.replace("_", " "))
        for name in sorted(zoneinfo.available_timezones())
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/"))
    ] + [("UTC", "UTC")]


class ProfileForm(forms.ModelForm[Person]):
    timezone = forms.ChoiceField(label="Time zone", choices=timezone_choices)
    languages = forms.CharField(
        label="Languages you can mentor in",
        required=False,
        help_text="Separated by commas, e.g. English, German.",
    )
    skills = IdMultipleChoiceField(
        label="Skills you can offer",
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    learning = IdMultipleChoiceField(
        label="Skills you want to grow",
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        formfield_callback = id_formfield
        model = Person
        fields = ("timezone", "work_start", "work_end", "languages", "skills", "learning", "goals")
        labels = {
            "work_start": "Working day starts",
            "work_end": "Working day ends",
            "goals": "What you want to grow in",
        }
        widgets = {
            "work_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "work_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "goals": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["languages"] = ", ".join(self.instance.languages)

    def clean_languages(self) -> list[str]:
        try:
            return parse.languages(self.cleaned_data.get("languages", ""))
        except parse.CellError as exc:
            raise forms.ValidationError(f"This list {exc.message}.") from None


class ErasureConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand: my profile, answers, notes, logs and goals will be erased, my "
        "matches end, and I will not be able to sign in again.",
        required=True,
        error_messages={"required": "Tick the box to confirm that you want your data erased."},
    )


class RetentionForm(forms.Form):
    """One field per retention category: days, or empty to keep."""

    def __init__(self, *args: Any, categories: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for category, days in categories:
            self.fields[category.key] = forms.IntegerField(
                label=category.label,
                help_text=f"{category.description} Default: "
                + (
                    f"{category.default_days} days."
                    if category.default_days is not None
                    else "kept."
                ),
                required=False,
                min_value=0,
                max_value=36500,
                initial=days,
                widget=forms.NumberInput(attrs={"placeholder": "keep"}),
            )
