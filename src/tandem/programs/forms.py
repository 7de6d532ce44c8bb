from __future__ import annotations

from typing import Any

from django import forms

from tandem.accounts.models import Role, User
from tandem.programs.models import KPI_CHOICES, MEETING_FORMATS, Program, Question, QuestionKind
from tandem.programs.questionnaire.forms import QuestionFormBase
from tandem.programs.services.questionnaire import QUESTION_FIELDS
from tandem.scim.selectors import directory_group_names
from tandem.ui.forms import IdMultipleChoiceField, id_formfield

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgramForm(forms.ModelForm[Program]):
    kpis = forms.MultipleChoiceField(
        label="KPIs you will watch",
        choices=KPI_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkgrid"}),
    )
    meeting_formats = forms.MultipleChoiceField(
        label="Meeting formats",
        choices=MEETING_FORMATS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reminder_days = forms.CharField(
        label="Remind on days",
        required=False,
        help_text="Days after enrolment opens, e.g. “7, 14”. People who enrolled, withdrew or "
        "said no are never reminded.",
    )
    eligible_levels = forms.MultipleChoiceField(
        label="Career levels",
        required=False,
        choices=[(str(i), f"Level {i}") for i in range(1, 9)],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkgrid"}),
        help_text="Leave empty for everyone.",
    )
    eligible_locations = forms.CharField(
        label="Locations",
        required=False,
        help_text="Comma-separated; leave empty for everyone.",
    )
    eligible_groups = forms.MultipleChoiceField(
        label="Directory groups",
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkgrid"}),
        help_text="Groups your identity provider sends by SCIM; leave empty for everyone.",
    )
    coordinators = IdMultipleChoiceField(
        queryset=User.objects.filter(role__in=[Role.ADMIN, Role.COORDINATOR], is_active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    class Meta:
        formfield_callback = id_formfield
        model = Program
        fields = (
            "name",
            "cohort",
            "kind",
            "description",
            "objectives",
            "kpis",
            "cadence",
            "duration_months",
            "hours_per_month",
            "meeting_formats",
            "confidentiality",
            "code_of_conduct",
            "boundaries",
            "support_contact",
            "enrolment_opens_on",
            "enrolment_closes_on",
            "reminder_days",
            "last_call_days",
            "eligible_departments",
            "eligible_levels",
            "eligible_locations",
            "eligible_groups",
            "hired_within_days",
            "buddy_min_tenure_days",
            "partners_per_person",
            "capacity_cap",
            "group_size",
            "allow_trio",
            "both_must_accept",
            "response_days",
            "repeat_cooldown_rounds",
            "meeting_grace_days",
            "inactivity_warning_days",
            "inactivity_alert_days",
        )
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "confidentiality": forms.Textarea(attrs={"rows": 3}),
            "code_of_conduct": forms.Textarea(attrs={"rows": 4}),
            "boundaries": forms.Textarea(attrs={"rows": 3}),
            "support_contact": forms.Textarea(attrs={"rows": 2}),
            "enrolment_opens_on": DATE,
            "enrolment_closes_on": DATE,
            "eligible_departments": forms.SelectMultiple(attrs={"size": 6}),
        }
        labels = {
            "cohort": "Cohort",
            "duration_months": "Expected duration (months)",
            "hours_per_month": "Time per month (hours)",
            "confidentiality": "Confidentiality statement",
            "boundaries": "What peer mentoring is not",
            "support_contact": "Support and referral contact",
            "enrolment_opens_on": "Enrolment opens",
            "enrolment_closes_on": "Enrolment closes",
            "last_call_days": "Last call, days before closing",
            "eligible_departments": "Departments",
            "hired_within_days": "New hires: hired within (days)",
            "buddy_min_tenure_days": "Buddies: at least (days) at the company",
            "partners_per_person": "Partners per person (default)",
            "capacity_cap": "Most partners anyone may take",
            "group_size": "Circle size",
            "allow_trio": "Allow a trio for the odd one out",
            "both_must_accept": "Everyone in a match must accept it before it starts",
            "response_days": "Days to answer a match",
            "repeat_cooldown_rounds": "Rotation rounds before two people can meet again",
            "inactivity_alert_days": "Days a match may stay at risk before you are alerted",
        }
        help_texts = {
            "inactivity_alert_days": "The pair is nudged first; if the match is still at risk "
            "after this many days, the coordinators get one alert (0: at once).",
        }

    SECTIONS = (
        ("Basics", ("name", "cohort", "kind", "description", "objectives", "kpis")),
        ("How it runs", ("cadence", "duration_months", "hours_per_month", "meeting_formats")),
        (
            "Guidelines people accept",
            ("confidentiality", "code_of_conduct", "boundaries", "support_contact"),
        ),
        (
            "Enrolment",
            ("enrolment_opens_on", "enrolment_closes_on", "reminder_days", "last_call_days"),
        ),
        (
            "Who may join",
            (
                "eligible_departments",
                "eligible_levels",
                "eligible_locations",
                "eligible_groups",
                "hired_within_days",
                "buddy_min_tenure_days",
            ),
        ),
        ("Capacity", ("partners_per_person", "capacity_cap", "group_size", "allow_trio")),
        ("Matches", ("both_must_accept", "response_days", "repeat_cooldown_rounds")),
        (
            "Relationship health",
            ("meeting_grace_days", "inactivity_warning_days", "inactivity_alert_days"),
        ),
        ("Coordinators", ("coordinators",)),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        program = self.instance
        groups = sorted({*directory_group_names(), *(program.eligible_groups or [])})
        groups_field = self.fields["eligible_groups"]
        if groups and isinstance(groups_field, forms.MultipleChoiceField):
            groups_field.choices = [(g, g) for g in groups]
        else:
            del self.fields["eligible_groups"]
        if program.pk:
            self.initial["reminder_days"] = ", ".join(str(d) for d in program.reminder_days)
            self.initial["eligible_locations"] = ", ".join(program.eligible_locations)
            self.initial["eligible_levels"] = [str(v) for v in program.eligible_levels]
            if "eligible_groups" in self.fields:
                self.initial["eligible_groups"] = list(program.eligible_groups)
            self.initial["coordinators"] = list(program.coordinators.all())
            if program.status != "draft":
                self.fields["kind"].disabled = True
                self.fields["kind"].help_text = "Locked once enrolment has opened."
        else:
            del self.fields["coordinators"]
            self.initial.setdefault("reminder_days", "7, 14")

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in self.SECTIONS
        ]

    def clean_reminder_days(self) -> list[int]:
        raw = self.cleaned_data.get("reminder_days") or ""
        try:
            days = sorted({int(p) for p in raw.replace(";", ",").split(",") if p.strip()})
        except ValueError:
            raise forms.ValidationError("Write whole numbers of days, e.g. 7, 14.") from None
        if any(d < 1 for d in days):
            raise forms.ValidationError("Days count from 1 (the day after enrolment opens).")
        return days

    def clean_eligible_locations(self) -> list[str]:
        raw = self.cleaned_data.get("eligible_locations") or ""
        return [p.strip() for p in raw.split(",") if p.strip()]

    def clean_eligible_levels(self) -> list[int]:
        return sorted(int(v) for v in self.cleaned_data.get("eligible_levels") or [])

    def service_fields(self) -> dict[str, Any]:
        data = {
            name: self.cleaned_data[name]
            for name in self.fields
            if name in self.cleaned_data and not self.fields[name].disabled
        }
        return data


class QuestionForm(QuestionFormBase[Question]):
    show_if_values = forms.CharField(
        label="…when its answer is",
        required=False,
        help_text="Comma-separated values, e.g. “mentor”.",
    )

    class Meta:
        formfield_callback = id_formfield
        model = Question
        fields = QUESTION_FIELDS
        labels = {
            "label": "Question",
            "key": "Matching field",
            "show_if": "Only show this question if",
        }
        widgets = {"consent_text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, program: Program, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "choices"
        ].help_text = "One per line (for choice questions and background options)."
        self.fields["key"].required = False
        self.fields["key"].help_text = "Leave empty to use the kind, e.g. “skills_offered”."
        others = program.questions.all()
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["show_if"].queryset = others  # type: ignore[attr-defined]
        if self.instance.pk:
            self.initial["show_if_values"] = ", ".join(self.instance.show_if_values)

    def clean_show_if_values(self) -> list[str]:
        raw = self.cleaned_data.get("show_if_values") or ""
        return [v.strip() for v in raw.split(",") if v.strip()]


class SkillForm(forms.Form):
    name = forms.CharField(max_length=100, label="New skill")
    category = forms.CharField(max_length=100, required=False)
    synonyms = forms.CharField(
        required=False, help_text="Other ways people write it, comma-separated."
    )


QUESTION_KINDS_HELP = dict(QuestionKind.choices)


class StageConfirmForm(forms.Form):
    """Typing the program's name confirms a change that reaches many people or cannot be undone."""

    confirmation = forms.CharField(
        label="Type the program's name to confirm", max_length=200, required=False, strip=True
    )


class CohortUploadForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet of people and their answers",
        help_text="CSV or Excel .xlsx, first row the column names: an Email column and one "
        "column per question (its key or its wording). Lists (skills, languages) separated by "
        "semicolons or commas.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx"}),
    )
