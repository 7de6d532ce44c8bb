from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.community.markdown import render_markdown
from tandem.community.models import Post, Report, Thread
from tandem.community.services.discussion import (
    follow_set,
    post_delete,
    post_edit,
    post_moderate,
    post_reply,
    post_report,
    thread_create,
    thread_moderate,
)
from tandem.community.services.sessions import SessionData, session_create
from tandem.core.errors import ApplicationError, NotFound
from tandem.notify.models import OutboxMessage
from tests.conftest import client_for
from tests.factories import EnrolmentFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(program, members, coordinator):
    return thread_create(
        actor=members[0], program_id=program.pk, title="First meetings", body="What worked?"
    )


def test_markdown_is_rendered_safely():
    html = render_markdown(
        "**bold** <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://example.com)"
    )
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert 'href="https://example.com"' in html and "noopener" in html


def test_reply_edit_delete_own_posts(thread, members):
    reply = post_reply(actor=members[1], thread_id=thread.pk, body="A shared agenda.")
    post_edit(actor=members[1], post_id=reply.pk, body="A shared agenda, sent the day before.")
    with pytest.raises(ApplicationError):
        post_edit(actor=members[2], post_id=reply.pk, body="Hijacked")
    with pytest.raises(ApplicationError):
        post_delete(actor=members[2], post_id=reply.pk)
    post_delete(actor=members[1], post_id=reply.pk)
    reply.refresh_from_db()
    assert reply.is_deleted and reply.body == ""
    assert Thread.objects.get(pk=thread.pk).post_count == 2


def test_coordinator_pins_locks_and_hides(thread, members, coordinator):
    thread_moderate(actor=coordinator, thread_id=thread.pk, action="lock")
    with pytest.raises(ApplicationError, match="locked"):
        post_reply(actor=members[1], thread_id=thread.pk, body="late")
    with pytest.raises(NotFound):
        thread_moderate(actor=members[1], thread_id=thread.pk, action="unlock")
    thread_moderate(actor=coordinator, thread_id=thread.pk, action="hide")
    page = client_for(members[1]).get(reverse("community:thread", args=[thread.pk]))
    assert page.status_code == 404
    assert (
        client_for(coordinator).get(reverse("community:thread", args=[thread.pk])).status_code
        == 200
    )


def test_reports_reach_the_coordinators_and_hiding_handles_them(thread, members, coordinator):
    post = thread.posts.get()
    report = post_report(actor=members[2], post_id=post.pk, reason="Names a colleague")
    assert OutboxMessage.objects.filter(kind="discussion_report", user=coordinator).exists()
    page = client_for(coordinator).get(reverse("community:reports", args=[thread.program_id]))
    assert "Names a colleague" in page.content.decode()
    post_moderate(actor=coordinator, post_id=post.pk, hide=True)
    assert Report.objects.get(pk=report.pk).handled_at is not None
    listing = client_for(members[1]).get(reverse("community:thread", args=[thread.pk]))
    assert "What worked?" not in listing.content.decode()


def test_new_posts_follow_each_persons_choice(thread, members, program):
    follow_set(actor=members[1], program_id=program.pk, mode="every")
    post_reply(actor=members[2], thread_id=thread.pk, body="Try walking meetings.")
    kinds = OutboxMessage.objects.filter(kind="discussion_post")
    assert {m.user_id for m in kinds} == {members[1].pk}  # the others: the weekly summary


def test_weekly_summary_by_default(thread, members):
    from django.utils import timezone

    from tandem.community.jobs import weekly_summaries

    assert weekly_summaries(timezone.now()) >= 3
    assert weekly_summaries(timezone.now()) >= 3  # idempotent: same week, same event keys
    assert not OutboxMessage.objects.filter(kind="discussion_summary", user=members[0]).exists()
    assert OutboxMessage.objects.filter(kind="discussion_summary", user=members[1]).count() == 1


# --- the attacker: a member of another program -------------------------------------------------


@pytest.fixture
def attacker(other_program):
    person = PersonFactory(user__email="mallory@example.com", user__name="Mallory")
    EnrolmentFactory(program=other_program, person=person)
    return person.user


def test_nothing_reaches_another_programs_members(
    thread, members, attacker, coordinator, program, other_program
):
    (session,) = session_create(
        actor=coordinator,
        program=program,
        data=SessionData(
            kind="lunch_learn",
            title="Secret",
            starts_at=thread.created_at.replace(year=thread.created_at.year + 1),
        ),
        announce=False,
    )
    post = thread.posts.get()
    client = client_for(attacker)
    pages = [
        reverse("community:discussion", args=[program.pk]),
        reverse("community:thread_new", args=[program.pk]),
        reverse("community:thread", args=[thread.pk]),
        reverse("community:post_report", args=[post.pk]),
        reverse("community:post_edit", args=[post.pk]),
        reverse("community:session", args=[session.pk]),
        reverse("community:session_ics", args=[session.pk]),
        reverse("community:reports", args=[program.pk]),
    ]
    for url in pages:
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("community:session_rsvp", args=[session.pk]),
        reverse("community:thread_lock", args=[thread.pk]),
        reverse("community:post_hide", args=[post.pk]),
        reverse("community:post_delete", args=[post.pk]),
    ):
        assert client.post(url).status_code == 404, url
    api = [
        ("get", f"/api/sessions/{session.pk}", None),
        ("post", f"/api/sessions/{session.pk}/rsvp", None),
        ("get", f"/api/programs/{program.pk}/threads", None),
        ("post", f"/api/programs/{program.pk}/threads", {"title": "x", "body": "y"}),
        ("get", f"/api/threads/{thread.pk}/posts", None),
        ("post", f"/api/threads/{thread.pk}/posts", {"body": "y"}),
        ("patch", f"/api/posts/{post.pk}", {"body": "y"}),
        ("post", f"/api/posts/{post.pk}/reports", {"reason": "y"}),
    ]
    for method, url, body in api:
        kwargs = {"data": body, "content_type": "application/json"} if body else {}
        assert getattr(client, method)(url, **kwargs).status_code == 404, url
    listed = client.get("/api/sessions").json()
    assert session.pk not in {s["id"] for s in listed}
    assert "Secret" not in client.get(reverse("community:sessions")).content.decode()
    # walking ids: every thread and post id of the other program answers 404
    for thread_id in Thread.objects.values_list("pk", flat=True):
        assert client.get(f"/api/threads/{thread_id}/posts").status_code == 404
    for post_id in Post.objects.values_list("pk", flat=True):
        assert (
            client.post(
                f"/api/posts/{post_id}/reports",
                data={"reason": "x"},
                content_type="application/json",
            ).status_code
            == 404
        )
    assert Report.objects.count() == 0 and Post.objects.count() == 1
