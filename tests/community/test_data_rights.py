"""The library, trainings, sessions and discussions are in a person's export, and an erasure
removes what they hold about the person (issue 17's data rights over issue 15's apps)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.community.models import GroupSession, Post, Rsvp, Thread
from tandem.learning.models import Completion, HelpfulMark, Resource, ResourceView, Training
from tandem.people.rights import erasure_carry_out, erasure_request, export_document
from tests.factories import PersonFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_learning_and_community_records_are_exported_then_erased(admin):
    person = PersonFactory(user__name="Zed Quill")
    host = UserFactory()
    program = ProgramFactory(status="active")
    training = Training.objects.create(title="Peer mentoring basics", kind="module", body="…")
    Completion.objects.create(
        training=training, person=person, attempts=2, last_score=80, completed_at=timezone.now()
    )
    item = Resource.objects.create(kind="article", title="Running a first meeting", body="…")
    ResourceView.objects.create(resource=item, person=person)
    HelpfulMark.objects.create(resource=item, person=person)
    start = timezone.now() + timedelta(days=3)
    session = GroupSession.objects.create(
        program=program,
        kind="lunch_and_learn",
        title="Feedback that lands",
        host=host,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    Rsvp.objects.create(session=session, user=person.user, status="going")
    thread = Thread.objects.create(program=program, title="First meetings", author=person.user)
    Post.objects.create(thread=thread, author=person.user, body="Zed's tip: bring one question.")

    sections = export_document(person.user)["sections"]
    text = str(sections)
    for expected in (
        "Peer mentoring basics",
        "Running a first meeting",
        "Feedback that lands",
        "Zed's tip: bring one question.",
    ):
        assert expected in text, expected

    erasure = erasure_request(person=person, actor=admin)
    erasure_carry_out(erasure_id=erasure.pk, actor=admin)
    assert not Completion.objects.filter(person=person).exists()
    assert not ResourceView.objects.filter(person=person).exists()
    assert not HelpfulMark.objects.filter(person=person).exists()
    assert not Rsvp.objects.filter(session=session).exists()
    post = Post.objects.get(thread=thread)
    assert post.author is None and "Zed's tip" not in post.body
    assert Thread.objects.get(pk=thread.pk).author is None
