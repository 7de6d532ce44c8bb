from __future__ import annotations

from typing import Any

from django import forms

from tandem.accounts.models import User
from tandem.learning import selectors
from tandem.learning.files import allowed_list
from tandem.learning.models import (
    Audience,
    RequirementRole,
    Resource,
    ResourceKind,
    Stage,
    Training,
    TrainingKind,
)
from tandem.programs.models import Program
from tandem.ui.forms import IdChoiceField, IdMultipleChoiceField

ORG_WIDE = "org"


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label="Search", max_length=100, required=False)
    skill = IdChoiceField(queryset=None, required=False, empty_label="Any skill")
    stage = forms.ChoiceField(choices=[("", "Any stage"), *Stage.choices], required=False)
    audience = forms.ChoiceField(
        label="For", choices=[("", "Anyone"), *Audience.choices[1:]], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].queryset = selectors.skills_in_use()  # type: ignore[attr-defined]

    def filters(self) -> selectors.LibraryFilters:
        if not self.is_valid():
            return selectors.LibraryFilters()
        data = self.cleaned_data
        return selectors.LibraryFilters(
            q=data["q"].strip(),
            skill=data["skill"].pk if data["skill"] else None,
            stage=data["stage"],
            audience=data["audience"],
        )


def _scope_choices(user: User) -> list[tuple[str, str]]:
    choices = [(ORG_WIDE, "The whole organisation")] if user.is_admin else []
    return choices + [(str(p.pk), str(p)) for p in selectors.managed_programs(user)]


def _program_of(user: User, value: str) -> Program | None:
    if value == ORG_WIDE:
        return None
    return selectors.managed_programs(user).get(pk=int(value))


class ResourceForm(forms.Form):
    scope = forms.ChoiceField(label="Where it appears")
    kind = forms.ChoiceField(choices=ResourceKind.choices)
    title = forms.CharField(max_length=200)
    summary = forms.CharField(max_length=300, required=False, help_text="One line for the list.")
    body = forms.CharField(
        label="Article (Markdown)",
        widget=forms.Textarea(attrs={"rows": 14}),
        required=False,
        max_length=50_000,
        help_text="Headings with #, lists with -, links as [text](https://…); HTML shows as text.",
    )
    url = forms.CharField(label="Link", max_length=500, required=False)
    file = forms.FileField(
        required=False, help_text=f"{allowed_list()}; the size limit is checked on upload."
    )
    audience = forms.ChoiceField(choices=Audience.choices)
    skills = IdMultipleChoiceField(
        queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    stages = forms.MultipleChoiceField(
        choices=Stage.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, user: User, *args: Any, resource: Resource | None = None, **kwargs: Any):
        if resource is not None and not args:
            kwargs["initial"] = {
                "scope": str(resource.program_id) if resource.program_id else ORG_WIDE,
                "kind": resource.kind,
                "title": resource.title,
                "summary": resource.summary,
                "body": resource.body,
                "url": resource.url,
                "audience": resource.audience,
                "skills": list(resource.skills.values_list("pk", flat=True)),
                "stages": resource.stages,
            }
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["scope"].choices = _scope_choices(user)  # type: ignore[attr-defined]
        self.fields["skills"].queryset = selectors.tag_skill_choices()  # type: ignore[attr-defined]

    def program(self) -> Program | None:
        return _program_of(self.user, self.cleaned_data["scope"])


class TrainingForm(forms.Form):
    scope = forms.ChoiceField(label="Who may require it")
    kind = forms.ChoiceField(choices=TrainingKind.choices)
    title = forms.CharField(max_length=200)
    summary = forms.CharField(max_length=300, required=False)
    body = forms.CharField(
        label="Text (Markdown)",
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=50_000,
        help_text="Modules: the sections to read. Agreements: what people acknowledge.",
    )
    video_url = forms.CharField(label="Video link", max_length=500, required=False)
    pass_mark = forms.IntegerField(
        label="Pass mark (%)", min_value=1, max_value=100, initial=80, required=False
    )
    minutes = forms.IntegerField(label="Minutes it takes", min_value=1, max_value=240, initial=10)
    questions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        max_length=20_000,
        help_text="Modules: a question, then its answers, * before the right one and - before "
        "the others; a blank line between questions.",
    )

    def __init__(self, user: User, *args: Any, training: Training | None = None, **kwargs: Any):
        if training is not None and not args:
            from tandem.learning.services.trainings import questions_as_text

            kwargs["initial"] = {
                "scope": str(training.program_id) if training.program_id else ORG_WIDE,
                "kind": training.kind,
                "title": training.title,
                "summary": training.summary,
                "body": training.body,
                "video_url": training.video_url,
                "pass_mark": training.pass_mark,
                "minutes": training.minutes,
                "questions": questions_as_text(training),
            }
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["scope"].choices = _scope_choices(user)  # type: ignore[attr-defined]

    def program(self) -> Program | None:
        return _program_of(self.user, self.cleaned_data["scope"])


class QuizForm(forms.Form):
    """One radio group per question of a module."""

    def __init__(self, training: Training, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(training.questions.all())
        for index, question in enumerate(self.questions):
            self.fields[f"q{index}"] = forms.TypedChoiceField(
                label=f"{index + 1}. {question.text}",
                choices=list(enumerate(question.choices)),
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose an answer."},
            )

    def answers(self) -> list[int | None]:
        return [self.cleaned_data.get(f"q{i}") for i in range(len(self.questions))]


class AcknowledgeForm(forms.Form):
    agree = forms.BooleanField(
        label="I have read this and agree to it",
        error_messages={"required": "Tick the box to acknowledge the agreement."},
    )


class RequirementForm(forms.Form):
    training = IdChoiceField(queryset=None, empty_label=None)
    role = forms.ChoiceField(label="Required of", choices=RequirementRole.choices, required=False)

    def __init__(self, program: Program, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["training"].queryset = selectors.trainings_for_program(program)  # type: ignore[attr-defined]
        if not program.has_roles:
            self.fields["role"].widget = forms.HiddenInput()
