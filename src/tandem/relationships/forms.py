from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from tandem.core.schemas import LONG_TEXT
from tandem.people.models import Person, Skill
from tandem.relationships.models import ConcernKind, MeetingKind, MeetingLog, NextStep
from tandem.relationships.slots import Slot
from tandem.ui.forms import IdChoiceField

DURATIONS = [(30, "30 minutes"), (45, "45 minutes"), (60, "1 hour"), (90, "1½ hours")]


class WhenMixin(forms.Form):
    """A date and time in the viewer's own time zone (shown in the labels)."""

    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), required=False)
    duration = forms.TypedChoiceField(choices=DURATIONS, coerce=int, initial=60, label="Length")

    def __init__(self, *args: Any, tzname: str = "UTC", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tzname = tzname
        self.fields["date"].label = "Date"
        self.fields["time"].label = f"Start time ({tzname.replace('_', ' ')})"

    def starts_at(self) -> datetime | None:
        day, moment = self.cleaned_data.get("date"), self.cleaned_data.get("time")
        if not day or not moment:
            return None
        return datetime.combine(day, moment).replace(tzinfo=ZoneInfo(self.tzname))

    def length(self) -> timedelta:
        return timedelta(minutes=int(self.cleaned_data.get("duration") or 60))


class ScheduleForm(WhenMixin):
    slot = forms.ChoiceField(required=False, label="Suggested times", widget=forms.RadioSelect)
    kind = forms.ChoiceField(choices=MeetingKind.choices, label="Meeting")
    location = forms.CharField(required=False, max_length=200, label="Place (optional)")
    video_url = forms.URLField(required=False, label="Video link (optional)", assume_scheme="https")
    repeat = forms.IntegerField(
        min_value=1,
        max_value=26,
        initial=1,
        label="Meetings in the series",
        help_text="More than 1 repeats the meeting on the program's cadence.",
    )
    invite_coordinator = forms.BooleanField(
        required=False, label="Invite the program coordinator to facilitate the kickoff"
    )

    def __init__(self, *args: Any, slots: list[Slot] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone = ZoneInfo(self.tzname)
        self.slots = slots or []
        self.fields["slot"].choices = [  # type: ignore[attr-defined]
            (s.start.isoformat(), timezone.localtime(s.start, zone).strftime("%a %-d %b, %H:%M"))
            for s in self.slots
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("slot") and not self.starts_at():
            raise forms.ValidationError("Pick a suggested time, or enter a date and a start time.")
        return data

    def chosen_start(self) -> datetime:
        if self.cleaned_data.get("slot"):
            return datetime.fromisoformat(self.cleaned_data["slot"])
        start = self.starts_at()
        assert start is not None
        return start


class RescheduleForm(WhenMixin):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.starts_at():
            raise forms.ValidationError("Enter the new date and start time.")
        return data


class AgendaForm(forms.Form):
    text = forms.CharField(max_length=500, label="Add to the agenda")


class LogForm(forms.Form):
    """Topics (and who brought each), takeaways, next steps and an optional private note."""

    ROWS = 5
    takeaways = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="What I took away"
    )
    next_steps = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Next steps"
    )
    private_note = forms.CharField(
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Private note",
        help_text="Only the people in this match can read it — never coordinators or admins.",
    )

    def __init__(self, people: list[Person], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(p.pk): p for p in people}
        choices = [(str(p.pk), p.user.name) for p in people]
        for index in range(self.ROWS):
            self.fields[f"topic_{index}"] = forms.CharField(
                required=False, max_length=300, label=f"Topic {index + 1}"
            )
            self.fields[f"by_{index}"] = forms.ChoiceField(
                choices=choices, required=False, label=f"Brought by (topic {index + 1})"
            )

    def topic_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"topic_{i}"], self[f"by_{i}"]) for i in range(self.ROWS)]

    def topics(self) -> list[tuple[str, Person]]:
        rows = []
        for index in range(self.ROWS):
            title = (self.cleaned_data.get(f"topic_{index}") or "").strip()
            person = self.people.get(self.cleaned_data.get(f"by_{index}") or "")
            if title and person:
                rows.append((title, person))
        return rows


def log_initial(log: MeetingLog | None) -> dict[str, str]:
    """A saved log as the log form's initial values, so saving again edits it."""
    if log is None:
        return {}
    initial = {"takeaways": log.takeaways, "next_steps": log.next_steps}
    for index, topic in enumerate(log.topics.all()[: LogForm.ROWS]):
        initial[f"topic_{index}"] = topic.title
        initial[f"by_{index}"] = str(topic.brought_by_id)
    return initial


class GoalForm(forms.Form):
    title = forms.CharField(max_length=200, label="Specific: what do you want to achieve?")
    metric = forms.CharField(
        max_length=200,
        label="Measurable: how will you know?",
        help_text="e.g. “talks given to a group of 20+”",
    )
    target = forms.CharField(max_length=100, label="Target", help_text="e.g. “2 talks”")
    target_date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), label="Time-bound: by when?"
    )
    why = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Relevant: why it matters to you",
    )
    skill = IdChoiceField(
        queryset=Skill.objects.all(), required=False, label="Skill it grows (optional)"
    )
    milestones = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Milestones",
        help_text="One per line.",
    )


class ProgressForm(forms.Form):
    progress = forms.IntegerField(
        min_value=0,
        max_value=100,
        label="Progress (%)",
        widget=forms.NumberInput(attrs={"type": "range", "min": 0, "max": 100, "step": 5}),
    )
    note = forms.CharField(required=False, max_length=500, label="What happened")


class NoteForm(forms.Form):
    text = forms.CharField(
        max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3}), label="New private note"
    )


class ConcernForm(forms.Form):
    kind = forms.ChoiceField(
        choices=ConcernKind.choices, widget=forms.RadioSelect, label="What is it about?"
    )
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What happened",
        help_text="Only the program coordinators read this.",
    )


YES_NO = [("yes", "Yes"), ("no", "No")]


class ClosingForm(forms.Form):
    achieved = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="What did you achieve?"
    )
    learned = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What did you learn — as mentor and as mentee?",
    )
    would_recommend_partner = forms.ChoiceField(
        choices=YES_NO,
        widget=forms.RadioSelect,
        label="Would you recommend your partner as a peer mentor?",
    )
    would_do_again = forms.ChoiceField(
        choices=YES_NO, widget=forms.RadioSelect, label="Would you do peer mentoring again?"
    )
    next_step = forms.ChoiceField(
        choices=NextStep.choices, widget=forms.RadioSelect, label="What next?"
    )
