"""What group sessions and discussions hold about a person, for export and erasure
(``core.personal_data``). Pulse answers are anonymous and never linked to anyone, so they are
in neither. Erasure removes the text of the person's posts and reports (the threads stay readable
for the others, "removed" in their place) and their sign-ups."""

from __future__ import annotations

from tandem.community.models import (
    DiscussionFollow,
    GroupSession,
    Post,
    Report,
    Rsvp,
    SessionNews,
    Thread,
)
from tandem.core.personal_data import Section, Subject, register

REMOVED = "(removed: the author's data was erased)"


def export(subject: Subject) -> dict[str, Section]:
    uid = subject.user_id
    rsvps = Rsvp.objects.filter(user_id=uid).select_related("session").order_by("created_at")
    posts = Post.objects.filter(author_id=uid).select_related("thread").order_by("created_at")
    hosted = GroupSession.objects.filter(host_id=uid).order_by("starts_at")
    return {
        "group_sessions": Section(
            "Group sessions",
            "Sessions you signed up for, your place, whether you came, and those you hosted.",
            [
                {
                    "session": r.session.title,
                    "starts": r.session.starts_at,
                    "your_place": r.get_status_display(),
                    "attended": r.attended,
                }
                for r in rsvps
            ]
            + [{"session": s.title, "starts": s.starts_at, "you_hosted": True} for s in hosted],
        ),
        "session_news": Section(
            "How you hear about new sessions",
            "Your choice; without one, a weekly summary.",
            [
                {"mode": n.get_mode_display(), "chosen": n.updated_at}
                for n in SessionNews.objects.filter(user_id=uid)
            ],
        ),
        "discussion": Section(
            "Your discussion posts",
            "What you wrote in your programs' discussions, and the posts you reported.",
            [
                {
                    "thread": p.thread.title,
                    "written": p.created_at,
                    "text": "" if p.deleted_at else p.body,
                    "deleted": p.deleted_at,
                    "hidden_by_a_coordinator": p.hidden,
                }
                for p in posts
            ]
            + [
                {"reported_post": r.post_id, "reason": r.reason, "reported": r.created_at}
                for r in Report.objects.filter(reporter_id=uid).order_by("created_at")
            ],
        ),
    }


def erase(subject: Subject) -> dict[str, int]:
    uid = subject.user_id
    return {
        "session sign-ups": Rsvp.objects.filter(user_id=uid).delete()[0],
        "discussion posts": Post.objects.filter(author_id=uid).update(body=REMOVED, author=None),
        "threads started": Thread.objects.filter(author_id=uid).update(author=None),
        "reports": Report.objects.filter(reporter_id=uid).update(reason=REMOVED, reporter=None),
        "discussion settings": DiscussionFollow.objects.filter(user_id=uid).delete()[0],
        "session news setting": SessionNews.objects.filter(user_id=uid).delete()[0],
    }


register("community", export=export, erase=erase, order=30)
