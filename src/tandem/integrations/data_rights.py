"""Chat integrations' data about a person (``core.personal_data``)."""

from __future__ import annotations

from tandem.core.personal_data import Section, Subject, register
from tandem.integrations.slack.models import SlackIdentity
from tandem.integrations.teams.models import TeamsIdentity


def export(subject: Subject) -> dict[str, Section]:
    return {
        "slack": Section(
            "Slack",
            "Your Slack member id, looked up by your email so Tandem can message you there.",
            [
                {"slack_user_id": s.slack_user_id, "looked_up": s.checked_at}
                for s in SlackIdentity.objects.filter(user_id=subject.user_id)
            ],
        ),
        "teams": Section(
            "Microsoft Teams",
            "Your Teams identity, looked up by your email so Tandem can message you there.",
            [
                {"object_id": t.aad_object_id, "user_principal_name": t.upn}
                for t in TeamsIdentity.objects.filter(user_id=subject.user_id)
            ],
        ),
    }


def erase(subject: Subject) -> dict[str, int]:
    return {
        "slack": SlackIdentity.objects.filter(user_id=subject.user_id).delete()[0],
        "teams": TeamsIdentity.objects.filter(user_id=subject.user_id).delete()[0],
    }


register("integrations", export=export, erase=erase, order=40)
