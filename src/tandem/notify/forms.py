from __future__ import annotations

from typing import Any

from django import forms

from tandem.notify.channels import channel_label
from tandem.notify.models import Category, DeliveryChoice, LowPriority
from tandem.notify.preferences import CHOOSABLE, Preferences
from tandem.notify.services.preferences import PreferenceInput, available_choices

DAYS = [(0, "Mon"), (1, "Tue"), (2, "Wed"), (3, "Thu"), (4, "Fri"), (5, "Sat"), (6, "Sun")]


class PreferencesForm(forms.Form):
    """Channel per category (only channels this installation has connected), quiet hours,
    working days, digest and pause."""

    quiet_start = forms.TimeField(
        required=False,
        label="Quiet hours from",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_end = forms.TimeField(
        required=False,
        label="until",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    working_days = forms.TypedMultipleChoiceField(
        choices=DAYS,
        coerce=int,
        required=False,
        label="Days I may be contacted",
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked means any day.",
    )
    low_priority = forms.ChoiceField(
        choices=LowPriority.choices,
        label="Nudges and program news",
        widget=forms.RadioSelect,
    )
    paused_until = forms.DateField(
        required=False,
        label="Pause everything until",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Account mail (invitations, password resets) still arrives.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (c, channel_label(c) if c != DeliveryChoice.OFF else "Off") for c in available_choices()
        ]
        fields = {
            f"channel_{category}": forms.ChoiceField(
                choices=choices, label=Category(category).label, initial=DeliveryChoice.EMAIL
            )
            for category in CHOOSABLE
        }
        self.fields = {**fields, **self.fields}

    @staticmethod
    def initial_from(prefs: Preferences) -> dict[str, Any]:
        allowed = set(available_choices())
        initial: dict[str, Any] = {
            f"channel_{c}": prefs.channel_for(c) if prefs.channel_for(c) in allowed else "email"
            for c in CHOOSABLE
        }
        initial.update(
            quiet_start=prefs.quiet_start,
            quiet_end=prefs.quiet_end,
            working_days=list(prefs.working_days),
            low_priority=prefs.low_priority,
            paused_until=prefs.paused_until,
        )
        return initial

    def channel_fields(self) -> list[forms.BoundField]:
        return [self[f"channel_{c}"] for c in CHOOSABLE]

    def to_input(self) -> PreferenceInput:
        data = self.cleaned_data
        return PreferenceInput(
            channels={c: data[f"channel_{c}"] for c in CHOOSABLE},
            quiet_start=data["quiet_start"],
            quiet_end=data["quiet_end"],
            working_days=data["working_days"],
            low_priority=data["low_priority"],
            paused_until=data["paused_until"],
        )
