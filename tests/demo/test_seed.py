from __future__ import annotations

from collections import Counter

import pytest
from django.test import Client

from tandem.accounts.models import Role, User
from tandem.demo.seed import DEMO_PASSWORD, is_seeded, seed_demo
from tandem.notify.models import OutboxMessage
from tandem.people.models import (
    ErasureRequest,
    ErasureStatus,
    ImportBatch,
    Person,
    PersonStatus,
)


@pytest.mark.slow
def test_demo_organisation_is_realistic_and_its_logins_work(db):
    logins = seed_demo()

    assert is_seeded()
    # retention has run once: leavers past their period are erased; one erasure awaits an admin
    erased = Person.objects.filter(erasure_requests__status=ErasureStatus.DONE)
    assert erased.exists() and not erased.exclude(status=PersonStatus.LEFT).exists()
    assert ErasureRequest.objects.filter(status=ErasureStatus.REQUESTED).count() == 1
    people = Person.objects.select_related("user").exclude(pk__in=erased)
    assert people.count() >= 500
    assert people.filter(status=PersonStatus.LEFT).count() > 5
    assert len(set(people.values_list("department__name", flat=True))) >= 10
    assert set(people.values_list("level", flat=True)) == set(range(1, 9))
    assert len(set(people.values_list("timezone", flat=True))) >= 8
    assert Counter(len(p.languages) > 1 for p in people)[True] > 100
    assert people.filter(manager__isnull=True).count() == 1  # only the CEO
    assert all(p.goals and p.skills.exists() for p in people[:50])
    assert ImportBatch.objects.filter(status="applied").count() == 2
    assert OutboxMessage.objects.filter(kind="invitation").count() == 12

    roles = {
        email: User.objects.get(email=email).role
        for email in (logins.admin, logins.coordinator, logins.participant)
    }
    assert roles == {
        logins.admin: Role.ADMIN,
        logins.coordinator: Role.COORDINATOR,
        logins.participant: Role.PARTICIPANT,
    }
    for email in roles:
        client = Client()
        response = client.post("/accounts/login/", {"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        assert client.get("/").status_code == 200

    # notifications: every kind has a category, people chose channels, the loop has history
    from tandem.matches.models import RotationStanding
    from tandem.notify.models import NotificationPreference
    from tandem.relationships.models import Checkin, Membership

    account_kinds = set(
        OutboxMessage.objects.filter(category="account").values_list("kind", flat=True)
    )
    assert account_kinds <= {"invitation", "password_reset"}
    assert NotificationPreference.objects.filter(channels__matches="slack").count() > 30
    assert OutboxMessage.objects.filter(fallback_reason="Slack not configured").exists()
    assert Checkin.objects.filter(answer="yes").count() > 20
    assert Checkin.objects.filter(answer="no").exists()
    assert Membership.objects.exclude(ghosted_at=None).count() == 1
    assert RotationStanding.objects.filter(skip_rounds=2).count() == 1
    admin_client = Client()
    admin_client.post("/accounts/login/", {"email": logins.admin, "password": DEMO_PASSWORD})
    assert "Slack not configured" in admin_client.get("/outbox/?channel=fallback").content.decode()
    _demo_slack_works_against_the_stand_in()


def _demo_slack_works_against_the_stand_in():
    """Most people are in Slack, the coffee rotation follows a channel, the last round's intros
    were posted; ``tandem demo``'s stand-in knows exactly those people."""
    from django.test import override_settings

    from tandem.demo.slack import DEMO_CHANNEL, start_standin
    from tandem.integrations.slack.models import SlackChannelLink, SlackIdentity
    from tandem.integrations.slack.services.people import slack_id_for

    found = SlackIdentity.objects.exclude(slack_user_id="").count()
    missing = SlackIdentity.objects.filter(slack_user_id="").count()
    assert found > 5 * missing > 0
    assert SlackChannelLink.objects.get().channel_id == DEMO_CHANNEL
    assert OutboxMessage.objects.filter(kind="slack_intro", status="sent").exists()
    standin = start_standin(port=0)
    try:
        identity = SlackIdentity.objects.exclude(slack_user_id="").select_related("user").first()
        assert standin.members[identity.user.email.lower()] == identity.slack_user_id
        assert len(standin.channels[DEMO_CHANNEL]) > 10
        with override_settings(SLACK_API_URL=standin.api_url, SLACK_BOT_TOKEN=standin.token):
            identity.checked_at = None
            identity.save()
            assert slack_id_for(identity.user) == identity.slack_user_id
    finally:
        standin.stop()
