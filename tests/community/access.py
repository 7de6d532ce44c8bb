"""The community part of the access matrix's world (``tests/test_access.py``)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tandem.community.models import Report
from tandem.community.services.discussion import post_reply, thread_create
from tandem.community.services.sessions import SessionData, session_create


def community_world(program, participant, coordinator) -> dict:
    """An upcoming session hosted by ``coordinator`` and a thread with a reply by
    ``participant`` that someone reported."""
    start = timezone.now() + timedelta(days=3)
    data = SessionData(kind="lunch_learn", title="Feedback that lands", starts_at=start)
    (session,) = session_create(actor=coordinator, program=program, data=data, announce=False)
    thread = thread_create(
        actor=coordinator, program_id=program.pk, title="Welcome", body="Say hello!"
    )
    post = post_reply(actor=participant, thread_id=thread.pk, body="Hello *all*")
    report = Report.objects.create(post=post, reporter=coordinator, reason="Test")
    by_session = {"session_id": session.pk}
    by_program = {"program_id": program.pk}
    by_thread = {"thread_id": thread.pk}
    by_post = {"post_id": post.pk}
    return {
        "ids": {"session_id": session.pk, "thread_id": thread.pk, "post_id": post.pk},
        "kwargs": {
            **{
                f"community:{name}": by_session
                for name in (
                    "session",
                    "session_edit",
                    "session_cancel",
                    "session_rsvp",
                    "session_unrsvp",
                    "session_ics",
                    "session_attendance",
                    "session_pulse",
                )
            },
            **{
                f"community:{name}": by_program
                for name in ("discussion", "thread_new", "follow", "reports")
            },
            "community:thread": by_thread,
            **{
                f"community:thread_{action}": by_thread
                for action in ("pin", "unpin", "lock", "unlock", "hide", "show")
            },
            **{
                f"community:post_{name}": by_post
                for name in ("edit", "delete", "report", "hide", "show")
            },
            "community:report_dismiss": {"report_id": report.pk},
        },
    }
