"""Pages of group sessions and discussions: parse, call a service, respond."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.audit.services import log_action
from tandem.community import selectors
from tandem.community.calendar import invitation
from tandem.community.forms import (
    AttendanceForm,
    FollowForm,
    PostForm,
    PulseForm,
    ReportForm,
    SessionForm,
    SessionNewsForm,
    ThreadForm,
    kinds_for,
)
from tandem.community.markdown import render_markdown
from tandem.community.models import PULSE_OPEN, DiscussionFollow, NotifyMode, RsvpStatus
from tandem.community.services import discussion, rsvp, session_news, sessions
from tandem.core.errors import ApplicationError, NotFound
from tandem.programs.models import Program
from tandem.programs.selectors import can_coordinate
from tandem.relationships.ical import Method
from tandem.ui.refusals import add_to_form, show_refusal

# --- group sessions ----------------------------------------------------------------------------


def _zone() -> str:
    return timezone.get_current_timezone_name()


@login_required
@require_GET
def sessions_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    only = _program_from_query(request)
    lists = selectors.session_lists(user, program=only)
    programs = Program.objects.filter(pk__in=selectors.member_program_ids(user)).order_by("name")
    news_form = SessionNewsForm(initial={"mode": selectors.session_news_mode(user)})
    return render(
        request,
        "community/sessions.html",
        {
            "lists": lists,
            "programs": programs,
            "news_form": news_form,
            "only": only,
            "zone": _zone(),
            "section": "sessions",
        },
    )


@login_required
@require_POST
def session_news_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SessionNewsForm(request.POST)
    if form.is_valid():
        session_news.session_news_set(actor=request.user, mode=form.cleaned_data["mode"])
        messages.success(request, "Saved.")
    else:
        messages.error(request, "Choose how to hear about new sessions.")
    return redirect("community:sessions")


def _program_from_query(request: AuthenticatedHttpRequest) -> Program | None:
    raw = request.GET.get("program") or request.POST.get("program") or ""
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 15:
        raise NotFound()
    return selectors.access_program_as_member(user=request.user, program_id=int(raw))


@login_required
@require_http_methods(["GET", "POST"])
def session_new_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    program = _program_from_query(request)
    coordinates = can_coordinate(user, program) if program else user.is_coordinator
    if program is None and not coordinates:
        raise NotFound()
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        tzname=_zone(),
        kinds=kinds_for(coordinates),
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = sessions.session_create(
                actor=user, program=program, data=form.data_for_service()
            )
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            count = len(created)
            messages.success(
                request, f"{count} slots offered." if count > 1 else "The session is planned."
            )
            return redirect("community:session", session_id=created[0].pk)
    return render(
        request,
        "community/session_form.html",
        {"form": form, "program": program, "section": "sessions", "editing": None},
    )


@login_required
@require_GET
def session_view(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    user = request.user
    session = selectors.access_session(user=user, session_id=session_id)
    manages = selectors.can_manage_session(user, session)
    mine = selectors.rsvp_of(user, session)
    people = selectors.attendees(session) if manages else []
    if manages and user.pk != session.host_id and people:
        log_action("community.attendees_viewed", actor=user, target=session, request=request)
    now = timezone.now()
    going = [r for r in people if r.status == RsvpStatus.GOING]
    context = {
        "session": session,
        "mine": mine,
        "position": selectors.waitlist_position(mine)
        if mine and mine.status == RsvpStatus.WAITLISTED
        else None,
        "manages": manages,
        "going": going,
        "waiting": [r for r in people if r.status == RsvpStatus.WAITLISTED],
        "started": session.starts_at <= now,
        "ended": session.ends_at <= now,
        "attendance_form": AttendanceForm(
            people=[(r.user_id, r.user.name) for r in going],
            initial={"present": [r.user_id for r in going if r.attended]},
        ),
        "pulse_form": PulseForm(),
        "pulse": selectors.pulse_result(session) if manages else None,
        "can_answer_pulse": bool(
            mine
            and mine.status == RsvpStatus.GOING
            and not mine.pulse_answered
            and session.ends_at <= now < session.ends_at + PULSE_OPEN
            and not session.is_cancelled
        ),
        "pulse_k": selectors.pulse_thresholds()[0],
        "zone": _zone(),
        "section": "sessions",
    }
    return render(request, "community/session.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_edit_view(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    user = request.user
    session = selectors.access_session_as_manager(user=user, session_id=session_id)
    local = timezone.localtime(session.starts_at)
    minutes = int((session.ends_at - session.starts_at).total_seconds() // 60)
    initial = {
        "kind": session.kind,
        "title": session.title,
        "description": session.description,
        "date": local.date(),
        "time": local.time().replace(second=0, microsecond=0),
        "duration": minutes,
        "slots": 1,
        "online_url": session.online_url,
        "place": session.place,
        "min_attendees": session.min_attendees,
        "capacity": session.capacity,
        "min_days_before": (session.starts_at - session.min_deadline).days
        if session.min_deadline
        else None,
    }
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        tzname=_zone(),
        kinds=[session.kind],
    )
    if request.method == "POST" and form.is_valid():
        data = form.data_for_service()
        changes = {f: getattr(data, f) for f in sessions.EDITABLE}
        try:
            sessions.session_update(actor=user, session_id=session.pk, changes=changes)
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "Saved. Everyone going gets the updated invitation.")
            return redirect("community:session", session_id=session.pk)
    return render(
        request,
        "community/session_form.html",
        {"form": form, "program": session.program, "section": "sessions", "editing": session},
    )


@login_required
@require_POST
def session_cancel_view(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = selectors.access_session_as_manager(user=request.user, session_id=session_id)
    sessions.session_cancel(actor=request.user, session_id=session.pk)
    messages.success(request, "The session is cancelled; everyone who answered is told.")
    return redirect("community:session", session_id=session.pk)


@login_required
@require_POST
def rsvp_view(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    try:
        answer = rsvp.rsvp_join(user=request.user, session_id=session_id)
    except NotFound:
        raise
    except ApplicationError as exc:
        show_refusal(request, exc)
    else:
        if answer.status == RsvpStatus.WAITLISTED:
            messages.info(request, "It is full: you are on the waitlist.")
        else:
            messages.success(request, "You're going. The invitation is in your inbox.")
    return redirect("community:session", session_id=session_id)


@login_required
@require_POST
def unrsvp_view(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    rsvp.rsvp_cancel(user=request.user, session_id=session_id)
    messages.success(request, "You are no longer going.")
    return redirect("community:session", session_id=session_id)


@login_required
@require_GET
def session_ics_view(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = selectors.access_session(user=request.user, session_id=session_id)
    method: Method = "CANCEL" if session.is_cancelled else "REQUEST"
    response = HttpResponse(
        invitation(session, attendee=None, method=method),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
    return response


@login_required
@require_POST
def attendance_view(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = selectors.access_session_as_manager(user=request.user, session_id=session_id)
    going = [r for r in selectors.attendees(session) if r.status == RsvpStatus.GOING]
    form = AttendanceForm(request.POST, people=[(r.user_id, r.user.name) for r in going])
    if not form.is_valid():
        messages.error(request, "Tick the people who came.")
        return redirect("community:session", session_id=session.pk)
    try:
        came = sessions.attendance_take(
            actor=request.user, session_id=session.pk, present=set(form.cleaned_data["present"])
        )
    except ApplicationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, f"Attendance saved: {came} came.")
    return redirect("community:session", session_id=session.pk)


@login_required
@require_POST
def pulse_view(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    selectors.access_session(user=request.user, session_id=session_id)
    form = PulseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose how useful the session was.")
        return redirect("community:session", session_id=session_id)
    try:
        rsvp.pulse_answer(
            user=request.user,
            session_id=session_id,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
    except ApplicationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, "Thank you — your answer is saved without your name.")
    return redirect("community:session", session_id=session_id)


# --- discussion --------------------------------------------------------------------------------


@login_required
@require_GET
def discussion_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    user = request.user
    program = selectors.access_program_as_member(user=user, program_id=program_id)
    follow = DiscussionFollow.objects.filter(program=program, user=user).first()
    moderator = selectors.is_moderator(user, program)
    return render(
        request,
        "community/discussion.html",
        {
            "program": program,
            "threads": selectors.threads(user, program)[:200],
            "follow_form": FollowForm(
                initial={"mode": follow.mode if follow else NotifyMode.WEEKLY}
            ),
            "moderator": moderator,
            "open_reports": selectors.open_reports(program).count() if moderator else 0,
            "sessions": selectors.session_lists(user, program=program).upcoming[:5],
            "section": "programs",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def thread_new_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = selectors.access_program_as_member(user=request.user, program_id=program_id)
    form = ThreadForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = discussion.thread_create(
                actor=request.user, program_id=program.pk, **form.cleaned_data
            )
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            return redirect("community:thread", thread_id=thread.pk)
    return render(
        request,
        "community/thread_new.html",
        {"form": form, "program": program, "section": "programs"},
    )


@login_required
@require_POST
def follow_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = selectors.access_program_as_member(user=request.user, program_id=program_id)
    form = FollowForm(request.POST)
    if form.is_valid():
        discussion.follow_set(
            actor=request.user, program_id=program.pk, mode=form.cleaned_data["mode"]
        )
        messages.success(request, "Saved.")
    else:
        messages.error(request, "Choose how to hear about new posts.")
    return redirect("community:discussion", program_id=program.pk)


@login_required
@require_http_methods(["GET", "POST"])
def thread_view(request: AuthenticatedHttpRequest, thread_id: int) -> HttpResponse:
    user = request.user
    thread = selectors.access_thread(user=user, thread_id=thread_id)
    moderator = selectors.is_moderator(user, thread.program)
    form = PostForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            post = discussion.post_reply(
                actor=user, thread_id=thread.pk, body=form.cleaned_data["body"]
            )
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            return redirect(f"{request.path}#post-{post.pk}")
    posts = selectors.posts(user, thread)
    rendered = [(p, render_markdown(p.body) if not p.is_deleted else "") for p in posts]
    return render(
        request,
        "community/thread.html",
        {
            "thread": thread,
            "program": thread.program,
            "posts": rendered,
            "form": form,
            "moderator": moderator,
            "can_reply": not thread.locked or moderator,
            "section": "programs",
        },
    )


@login_required
@require_POST
def thread_moderate_view(
    request: AuthenticatedHttpRequest, thread_id: int, action: str
) -> HttpResponse:
    thread = discussion.thread_moderate(actor=request.user, thread_id=thread_id, action=action)
    messages.success(
        request,
        {
            "pin": "Pinned to the top.",
            "unpin": "Unpinned.",
            "lock": "Locked: no new replies.",
            "unlock": "Unlocked.",
            "hide": "Hidden from participants.",
            "show": "Visible again.",
        }[action],
    )
    return redirect("community:thread", thread_id=thread.pk)


@login_required
@require_http_methods(["GET", "POST"])
def post_edit_view(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    post = selectors.access_own_post(user=request.user, post_id=post_id)
    form = PostForm(request.POST if request.method == "POST" else None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            discussion.post_edit(
                actor=request.user, post_id=post.pk, body=form.cleaned_data["body"]
            )
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            url = reverse("community:thread", args=[post.thread_id])
            return redirect(f"{url}#post-{post.pk}")
    return render(
        request,
        "community/post_form.html",
        {
            "form": form,
            "post": post,
            "program": post.thread.program,
            "title": "Edit your post",
            "section": "programs",
        },
    )


@login_required
@require_POST
def post_delete_view(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    post = selectors.access_own_post(user=request.user, post_id=post_id)
    discussion.post_delete(actor=request.user, post_id=post.pk)
    messages.success(request, "Your post is deleted.")
    return redirect("community:thread", thread_id=post.thread_id)


@login_required
@require_http_methods(["GET", "POST"])
def post_report_view(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    post = selectors.access_post(user=request.user, post_id=post_id)
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            discussion.post_report(
                actor=request.user, post_id=post.pk, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "Thank you. The program's coordinators will look at it.")
            return redirect("community:thread", thread_id=post.thread_id)
    return render(
        request,
        "community/post_form.html",
        {
            "form": form,
            "post": post,
            "program": post.thread.program,
            "title": "Report a post",
            "quote": render_markdown(post.body),
            "section": "programs",
        },
    )


@login_required
@require_POST
def post_hide_view(request: AuthenticatedHttpRequest, post_id: int, hide: bool) -> HttpResponse:
    post = discussion.post_moderate(actor=request.user, post_id=post_id, hide=hide)
    messages.success(request, "Post hidden." if hide else "Post visible again.")
    return redirect("community:thread", thread_id=post.thread_id)


@login_required
@require_GET
def reports_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = selectors.access_program_as_member(user=request.user, program_id=program_id)
    if not selectors.is_moderator(request.user, program):
        raise NotFound()
    log_action("community.reports_viewed", actor=request.user, target=program, request=request)
    return render(
        request,
        "community/reports.html",
        {
            "program": program,
            "reports": selectors.open_reports(program)[:200],
            "section": "programs",
        },
    )


@login_required
@require_POST
def report_dismiss_view(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = selectors.access_report(user=request.user, report_id=report_id)
    discussion.report_dismiss(actor=request.user, report=report)
    messages.success(request, "Report dismissed.")
    return redirect("community:reports", program_id=report.post.thread.program_id)
