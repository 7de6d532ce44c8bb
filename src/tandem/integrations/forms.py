from __future__ import annotations

import datetime as dt
from zoneinfo import available_timezones

from django import forms

from tandem.integrations.slack.services.rotation import LinkInput
from tandem.integrations.teams.services.rotation import TeamLinkInput


class ChannelLinkForm(forms.Form):
    channel_id = forms.CharField(
        label="Slack channel id",
        max_length=32,
        help_text="In Slack: channel name → About → Channel ID (looks like C0123ABCD). Invite "
        "the Tandem app to the channel.",
    )
    channel_name = forms.CharField(
        label="Channel name (shown here)", max_length=100, required=False
    )
    post_time = forms.TimeField(
        label="Round starts at",
        initial=dt.time(10, 0),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    timezone = forms.ChoiceField(label="In time zone", initial="UTC")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["timezone"].choices = [(z, z) for z in sorted(available_timezones())]  # type: ignore[attr-defined]

    def clean_channel_id(self) -> str:
        return str(self.cleaned_data["channel_id"]).strip().upper()

    def link_input(self) -> LinkInput:
        data = self.cleaned_data
        return LinkInput(
            channel_id=data["channel_id"],
            channel_name=data.get("channel_name") or "",
            post_time=data["post_time"],
            timezone=data["timezone"],
        )


class TeamLinkForm(forms.Form):
    channel_link = forms.CharField(
        label="Link to the team's channel",
        max_length=1000,
        help_text="In Teams: the channel's ⋯ menu → Get link to channel. Round summaries are "
        "posted there; the team's members are the rotation's people. Add the Tandem app to "
        "the team first.",
    )
    channel_name = forms.CharField(
        label="Channel name (shown here)", max_length=100, required=False
    )
    post_time = forms.TimeField(
        label="Round starts at",
        initial=dt.time(10, 0),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    timezone = forms.ChoiceField(label="In time zone", initial="UTC")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["timezone"].choices = [(z, z) for z in sorted(available_timezones())]  # type: ignore[attr-defined]

    def link_input(self) -> TeamLinkInput:
        data = self.cleaned_data
        return TeamLinkInput(
            channel_link=data["channel_link"],
            channel_name=data.get("channel_name") or "",
            post_time=data["post_time"],
            timezone=data["timezone"],
        )
