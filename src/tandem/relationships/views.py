from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError
from tandem.programs.selectors import access_program_as_coordinator
from tandem.relationships import calendars, selectors
from tandem.relationships.forms import (
    AgendaForm,
    ClosingForm,
    ConcernForm,
    GoalForm,
    LogForm,
    NoteForm,
    ProgressForm,
    RescheduleForm,
    ScheduleForm,
)
from tandem.relationships.models import (
    Concern,
    MeetingKind,
    MeetingStatus,
    Milestone,
    RelationshipStatus,
)
from tandem.relationships.services.closing import closing_submit
from tandem.relationships.services.concerns import concern_handled, concern_raise
from tandem.relationships.services.feeds import (
    calendar_feed_create,
    calendar_feed_revoke,
    person_for_feed,
)
from tandem.relationships.services.goals import (
    goal_close,
    goal_create,
    goal_progress,
    milestone_toggle,
)
from tandem.relationships.services.logs import agenda_add, agenda_remove, log_save, note_add
from tandem.relationships.services.meetings import (
    meeting_cancel,
    meeting_mark,
    meeting_reschedule,
    meeting_schedule,
)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _apply(form: BaseForm, exc: ApplicationError) -> None:
    for error in exc.errors:
        form.add_error(error.field if error.field in form.fields else None, error.message)
    if not exc.errors:
        form.add_error(None, exc.message)


@login_required
def detail_view(request: HttpRequest, relationship_id: int) -> HttpResponse:
    relationship, membership = selectors.access_relationship(
        user=_user(request), relationship_id=relationship_id
    )
    people = selectors.members(relationship)
    balance = selectors.reciprocity(relationship)
    return render(
        request,
        "relationships/detail.html",
        {
            "relationship": relationship,
            "membership": membership,
            "program": relationship.program,
            "partners": [m for m in people if m.pk != membership.pk],
            "shares": [(m, round(balance.shares.get(m.person_id, 0) * 100)) for m in people],
            "balance": balance,
            "upcoming": selectors.upcoming(relationship),
            "past": selectors.past(relationship)[:12],
            "goals": selectors.goals(relationship),
            "notes": selectors.notes(relationship)[:10],
            "note_form": NoteForm(),
            "live": relationship.status == RelationshipStatus.ACTIVE,
            "section": "matches",
        },
    )


@login_required
def kickoff_view(request: HttpRequest, relationship_id: int) -> HttpResponse:
    relationship, membership = selectors.access_relationship(
        user=_user(request), relationship_id=relationship_id
    )
    people = selectors.members(relationship)
    kickoff = (
        relationship.meetings.filter(kind=MeetingKind.KICKOFF)
        .exclude(status=MeetingStatus.CANCELLED)
        .first()
    )
    return render(
        request,
        "relationships/kickoff.html",
        {
            "relationship": relationship,
            "membership": membership,
            "program": relationship.program,
            "people": people,
            "kickoff": kickoff,
            "section": "matches",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def schedule_view(request: HttpRequest, relationship_id: int) -> HttpResponse:
    user = _user(request)
    relationship, membership = selectors.access_relationship(
        user=user, relationship_id=relationship_id
    )
    kind = request.GET.get("kind", MeetingKind.REGULAR)
    duration = timedelta(minutes=int(request.POST.get("duration") or 60))
    slots = selectors.suggested_slots(relationship, duration=duration)
    form = ScheduleForm(
        request.POST or None,
        tzname=membership.person.timezone,
        slots=slots,
        initial={
            "kind": kind if kind in MeetingKind.values else MeetingKind.REGULAR,
            "duration": 60,
            "repeat": 1,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            meetings = meeting_schedule(
                actor=user,
                relationship=relationship,
                starts_at=form.chosen_start(),
                duration=form.length(),
                kind=form.cleaned_data["kind"],
                location=form.cleaned_data["location"],
                video_url=form.cleaned_data["video_url"],
                invite_coordinator=form.cleaned_data["invite_coordinator"],
                repeat=form.cleaned_data["repeat"] or 1,
            )
        except ApplicationError as exc:
            _apply(form, exc)
        else:
            messages.success(
                request,
                "Scheduled. Everyone received a calendar invitation."
                if len(meetings) == 1
                else f"{len(meetings)} meetings scheduled; one invitation covers the series.",
            )
            return redirect(
                "relationships:meeting", relationship_id=relationship.pk, meeting_id=meetings[0].pk
            )
    return render(
        request,
        "relationships/schedule.html",
        {
            "relationship": relationship,
            "program": relationship.program,
            "form": form,
            "slots": slots,
            "partners": [m for m in selectors.members(relationship) if m.pk != membership.pk],
            "membership": membership,
            "section": "matches",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_view(request: HttpRequest, relationship_id: int, meeting_id: int) -> HttpResponse:
    user = _user(request)
    meeting, membership = selectors.access_meeting(
        user=user, relationship_id=relationship_id, meeting_id=meeting_id
    )
    relationship = meeting.relationship
    people = [m.person for m in selectors.members(relationship)]
    action = request.POST.get("action", "")
    agenda_form = AgendaForm(request.POST if action == "agenda" else None)
    own_log = meeting.logs.filter(author=membership.person).prefetch_related("topics").first()
    initial = {}
    if own_log:
        initial = {"takeaways": own_log.takeaways, "next_steps": own_log.next_steps}
        for index, topic in enumerate(own_log.topics.all()[: LogForm.ROWS]):
            initial[f"topic_{index}"], initial[f"by_{index}"] = (
                topic.title,
                str(topic.brought_by_id),
            )
    log_form = LogForm(people, request.POST if action == "log" else None, initial=initial)
    reschedule_form = RescheduleForm(
        request.POST if action == "reschedule" else None, tzname=membership.person.timezone
    )
    if request.method == "POST":
        try:
            if action == "agenda" and agenda_form.is_valid():
                agenda_add(actor=user, meeting=meeting, text=agenda_form.cleaned_data["text"])
                return redirect(request.path)
            if action == "remove_item":
                item = get_object_or_404(meeting.agenda, pk=request.POST.get("item"))
                agenda_remove(actor=user, item=item)
                return redirect(request.path)
            if action in ("held", "missed"):
                meeting_mark(actor=user, meeting=meeting, held=action == "held")
                messages.success(request, f"Marked as {action}.")
                return redirect(request.path)
            if action == "cancel":
                meeting_cancel(actor=user, meeting=meeting)
                messages.info(request, "Cancelled; a cancellation went to everyone's calendar.")
                return redirect("relationships:detail", relationship_id=relationship.pk)
            if action == "reschedule" and reschedule_form.is_valid():
                start = reschedule_form.starts_at()
                assert start is not None
                meeting_reschedule(
                    actor=user, meeting=meeting, starts_at=start, duration=reschedule_form.length()
                )
                messages.success(request, "Moved; everyone's calendar invitation was updated.")
                return redirect(request.path)
            if action == "log" and log_form.is_valid():
                log_save(
                    actor=user,
                    meeting=meeting,
                    topics=log_form.topics(),
                    takeaways=log_form.cleaned_data["takeaways"],
                    next_steps=log_form.cleaned_data["next_steps"],
                    private_note=log_form.cleaned_data["private_note"],
                )
                messages.success(request, "Meeting logged. Thank you!")
                return redirect(request.path)
        except ApplicationError as exc:
            target = {"agenda": agenda_form, "log": log_form, "reschedule": reschedule_form}.get(
                action
            )
            if target is not None:
                _apply(target, exc)
            else:
                messages.error(request, exc.message)
    meeting.refresh_from_db()
    return render(
        request,
        "relationships/meeting.html",
        {
            "meeting": meeting,
            "relationship": relationship,
            "program": relationship.program,
            "membership": membership,
            "agenda_form": agenda_form,
            "log_form": log_form,
            "reschedule_form": reschedule_form,
            **selectors.meeting_context(meeting),
            "goals": selectors.goals(relationship).filter(status="active"),
            "section": "matches",
            "ahead": meeting.status == MeetingStatus.SCHEDULED and not meeting.starts_at < _now(),
            "live": relationship.status == RelationshipStatus.ACTIVE,
        },
    )


def _now():  # type: ignore[no-untyped-def]
    from django.utils import timezone

    return timezone.now()


@login_required
@require_GET
def meeting_ics_view(request: HttpRequest, relationship_id: int, meeting_id: int) -> HttpResponse:
    meeting, _ = selectors.access_meeting(
        user=_user(request), relationship_id=relationship_id, meeting_id=meeting_id
    )
    method = "CANCEL" if meeting.status == MeetingStatus.CANCELLED else "REQUEST"
    response = HttpResponse(
        calendars.invitation_bytes(meeting, method=method),
        content_type=f"text/calendar; charset=utf-8; method={method}",
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def goal_new_view(request: HttpRequest, relationship_id: int) -> HttpResponse:
    user = _user(request)
    relationship, _membership = selectors.access_relationship(
        user=user, relationship_id=relationship_id
    )
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            goal_create(
                actor=user,
                relationship=relationship,
                title=form.cleaned_data["title"],
                metric=form.cleaned_data["metric"],
                target=form.cleaned_data["target"],
                target_date=form.cleaned_data["target_date"],
                why=form.cleaned_data["why"],
                skill=form.cleaned_data["skill"],
                milestones=form.cleaned_data["milestones"].splitlines(),
            )
        except ApplicationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, "Goal added. Bring it to your next meeting.")
            return redirect("relationships:detail", relationship_id=relationship.pk)
    return render(
        request,
        "relationships/goal_new.html",
        {
            "relationship": relationship,
            "program": relationship.program,
            "form": form,
            "section": "matches",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_view(request: HttpRequest, relationship_id: int, goal_id: int) -> HttpResponse:
    user = _user(request)
    goal, membership = selectors.access_goal(
        user=user, relationship_id=relationship_id, goal_id=goal_id
    )
    mine = goal.owner_id == membership.person_id
    form = ProgressForm(
        request.POST if request.POST.get("action") == "progress" else None,
        initial={"progress": goal.progress},
    )
    if request.method == "POST" and mine:
        action = request.POST.get("action")
        try:
            if action == "progress" and form.is_valid():
                goal_progress(
                    actor=user,
                    goal=goal,
                    progress=form.cleaned_data["progress"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, "Progress saved.")
                return redirect(request.path)
            if action in ("done", "dropped"):
                goal_close(actor=user, goal=goal, status=action)
                messages.success(request, f"Goal marked {action}.")
                return redirect(request.path)
            if action == "milestone":
                milestone = get_object_or_404(
                    Milestone, pk=request.POST.get("milestone"), goal=goal
                )
                milestone_toggle(actor=user, milestone=milestone)
                return redirect(request.path)
        except ApplicationError as exc:
            _apply(form, exc)
    return render(
        request,
        "relationships/goal.html",
        {
            "goal": goal,
            "relationship": goal.relationship,
            "program": goal.relationship.program,
            "form": form,
            "mine": mine,
            "updates": goal.updates.all()[:20],
            "section": "matches",
        },
    )


@login_required
@require_POST
def note_view(request: HttpRequest, relationship_id: int) -> HttpResponse:
    user = _user(request)
    relationship, _ = selectors.access_relationship(user=user, relationship_id=relationship_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        note_add(actor=user, relationship=relationship, text=form.cleaned_data["text"])
        messages.success(request, "Note saved — only the two of you can read it.")
    else:
        messages.error(request, "Write the note before saving it.")
    return redirect("relationships:detail", relationship_id=relationship.pk)


@login_required
@require_http_methods(["GET", "POST"])
def concern_view(request: HttpRequest, relationship_id: int) -> HttpResponse:
    user = _user(request)
    relationship, _ = selectors.access_relationship(user=user, relationship_id=relationship_id)
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        concern_raise(
            actor=user,
            relationship=relationship,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
        )
        messages.info(request, "Your concern went to the program coordinators, confidentially.")
        return redirect("relationships:detail", relationship_id=relationship.pk)
    return render(
        request,
        "relationships/concern.html",
        {
            "relationship": relationship,
            "program": relationship.program,
            "form": form,
            "section": "matches",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def close_view(request: HttpRequest, relationship_id: int) -> HttpResponse:
    user = _user(request)
    relationship, membership = selectors.access_relationship(
        user=user, relationship_id=relationship_id
    )
    existing = getattr(membership, "closing", None)
    form = ClosingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closing_submit(
                actor=user,
                relationship=relationship,
                achieved=form.cleaned_data["achieved"],
                learned=form.cleaned_data["learned"],
                would_recommend_partner=form.cleaned_data["would_recommend_partner"] == "yes",
                would_do_again=form.cleaned_data["would_do_again"] == "yes",
                next_step=form.cleaned_data["next_step"],
            )
        except ApplicationError as exc:
            _apply(form, exc)
        else:
            messages.success(
                request, "Thank you — your summary is saved. The match stays readable here."
            )
            return redirect("relationships:detail", relationship_id=relationship.pk)
    return render(
        request,
        "relationships/close.html",
        {
            "relationship": relationship,
            "program": relationship.program,
            "form": form,
            "existing": existing,
            "section": "matches",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    token = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            calendar_feed_revoke(actor=user)
            messages.info(request, "The calendar address no longer works.")
        else:
            try:
                token = calendar_feed_create(actor=user)
            except ApplicationError as exc:
                messages.error(request, exc.message)
    from django.conf import settings
    from django.urls import reverse

    return render(
        request,
        "relationships/calendar.html",
        {
            "feed_url": settings.SITE_URL + reverse("calendar_feed", args=[token]) if token else "",
            "active": user.person.calendar_feeds.filter(revoked_at__isnull=True).exists()
            if hasattr(user, "person")
            else False,
            "section": "matches",
        },
    )


@require_GET
def calendar_feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """The subscribable feed: anyone with the (secret, revocable) address can read it."""
    person = person_for_feed(token)
    if person is None:
        raise Http404
    return HttpResponse(calendars.feed_for(person), content_type="text/calendar; charset=utf-8")


# --- coordinators ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def program_health_view(request: HttpRequest, program_id: int) -> HttpResponse:
    user = _user(request)
    program = access_program_as_coordinator(user=user, program_id=program_id)
    if request.method == "POST":
        concern = get_object_or_404(Concern, pk=request.POST.get("concern"), program=program)
        concern_handled(actor=user, concern=concern)
        return redirect(request.path)
    counts = selectors.health_counts(program)
    total = sum(counts.values())
    per_page = 100
    page = max(
        1,
        min(
            int(request.GET.get("page", "1") or 1) if request.GET.get("page", "1").isdigit() else 1,
            max(1, -(-total // per_page)),
        ),
    )
    rows = selectors.program_health(
        user=user, program=program, limit=per_page, offset=(page - 1) * per_page
    )
    log_action("relationship.health_viewed", actor=user, target=program, request=request)
    return render(
        request,
        "relationships/program_health.html",
        {
            "program": program,
            "rows": rows,
            "page": page,
            "pages": max(1, -(-total // per_page)),
            "counts": counts,
            "concerns": selectors.open_concerns(user=user, program=program),
            "section": "programs",
        },
    )
