"""The messages of learning: a reminder of what someone must finish before matching. Built as
channel-neutral messages (email, Slack, Teams by the reader's preferences)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from tandem.learning.models import Training
from tandem.notify.messages import Button, Category, Message
from tandem.programs.models import Program


def training_reminder(*, program: Program, trainings: list[Training]) -> Message:
    names = ", ".join(f"“{t.title}”" for t in trainings)
    first = trainings[0]
    url = settings.SITE_URL + reverse("learning:training", args=[first.pk])
    minutes = sum(t.minutes for t in trainings)
    return Message(
        kind="training_reminder",
        category=Category.PROGRAM_NEWS,
        title=f"Finish {names} to be matched in {program.name}",
        text=(
            f"You are enrolled in *{program.name}*. Before you can be matched, the program asks "
            f"you to finish {names} (about {minutes} minutes). You are not in the matching pool "
            "until then."
        ),
        buttons=(Button(f"Open “{first.title}”", url=url, style="primary"),),
        link_url=url,
        link_label="Open in Tandem",
    )
