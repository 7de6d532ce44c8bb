"""Forms: the participant's survey form and the coordinator's settings, question and results
filter forms. They only parse input; the rules live in ``services``."""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.feedback.catalog import TEMPLATES
from tandem.feedback.models import QuestionKind, Survey, SurveyQuestion
from tandem.feedback.results import BREAKDOWNS, group_label, scale_labels
from tandem.feedback.services.questions import QUESTION_FIELDS
from tandem.feedback.services.surveys import site_floors
from tandem.privacy import validate_site_threshold
from tandem.programs.questionnaire.forms import QuestionFormBase
from tandem.ui.forms import id_formfield

REQUIRED = "Please answer this question."


def _choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def field_name(question: SurveyQuestion) -> str:
    return f"q{question.pk}"


def _scale_field(question: SurveyQuestion) -> forms.Field:
    labels = scale_labels(question)
    size = "scale-11" if question.kind == QuestionKind.NPS else "scale-5"
    help_text = question.help_text
    if question.kind == QuestionKind.NPS:
        help_text = " ".join(
            filter(None, [help_text, "0 means not at all likely, 10 extremely likely."])
        )
    return forms.TypedChoiceField(
        choices=[(str(v), label) for v, label in labels.items()],
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": f"scale {size}"}),
        help_text=help_text,
    )


def build_field(question: SurveyQuestion) -> forms.Field:
    field: forms.Field
    if question.kind in (QuestionKind.LIKERT, QuestionKind.NPS):
        field = _scale_field(question)
    elif question.kind == QuestionKind.SINGLE:
        field = forms.ChoiceField(
            choices=[(c, c) for c in question.choices], widget=forms.RadioSelect
        )
    elif question.kind == QuestionKind.MULTI:
        field = forms.MultipleChoiceField(
            choices=[(c, c) for c in question.choices], widget=forms.CheckboxSelectMultiple
        )
    else:
        field = forms.CharField(
            widget=forms.Textarea(attrs={"rows": 3, "maxlength": 4000}), max_length=4000
        )
    field.label = question.text
    field.required = question.required
    if question.kind not in (QuestionKind.LIKERT, QuestionKind.NPS):
        field.help_text = question.help_text
    field.error_messages["required"] = REQUIRED
    field.error_messages["invalid_choice"] = "Choose one of the options."
    return field


class SurveyResponseForm(forms.Form):
    """One field per question asked of this person; radio groups sit in a fieldset."""

    def __init__(self, questions: list[SurveyQuestion], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[field_name(question)] = build_field(question)

    def answers(self) -> dict[int, Any]:
        return {q.pk: self.cleaned_data.get(field_name(q)) for q in self.questions}


class TemplateForm(forms.Form):
    kind = forms.ChoiceField(
        label="Template",
        choices=[(kind, template.title) for kind, template in TEMPLATES.items()],
    )


class SurveySettingsForm(forms.ModelForm[Survey]):
    reminder_days = forms.CharField(
        label="Remind on days",
        required=False,
        help_text="Days after opening, e.g. “5, 10”. Only people who have not answered are "
        "reminded, at most three times.",
    )

    class Meta:
        formfield_callback = id_formfield
        model = Survey
        fields = (
            "title",
            "intro",
            "anonymous",
            "k_scores",
            "k_comments",
            "breakdowns",
            "anchor",
            "day_offset",
            "repeat_every_days",
            "open_days",
            "reminder_days",
        )
        labels = {
            "anchor": "Counted from",
            "day_offset": "Opens on day",
            "repeat_every_days": "Repeat every (days)",
            "open_days": "Open for (days)",
        }
        widgets = {"intro": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["reminder_days"] = ", ".join(
            str(d) for d in (self.instance.reminder_days or [])
        )
        if not self.instance.is_editable:
            for name in self.fields:
                if name not in ("title", "intro", "reminder_days"):
                    self.fields[name].disabled = True

    def clean_k_scores(self) -> int:
        return self._site_threshold("k_scores", "score")

    def clean_k_comments(self) -> int:
        return self._site_threshold("k_comments", "comment")

    def _site_threshold(self, name: str, kind: str) -> int:
        """The survey service checks again; here the floor's own words reach the field before
        the database constraint's generic message can."""
        value: int = self.cleaned_data[name]
        try:
            return validate_site_threshold(value, kind, site_floors())
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_reminder_days(self) -> list[int]:
        raw = self.cleaned_data.get("reminder_days") or ""
        try:
            return [int(part) for part in raw.replace(";", ",").split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError("Whole days separated by commas, e.g. 5, 10.") from None

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}


class QuestionForm(QuestionFormBase[SurveyQuestion]):
    class Meta:
        model = SurveyQuestion
        fields = QUESTION_FIELDS
        labels = {"text": "Question", "hat": "Asked of", "measure": "Counts toward"}
        widgets = {"text": forms.TextInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "choices"
        ].help_text = "For one-choice and several-choice questions: one option per line."
        self.fields["hat"].help_text = (
            "In mentor/mentee programs a hat question is asked only of that role; in peer "
            "programs everyone wears both hats and sees both."
        )
        self.fields["measure"].help_text = "Lets dashboards find this question in every survey."
        self.fields["measure"].required = False
        if self.instance.pk is None:
            self.fields["kind"].initial = QuestionKind.LIKERT

    def service_fields(self) -> dict[str, Any]:
        fields = super().service_fields()
        fields["measure"] = fields.get("measure") or ""
        return fields


class ResultsFilterForm(forms.Form):
    breakdown = forms.ChoiceField(label="Break down by", required=False)
    only = forms.ChoiceField(label="Only", required=False)

    def __init__(self, groups: dict[str, list[str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "breakdown").choices = [("", "No breakdown"), *BREAKDOWNS.items()]
        options: list[Any] = [("", "Everyone")]
        for dimension, values in groups.items():
            options.append(
                (
                    BREAKDOWNS[dimension],
                    [(f"{dimension}:{v}", group_label(dimension, v)) for v in values],
                )
            )
        _choice_field(self, "only").choices = options

    def selection(self) -> tuple[str | None, tuple[str, str] | None]:
        if not self.is_valid():
            return None, None
        breakdown = self.cleaned_data["breakdown"] or None
        only_raw = self.cleaned_data["only"] or ""
        if ":" not in only_raw:
            return breakdown, None
        dimension, value = only_raw.split(":", 1)
        return breakdown, (dimension, value)
