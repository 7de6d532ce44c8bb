"""A program's discussion: threads, replies, edits, deletions, reports and moderation."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.community import notices
from tandem.community.models import (
    DiscussionFollow,
    NotifyMode,
    Post,
    Report,
    Thread,
)
from tandem.community.selectors import (
    access_post,
    access_program_as_member,
    access_thread,
    access_thread_as_moderator,
    is_moderator,
)
from tandem.core.errors import ApplicationError, FieldError
from tandem.programs.models import Program

MAX_TITLE = 200
MAX_BODY = 10_000
MAX_REASON = 500


def _clean(text: str) -> str:
    """PostgreSQL text cannot hold NUL; nobody means to type one."""
    return text.replace("\x00", "").strip()


def _body(text: str) -> str:
    body = _clean(text)
    if not body:
        raise ApplicationError(
            "Write something first.", errors=[FieldError("Write something first.", field="body")]
        )
    if len(body) > MAX_BODY:
        raise ApplicationError(
            "That is too long.",
            errors=[FieldError(f"At most {MAX_BODY} characters.", field="body")],
        )
    return body


def _every_post_followers(program: Program, *, besides: int) -> list[User]:
    return [
        f.user
        for f in DiscussionFollow.objects.filter(program=program, mode=NotifyMode.EVERY_POST)
        .exclude(user_id=besides)
        .select_related("user")
        if f.user.is_active
    ]


def _tell(post: Post, now: datetime) -> None:
    notices.new_post(
        post, _every_post_followers(post.thread.program, besides=post.author_id or 0), now=now
    )


@transaction.atomic
def thread_create(
    *, actor: User, program_id: int, title: str, body: str, now: datetime | None = None
) -> Thread:
    now = now or timezone.now()
    program = access_program_as_member(user=actor, program_id=program_id)
    title = _clean(title)
    if not title or len(title) > MAX_TITLE:
        raise ApplicationError(
            "Give the thread a title.",
            errors=[FieldError(f"A title of 1 to {MAX_TITLE} characters.", field="title")],
        )
    text = _body(body)
    thread = Thread.objects.create(
        program=program,
        title=title,
        author=actor,
        created_at=now,
        last_post_at=now,
        post_count=1,
    )
    post = Post.objects.create(thread=thread, author=actor, body=text, created_at=now)
    _tell(post, now)
    return thread


@transaction.atomic
def post_reply(*, actor: User, thread_id: int, body: str, now: datetime | None = None) -> Post:
    now = now or timezone.now()
    thread = access_thread(user=actor, thread_id=thread_id)
    if thread.locked and not is_moderator(actor, thread.program):
        raise ApplicationError("This thread is locked: no new replies.", status=409)
    post = Post.objects.create(thread=thread, author=actor, body=_body(body), created_at=now)
    Thread.objects.filter(pk=thread.pk).update(last_post_at=now, post_count=F("post_count") + 1)
    _tell(post, now)
    return post


@transaction.atomic
def post_edit(*, actor: User, post_id: int, body: str, now: datetime | None = None) -> Post:
    post = access_post(user=actor, post_id=post_id)
    if post.author_id != actor.pk or post.is_deleted:
        raise ApplicationError("You can only edit your own posts.", status=403)
    if post.thread.locked:
        raise ApplicationError("This thread is locked.", status=409)
    post.body = _body(body)
    post.edited_at = now or timezone.now()
    post.save(update_fields=["body", "edited_at"])
    return post


@transaction.atomic
def post_delete(*, actor: User, post_id: int, now: datetime | None = None) -> Post:
    """Delete one's own post: the text is gone for good, a placeholder keeps the thread's order."""
    post = access_post(user=actor, post_id=post_id)
    if post.author_id != actor.pk:
        raise ApplicationError("You can only delete your own posts.", status=403)
    if not post.is_deleted:
        post.body = ""
        post.deleted_at = now or timezone.now()
        post.save(update_fields=["body", "deleted_at"])
    return post


@transaction.atomic
def post_report(*, actor: User, post_id: int, reason: str, now: datetime | None = None) -> Report:
    now = now or timezone.now()
    post = access_post(user=actor, post_id=post_id)
    reason = _clean(reason)
    if not reason or len(reason) > MAX_REASON:
        raise ApplicationError(
            "Say briefly what is wrong.",
            errors=[FieldError(f"A reason of 1 to {MAX_REASON} characters.", field="reason")],
        )
    report, created = Report.objects.get_or_create(
        post=post, reporter=actor, defaults={"reason": reason, "created_at": now}
    )
    if created:
        program = post.thread.program
        notices.post_reported(report, list(program.coordinators.filter(is_active=True)), now=now)
    return report


@transaction.atomic
def thread_moderate(*, actor: User, thread_id: int, action: str) -> Thread:
    """``pin``/``unpin``, ``lock``/``unlock``, ``hide``/``show`` (coordinators)."""
    thread = access_thread_as_moderator(user=actor, thread_id=thread_id)
    fields = {
        "pin": ("pinned", True),
        "unpin": ("pinned", False),
        "lock": ("locked", True),
        "unlock": ("locked", False),
        "hide": ("hidden", True),
        "show": ("hidden", False),
    }
    if action not in fields:
        raise ApplicationError(f"Unknown action {action!r}.")
    name, value = fields[action]
    setattr(thread, name, value)
    thread.save(update_fields=[name])
    log_action(f"community.thread_{action}", actor=actor, target=thread)
    return thread


@transaction.atomic
def post_moderate(*, actor: User, post_id: int, hide: bool, now: datetime | None = None) -> Post:
    """Hide (or show again) a post; hiding handles its open reports."""
    post = access_post(user=actor, post_id=post_id)
    if not is_moderator(actor, post.thread.program):
        raise ApplicationError("Not found.", status=404)
    post.hidden = hide
    post.save(update_fields=["hidden"])
    if hide:
        post.reports.filter(handled_at__isnull=True).update(
            handled_at=now or timezone.now(), handled_by=actor
        )
    log_action(
        "community.post_hidden" if hide else "community.post_shown", actor=actor, target=post
    )
    return post


@transaction.atomic
def report_dismiss(*, actor: User, report: Report, now: datetime | None = None) -> None:
    Report.objects.filter(pk=report.pk).update(handled_at=now or timezone.now(), handled_by=actor)
    log_action("community.report_dismissed", actor=actor, target=report.post)


@transaction.atomic
def follow_set(*, actor: User, program_id: int, mode: str) -> DiscussionFollow:
    program = access_program_as_member(user=actor, program_id=program_id)
    if mode not in NotifyMode.values:
        raise ApplicationError(
            "Choose how to hear about new posts.",
            errors=[FieldError("Unknown choice.", field="mode", value=mode)],
        )
    follow, _ = DiscussionFollow.objects.update_or_create(
        program=program, user=actor, defaults={"mode": mode}
    )
    return follow
