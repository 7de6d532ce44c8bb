from __future__ import annotations

from collections import Counter

import pytest
from django.test import Client
from django.utils import timezone

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
    from tandem.programs.models import NamedInvitation

    assert NamedInvitation.objects.filter(program__status="enrolling").count() == 3

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
    _demo_library_is_in_use_and_training_is_required(logins)
    _demo_community_is_lively()


def _demo_community_is_lively():
    from tandem.community.models import GroupSession, PulseAnswer, Rsvp, Thread

    assert GroupSession.objects.filter(kind="flash").count() == 4
    assert GroupSession.objects.filter(starts_at__lt=timezone.now()).count() == 4
    organisation_wide = GroupSession.objects.filter(program=None)
    assert organisation_wide.filter(starts_at__lt=timezone.now()).count() == 1
    assert organisation_wide.filter(starts_at__gt=timezone.now()).exists()
    assert Rsvp.objects.filter(status="waitlisted").count() == 2
    assert Rsvp.objects.filter(attended=True).count() > 20
    assert PulseAnswer.objects.count() > 10
    assert Thread.objects.filter(pinned=True).count() == 1
    assert Thread.objects.filter(post_count__gte=3).count() >= 2


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


def _demo_library_is_in_use_and_training_is_required(logins):
    """The starter library is read and marked helpful; the enrolling program requires a module
    and an agreement that most, but not all, have finished — the demo participant included."""
    from tandem.learning import selectors
    from tandem.learning.models import HelpfulMark, Resource, ResourceView
    from tandem.programs.models import Program

    assert Resource.objects.exclude(starter_key="").count() == 6
    assert ResourceView.objects.count() > 50 and HelpfulMark.objects.count() > 10
    peer = Program.objects.get(name="Cross-Team Peer Mentoring")
    waiting = selectors.waiting_on(peer)
    assert 10 < len(waiting) < peer.enrolments.count() / 2
    client = Client()
    client.post("/accounts/login/", {"email": logins.participant, "password": DEMO_PASSWORD})
    assert "to enter matching" in client.get("/").content.decode()
    coordinator = Client()
    coordinator.post("/accounts/login/", {"email": logins.coordinator, "password": DEMO_PASSWORD})
    assert "waiting on a training" in coordinator.get("/").content.decode()
