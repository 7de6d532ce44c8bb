from __future__ import annotations

import datetime as dt
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms

from tandem.community.models import MEMBER_KINDS, NotifyMode, SessionKind, SessionNewsMode
from tandem.community.services.sessions import MAX_CAPACITY, MAX_SLOTS, SessionData
from tandem.core.schemas import EARLIEST_YEAR, LATEST_YEAR, LONG_TEXT

DURATIONS = [
    (30, "30 minutes"),
    (45, "45 minutes"),
    (60, "1 hour"),
    (90, "1½ hours"),
    (120, "2 hours"),
    (180, "3 hours"),
]


def _planned(day: dt.date | None) -> dt.date | None:
    if day is not None and not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise forms.ValidationError(f"Choose a date between {EARLIEST_YEAR} and {LATEST_YEAR}.")
    return day


class SessionForm(forms.Form):
    """A session in the author's own time zone; flash mentoring offers back-to-back slots."""

    kind = forms.ChoiceField(choices=SessionKind.choices)
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=LONG_TEXT
    )
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    duration = forms.TypedChoiceField(
        choices=DURATIONS,
        coerce=int,
        initial=60,
        label="Length",
        help_text="Flash mentoring slots are 30 minutes each.",
    )
    slots = forms.IntegerField(
        min_value=1,
        max_value=MAX_SLOTS,
        initial=1,
        label="Flash mentoring: how many slots",
        help_text="Back-to-back 30-minute slots, one person each.",
    )
    online_url = forms.URLField(
        required=False, max_length=500, label="Online link", assume_scheme="https"
    )
    place = forms.CharField(required=False, max_length=200, label="Place")
    min_attendees = forms.IntegerField(
        min_value=0, max_value=MAX_CAPACITY, initial=0, label="Minimum people"
    )
    capacity = forms.IntegerField(
        min_value=1, max_value=MAX_CAPACITY, initial=20, label="Maximum people"
    )
    min_days_before = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=60,
        label="Check the minimum (days before)",
        help_text="If fewer people have said yes by then, you and the coordinators are told.",
    )

    def __init__(
        self, *args: Any, tzname: str = "UTC", kinds: list[str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.tzname = tzname
        self.fields["time"].label = f"Start time ({tzname.replace('_', ' ')})"
        if kinds is not None:
            field = self.fields["kind"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [c for c in SessionKind.choices if c[0] in kinds]

    def clean_date(self) -> dt.date | None:
        return _planned(self.cleaned_data.get("date"))

    def clean_online_url(self) -> str:
        url = self.cleaned_data.get("online_url") or ""
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError("Give an http:// or https:// link.")
        return url

    def data_for_service(self) -> SessionData:
        data = self.cleaned_data
        starts = datetime.combine(data["date"], data["time"]).replace(tzinfo=ZoneInfo(self.tzname))
        days = data.get("min_days_before")
        return SessionData(
            kind=data["kind"],
            title=data["title"],
            description=data.get("description", ""),
            starts_at=starts,
            ends_at=starts + timedelta(minutes=data["duration"]),
            timezone=self.tzname,
            online_url=data.get("online_url", ""),
            place=data.get("place", ""),
            min_attendees=data["min_attendees"],
            capacity=data["capacity"],
            min_deadline=starts - timedelta(days=days) if days else None,
            slots=data.get("slots") or 1,
        )


def kinds_for(coordinates: bool) -> list[str]:
    return list(SessionKind.values) if coordinates else [str(k) for k in MEMBER_KINDS]


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple, label="Came"
    )

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["present"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = people


class PulseForm(forms.Form):
    rating = forms.TypedChoiceField(
        choices=[
            (5, "Very useful"),
            (4, "Useful"),
            (3, "So-so"),
            (2, "Not very"),
            (1, "Not at all"),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        label="How useful was this session for you?",
    )
    comment = forms.CharField(
        required=False,
        max_length=2000,
        label="Anything to add? (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ThreadForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10_000,
        label="Message",
        help_text="Markdown: *italic*, **bold**, lists, links.",
    )


class PostForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        label="Your reply",
        help_text="Markdown works here.",
    )


class ReportForm(forms.Form):
    reason = forms.CharField(max_length=500, label="What is wrong with this post?")


class FollowForm(forms.Form):
    mode = forms.ChoiceField(
        choices=NotifyMode.choices, label="Tell me about new posts", widget=forms.RadioSelect
    )


class SessionNewsForm(forms.Form):
    mode = forms.ChoiceField(
        choices=SessionNewsMode.choices,
        label="Tell me about new sessions",
        widget=forms.RadioSelect,
    )
