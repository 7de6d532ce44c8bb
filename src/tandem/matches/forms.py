from __future__ import annotations

from typing import Any

from django import forms

from tandem.matching.config import BUILTIN_FIELDS
from tandem.programs.models import Program, ProgramKind, QuestionKind
from tandem.relationships.models import EndReason

FIELD_LABELS = {
    "skills": "Skills: what one offers and the other wants (both directions)",
    "level": "Career level",
    "timezone": "Time zone (shared working hours)",
    "languages": "Languages",
    "department": "Department",
    "goals": "Goals (similar wording)",
    "availability": "Availability windows",
    "interests": "Interests",
}
RULE_LABELS = {
    "complementary": "complementary",
    "close": "close",
    "same": "the same",
    "different": "different",
    "overlap": "overlapping",
    "similar_text": "similar",
}


def available_fields(program: Program) -> list[str]:
    kinds = set(program.questions.values_list("kind", flat=True))
    fields = []
    if {QuestionKind.SKILLS_OFFERED, QuestionKind.SKILLS_WANTED} & kinds:
        fields.append("skills")
    fields += ["level", "timezone", "languages", "department"]
    for kind, name in (
        (QuestionKind.GOALS, "goals"),
        (QuestionKind.AVAILABILITY, "availability"),
        (QuestionKind.INTERESTS, "interests"),
    ):
        if kind in kinds:
            fields.append(name)
    return fields


class CriteriaForm(forms.Form):
    """One row per matching field: rule, weight 0–10 (0 = ignore), must-have; then the rules."""

    exclude_same_manager = forms.BooleanField(
        required=False, label="Never match people who share a manager"
    )
    exclude_reporting_line = forms.BooleanField(
        required=False, label="Never match people in one reporting line"
    )
    allow_trio = forms.BooleanField(required=False, label="Odd one out joins a pair as a trio")
    repeat_cooldown_rounds = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=52,
        label="Rounds before two people may meet again",
        help_text="Rotations only. Empty: never repeat.",
    )
    group_size = forms.IntegerField(min_value=3, max_value=6, required=False, label="Circle size")
    note = forms.CharField(required=False, max_length=200, label="What changed (for the history)")

    def __init__(self, program: Program, config: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.program = program
        self.field_names = available_fields(program)
        current = {c["field"]: c for c in config.get("criteria", [])}
        for name in self.field_names:
            existing = current.get(name, {})
            rules = BUILTIN_FIELDS.get(name, ("same",))
            self.fields[f"{name}__rule"] = forms.ChoiceField(
                choices=[(r, RULE_LABELS.get(r, r)) for r in rules],
                label="Rule",
                initial=existing.get("rule", rules[0]),
            )
            self.fields[f"{name}__weight"] = forms.IntegerField(
                min_value=0,
                max_value=10,
                initial=int(existing.get("weight", 0)),
                label="Weight",
                widget=forms.NumberInput(attrs={"type": "range", "min": 0, "max": 10, "step": 1}),
            )
            self.fields[f"{name}__must_have"] = forms.BooleanField(
                required=False, initial=existing.get("must_have", False), label="Must have"
            )
            if "close" in rules:
                self.fields[f"{name}__max_difference"] = forms.IntegerField(
                    required=False,
                    min_value=0,
                    max_value=7,
                    label="At most … apart",
                    initial=existing.get("max_difference"),
                )
        constraints = config.get("constraints", {})
        for key in (
            "exclude_same_manager",
            "exclude_reporting_line",
            "allow_trio",
            "group_size",
            "repeat_cooldown_rounds",
        ):
            self.fields[key].initial = constraints.get(key, self.fields[key].initial)
        if program.kind != ProgramKind.PEER_PAIRS:
            del self.fields["allow_trio"]
        if program.kind != ProgramKind.CIRCLES:
            del self.fields["group_size"]
        if program.kind != ProgramKind.COFFEE_ROTATION:
            del self.fields["repeat_cooldown_rounds"]
        self.base_constraints = constraints

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "name": name,
                "label": FIELD_LABELS.get(name, name),
                "rule": self[f"{name}__rule"],
                "weight": self[f"{name}__weight"],
                "must_have": self[f"{name}__must_have"],
                "max_difference": self[f"{name}__max_difference"]
                if f"{name}__max_difference" in self.fields
                else None,
            }
            for name in self.field_names
        ]

    def config(self) -> dict[str, Any]:
        data = self.cleaned_data
        criteria = []
        for name in self.field_names:
            weight = data.get(f"{name}__weight") or 0
            must = bool(data.get(f"{name}__must_have"))
            if not weight and not must:
                continue
            item: dict[str, Any] = {
                "field": name,
                "rule": data[f"{name}__rule"],
                "weight": weight,
                "must_have": must,
            }
            if data.get(f"{name}__max_difference") is not None and item["rule"] == "close":
                item["max_difference"] = data[f"{name}__max_difference"]
            criteria.append(item)
        constraints = dict(self.base_constraints)
        for key in (
            "exclude_same_manager",
            "exclude_reporting_line",
            "allow_trio",
            "group_size",
            "repeat_cooldown_rounds",
        ):
            if key in self.fields:
                value = data.get(key)
                if value is None:
                    constraints.pop(key, None)
                else:
                    constraints[key] = value
        return {"kind": self.program.kind, "criteria": criteria, "constraints": constraints}


class EndRelationshipForm(forms.Form):
    reason = forms.ChoiceField(
        choices=[
            (value, label)
            for value, label in EndReason.choices
            if value in ("repair", "coordinator", "left", "completed")
        ]
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Note for the file (never shown to the participants)",
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        label="Why? (optional, private)",
        help_text="Only the program coordinators see this; your match never does.",
    )


class RepairForm(forms.Form):
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        label="What is not working? (optional)",
        help_text="Confidential: only the coordinators read it. Your partner is told only that the "
        "match ended.",
    )


class PairsFileForm(forms.Form):
    file = forms.FileField(
        label="Matches made elsewhere",
        help_text="CSV or Excel .xlsx, one group per row: the file `tandem match` writes, or any "
        "sheet whose rows name the people of a group by their work email.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx"}),
    )
