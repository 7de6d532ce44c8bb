"""The enrolment form built from a program's questions: prefilled from the directory, with
conditional questions and private answers (a "please not" list, self-described background)."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from tandem.people.forms import timezone_choices
from tandem.people.models import Department, Person, PersonStatus, Skill
from tandem.programs.availability import AVAILABILITY_CHOICES
from tandem.programs.models import (
    MEETING_FORMATS,
    EnrolmentRole,
    Program,
    ProgramKind,
    Question,
    QuestionKind,
)
from tandem.programs.questionnaire.standard import (
    BACKGROUND_CONSENT,
    COMMON_LANGUAGES,
    LEARNING_STYLES,
    MAX_PREFERRED,
)
from tandem.ui.forms import IdChoiceField, IdMultipleChoiceField


def field_name(question: Question) -> str:
    return f"q_{question.key}"


def consent_field_name(question: Question) -> str:
    return f"q_{question.key}_consent"


def _skills_field(question: Question, required: bool) -> forms.Field:
    return IdMultipleChoiceField(
        queryset=Skill.objects.order_by("category", "name"),
        required=required,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkgrid"}),
    )


def build_field(question: Question) -> forms.Field:
    """The form field for one question; ``required`` is enforced by ``clean`` (conditions)."""
    kind = question.kind
    if kind in (QuestionKind.SKILLS_OFFERED, QuestionKind.SKILLS_WANTED, QuestionKind.INTERESTS):
        field = _skills_field(question, False)
    elif kind == QuestionKind.GOALS:
        field = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    elif kind == QuestionKind.LEVEL:
        field = forms.TypedChoiceField(
            choices=[("", "—")] + [(str(i), f"Level {i}") for i in range(1, 9)],
            coerce=int,
            empty_value=None,
        )
    elif kind == QuestionKind.DEPARTMENT:
        field = IdChoiceField(queryset=Department.objects.all(), empty_label="—")
    elif kind == QuestionKind.TIMEZONE:
        field = forms.ChoiceField(choices=[("", "—"), *timezone_choices()])
    elif kind == QuestionKind.LANGUAGES:
        field = forms.MultipleChoiceField(
            choices=COMMON_LANGUAGES,
            widget=forms.CheckboxSelectMultiple(attrs={"class": "checkgrid"}),
        )
    elif kind == QuestionKind.AVAILABILITY:
        field = forms.MultipleChoiceField(
            choices=AVAILABILITY_CHOICES,
            widget=forms.CheckboxSelectMultiple(attrs={"class": "checkgrid"}),
        )
    elif kind == QuestionKind.MEETING_FORMAT:
        labels = dict(MEETING_FORMATS)
        field = forms.MultipleChoiceField(
            choices=[(c, labels.get(c, c)) for c in question.choices],
            widget=forms.CheckboxSelectMultiple,
        )
    elif kind == QuestionKind.LEARNING_STYLE:
        labels = dict(LEARNING_STYLES)
        field = forms.ChoiceField(
            choices=[(c, labels.get(c, c)) for c in question.choices], widget=forms.RadioSelect
        )
    elif kind == QuestionKind.ROLE:
        field = forms.ChoiceField(
            choices=[(c, c.capitalize()) for c in question.choices], widget=forms.RadioSelect
        )
    elif kind in (QuestionKind.BACKGROUND, QuestionKind.MULTI_CHOICE):
        field = forms.MultipleChoiceField(
            choices=[(c, c) for c in question.choices], widget=forms.CheckboxSelectMultiple
        )
    elif kind == QuestionKind.CHOICE:
        field = forms.ChoiceField(choices=[("", "—")] + [(c, c) for c in question.choices])
    elif kind in (QuestionKind.PREFERRED_PEERS, QuestionKind.AVOID_PEERS):
        field = forms.CharField(
            max_length=1000, widget=forms.TextInput(attrs={"autocomplete": "off"})
        )
    else:
        field = forms.CharField(max_length=500)
    field.required = False
    field.label = question.label
    field.help_text = question.help_text
    return field


def prefill(question: Question, person: Person) -> Any:
    kind = question.kind
    if kind == QuestionKind.LEVEL:
        return str(person.level) if person.level else ""
    if kind == QuestionKind.DEPARTMENT:
        return person.department_id
    if kind == QuestionKind.TIMEZONE:
        return person.timezone
    if kind == QuestionKind.LANGUAGES:
        return list(person.languages)
    if kind == QuestionKind.SKILLS_OFFERED:
        return [s.pk for s in person.skills.all()]
    if kind == QuestionKind.SKILLS_WANTED:
        return [s.pk for s in person.learning.all()]
    if kind == QuestionKind.GOALS:
        return person.goals
    return None


def to_json(question: Question, value: Any) -> Any:
    """A cleaned form value as stored in an answer (ids for skills and departments)."""
    if value in (None, "", []):
        return None
    if question.kind in (
        QuestionKind.SKILLS_OFFERED,
        QuestionKind.SKILLS_WANTED,
        QuestionKind.INTERESTS,
    ):
        return sorted(s.pk for s in value)
    if question.kind == QuestionKind.DEPARTMENT:
        return value.pk
    return value


def to_initial(question: Question, stored: Any) -> Any:
    if question.kind == QuestionKind.LEVEL and stored is not None:
        return str(stored)
    return stored


_SPLIT = re.compile(r"[,;\n]+")


def resolve_people(raw: str, *, me: Person, limit: int | None) -> tuple[list[int], list[str]]:
    """Emails or full names → person ids, with one message per name that does not resolve."""
    ids: list[int] = []
    problems = []
    tokens = [t.strip() for t in _SPLIT.split(raw or "") if t.strip()]
    for token in tokens:
        people = Person.objects.filter(status=PersonStatus.ACTIVE)
        match = list(
            people.filter(user__email__iexact=token)[:2]
            if "@" in token
            else people.filter(user__name__iexact=token)[:2]
        )
        if not match:
            problems.append(f"“{token}” is not someone in the directory")
        elif len(match) > 1:
            problems.append(f"“{token}” matches several people; use their work email")
        elif match[0].pk == me.pk:
            problems.append("you cannot list yourself")
        elif match[0].pk not in ids:
            ids.append(match[0].pk)
    if limit is not None and len(ids) > limit:
        problems.append(f"name at most {limit} people")
    return ids, problems


CAPACITY_FIELD = "capacity"


def capacity_label(program: Program) -> str:
    """The question each person answers about their own limit ("" where it does not apply)."""
    if program.capacity_cap <= 1:
        return ""
    if program.kind == ProgramKind.MENTOR_MENTEE:
        return "How many mentees can you take on at once?"
    if program.kind in (ProgramKind.PEER_PAIRS, ProgramKind.ONBOARDING_BUDDY):
        return "How many partners would you like at once?"
    return ""


class EnrolmentForm(forms.Form):
    """The questionnaire of one program for one person."""

    accept = forms.BooleanField(
        required=True,
        label="I have read the guidelines, the confidentiality statement and the code of conduct, "
        "and I agree to them.",
    )

    def __init__(
        self,
        program: Program,
        person: Person,
        *args: Any,
        stored: dict[int, Any] | None = None,
        stored_capacity: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.program, self.person = program, person
        self.questions = list(program.questions.select_related("show_if"))
        for question in self.questions:
            name = field_name(question)
            self.fields[name] = build_field(question)
            if stored is not None and question.pk in stored:
                self.initial[name] = to_initial(question, stored[question.pk])
            else:
                value = prefill(question, person)
                if value not in (None, "", []):
                    self.initial[name] = value
            if question.kind == QuestionKind.BACKGROUND:
                self.fields[consent_field_name(question)] = forms.BooleanField(
                    required=False, label=question.consent_text or BACKGROUND_CONSENT
                )
                if stored is not None and question.pk in stored:
                    self.initial[consent_field_name(question)] = True
        if capacity_label(program):
            cap = program.capacity_cap
            self.fields[CAPACITY_FIELD] = forms.TypedChoiceField(
                label=capacity_label(program),
                choices=[(str(n), str(n)) for n in range(1, cap + 1)],
                coerce=int,
                required=False,
                empty_value=None,
                help_text=f"Up to {cap}. Matching never gives you more; fewer is fine.",
            )
            self.initial[CAPACITY_FIELD] = str(
                min(stored_capacity or program.partners_per_person, cap)
            )
        if stored is not None:
            self.initial["accept"] = True

    def visible(self, question: Question) -> bool:
        """Conditional display: shown when the controlling answer has one of the values."""
        if question.show_if is None:
            return True
        source = (
            self.cleaned_data.get(field_name(question.show_if))
            if hasattr(self, "cleaned_data")
            else None
        )
        values = source if isinstance(source, list) else [source]
        return any(str(v) in question.show_if_values for v in values if v not in (None, ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for question in self.questions:
            name = field_name(question)
            if not self.visible(question):
                data[name] = None
                continue
            value = data.get(name)
            empty = value in (None, "", []) or (hasattr(value, "exists") and not value.exists())
            if question.required and empty:
                self.add_error(name, "Please answer this question.")
            if question.kind in (QuestionKind.PREFERRED_PEERS, QuestionKind.AVOID_PEERS) and value:
                limit = MAX_PREFERRED if question.kind == QuestionKind.PREFERRED_PEERS else 20
                ids, problems = resolve_people(value, me=self.person, limit=limit)
                for problem in problems:
                    self.add_error(name, problem[0].upper() + problem[1:] + ".")
                data[name] = ids
            if (
                question.max_choices
                and isinstance(value, list | tuple)
                and len(value) > question.max_choices
            ):
                self.add_error(name, f"Choose at most {question.max_choices}.")
            if (
                question.kind == QuestionKind.BACKGROUND
                and value
                and not data.get(consent_field_name(question))
            ):
                self.add_error(
                    consent_field_name(question),
                    "Tick the consent box to share this, or clear your choices.",
                )
        return data

    def answers(self) -> dict[Question, Any]:
        return {q: to_json(q, self.cleaned_data.get(field_name(q))) for q in self.questions}

    def capacity(self) -> int | None:
        """The person's own limit, or None for the program's default (mentees take one)."""
        if CAPACITY_FIELD not in self.fields:
            return None
        if self.program.kind == ProgramKind.MENTOR_MENTEE and self.role() != EnrolmentRole.MENTOR:
            return 1
        value = self.cleaned_data.get(CAPACITY_FIELD)
        return int(value) if value else None

    def role(self) -> str:
        for question in self.questions:
            if question.kind == QuestionKind.ROLE:
                return str(self.cleaned_data.get(field_name(question)) or EnrolmentRole.PEER)
        return ""

    def conditions(self) -> dict[str, dict[str, object]]:
        """For the page's script: which field controls which, and on what values."""
        shown: dict[str, dict[str, object]] = {
            field_name(q): {"field": field_name(q.show_if), "values": list(q.show_if_values)}
            for q in self.questions
            if q.show_if is not None
        }
        role = next((q for q in self.questions if q.kind == QuestionKind.ROLE), None)
        if (
            CAPACITY_FIELD in self.fields
            and role
            and self.program.kind == ProgramKind.MENTOR_MENTEE
        ):
            shown[CAPACITY_FIELD] = {"field": field_name(role), "values": [EnrolmentRole.MENTOR]}
        return shown
