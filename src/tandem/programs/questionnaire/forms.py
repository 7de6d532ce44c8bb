"""The editor's question form: choices written one per line, fields handed to the services."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django import forms

from tandem.programs.questionnaire.base import QuestionBase, clean_choices

Q = TypeVar("Q", bound=QuestionBase)


class QuestionFormBase(forms.ModelForm[Q], Generic[Q]):
    """Subclasses set ``Meta.model`` and ``Meta.fields`` (which must include ``choices``)."""

    choices = forms.CharField(
        label="Choices",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["choices"] = "\n".join(self.instance.choices or [])

    def clean_choices(self) -> list[str]:
        return clean_choices(self.cleaned_data.get("choices") or "")

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}
