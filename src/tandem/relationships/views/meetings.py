"""Meetings: scheduling, the meeting page, and one POST URL for each thing done to a meeting
(agenda add/remove, held, missed, reschedule, cancel, log)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.core.errors import ApplicationError
from tandem.relationships import calendars, selectors
from tandem.relationships.forms import (
    AgendaForm,
    LogForm,
    RescheduleForm,
    ScheduleForm,
    log_initial,
)
from tandem.relationships.models import (
    Meeting,
    MeetingKind,
    MeetingStatus,
    Membership,
    RelationshipStatus,
)
from tandem.relationships.services.logs import agenda_add, agenda_remove, log_save
from tandem.relationships.services.meetings import (
    meeting_cancel,
    meeting_mark,
    meeting_reschedule,
    meeting_schedule,
)
from tandem.ui.refusals import add_to_form


def _minutes(value: str | None, default: int = 60) -> int:
    return int(value) if value and value.isdigit() and 0 < int(value) <= 24 * 60 else default


@login_required
@require_http_methods(["GET", "POST"])
def schedule_view(request: AuthenticatedHttpRequest, relationship_id: int) -> HttpResponse:
    user = request.user
    relationship, membership = selectors.access_relationship(
        user=user, relationship_id=relationship_id
    )
    kind = request.GET.get("kind", MeetingKind.REGULAR)
    duration = timedelta(minutes=_minutes(request.POST.get("duration")))
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
            add_to_form(form, exc)
        else:
            messages.success(
                request,
                "Scheduled. Everyone received a calendar invitation."
                if len(meetings) == 1
                else f"{len(meetings)} meetings scheduled; one invitation covers the series.",
            )
            return _to_meeting(meetings[0])
    return render(
        request,
        "relationships/schedule.html",
        {
            "relationship": relationship,
            "program": relationship.program,
            "form": form,
            "slots": slots,
            "outside_availability": any(not slot.inside_availability for slot in slots),
            "partners": [m for m in selectors.members(relationship) if m.pk != membership.pk],
            "membership": membership,
            "section": "matches",
        },
    )


# --- the meeting page and what can be done to a meeting ----------------------------------------


def _meeting(
    request: AuthenticatedHttpRequest, relationship_id: int, meeting_id: int
) -> tuple[Meeting, Membership]:
    return selectors.access_meeting(
        user=request.user, relationship_id=relationship_id, meeting_id=meeting_id
    )


def _to_meeting(meeting: Meeting) -> HttpResponse:
    return redirect(
        "relationships:meeting", relationship_id=meeting.relationship_id, meeting_id=meeting.pk
    )


def _log_form(meeting: Meeting, membership: Membership, data: QueryDict | None = None) -> LogForm:
    people = [m.person for m in selectors.members(meeting.relationship)]
    initial = log_initial(selectors.own_log(meeting, membership.person))
    return LogForm(people, data, initial=initial)


def _meeting_page(
    request: AuthenticatedHttpRequest,
    meeting: Meeting,
    membership: Membership,
    *,
    agenda_form: AgendaForm | None = None,
    log_form: LogForm | None = None,
    reschedule_form: RescheduleForm | None = None,
) -> HttpResponse:
    """The meeting page; after a refused form, that form with its errors."""
    relationship = meeting.relationship
    return render(
        request,
        "relationships/meeting.html",
        {
            "meeting": meeting,
            "relationship": relationship,
            "program": relationship.program,
            "membership": membership,
            "agenda_form": agenda_form or AgendaForm(),
            "log_form": log_form or _log_form(meeting, membership),
            "reschedule_form": reschedule_form or RescheduleForm(tzname=membership.person.timezone),
            **selectors.meeting_context(meeting),
            "goals": selectors.active_goals(relationship),
            "section": "matches",
            "ahead": meeting.status == MeetingStatus.SCHEDULED
            and not meeting.starts_at < timezone.now(),
            "live": relationship.status == RelationshipStatus.ACTIVE,
        },
    )


@login_required
@require_GET
def meeting_view(
    request: AuthenticatedHttpRequest, relationship_id: int, meeting_id: int
) -> HttpResponse:
    meeting, membership = _meeting(request, relationship_id, meeting_id)
    return _meeting_page(request, meeting, membership)


@login_required
@require_GET
def meeting_ics_view(
    request: AuthenticatedHttpRequest, relationship_id: int, meeting_id: int
) -> HttpResponse:
    meeting, _ = _meeting(request, relationship_id, meeting_id)
    method = "CANCEL" if meeting.status == MeetingStatus.CANCELLED else "REQUEST"
    response = HttpResponse(
        calendars.invitation_bytes(meeting, method=method),
        content_type=f"text/calendar; charset=utf-8; method={method}",
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@login_required
@require_POST
def meeting_agenda_add_view(
    request: AuthenticatedHttpRequest, relationship_id: int, meeting_id: int
) -> HttpResponse:
    meeting, membership = _meeting(request, relationship_id, meeting_id)
    form = AgendaForm(request.POST)
    if form.is_valid():
        try:
            agenda_add(actor=request.user, meeting=meeting, text=form.cleaned_data["text"])
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            return _to_meeting(meeting)
    return _meeting_page(request, meeting, membership, agenda_form=form)


@login_required
@require_POST
def meeting_agenda_remove_view(
    request: AuthenticatedHttpRequest, relationship_id: int, meeting_id: int, item_id: int
) -> HttpResponse:
    meeting, _ = _meeting(request, relationship_id, meeting_id)
    item = selectors.access_agenda_item(meeting=meeting, item_id=item_id)
    try:
        agenda_remove(actor=request.user, item=item)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _to_meeting(meeting)


def _mark(
    request: AuthenticatedHttpRequest, relationship_id: int, meeting_id: int, *, held: bool
) -> HttpResponse:
    meeting, _ = _meeting(request, relationship_id, meeting_id)
    try:
        meeting_mark(actor=request.user, meeting=meeting, held=held)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Marked as {'held' if held else 'missed'}.")
    return _to_meeting(meeting)


@login_required
@require_POST
def meeting_held_view(
    request: AuthenticatedHttpRequest, relationship_id: int, meeting_id: int
) -> HttpResponse:
    return _mark(request, relationship_id, meeting_id, held=True)


@login_required
@require_POST
def meeting_missed_view(
    request: AuthenticatedHttpRequest, relationship_id: int, meeting_id: int
) -> HttpResponse:
    return _mark(request, relationship_id, meeting_id, held=False)


@login_required
@require_POST
def meeting_cancel_view(
    request: AuthenticatedHttpRequest, relationship_id: int, meeting_id: int
) -> HttpResponse:
    meeting, _ = _meeting(request, relationship_id, meeting_id)
    try:
        meeting_cancel(actor=request.user, meeting=meeting)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _to_meeting(meeting)
    messages.info(request, "Cancelled; a cancellation went to everyone's calendar.")
    return redirect("relationships:detail", relationship_id=meeting.relationship_id)


@login_required
@require_POST
def meeting_reschedule_view(
    request: AuthenticatedHttpRequest, relationship_id: int, meeting_id: int
) -> HttpResponse:
    meeting, membership = _meeting(request, relationship_id, meeting_id)
    form = RescheduleForm(request.POST, tzname=membership.person.timezone)
    if form.is_valid():
        start = form.starts_at()
        assert start is not None  # the form's clean() requires it
        try:
            meeting_reschedule(
                actor=request.user, meeting=meeting, starts_at=start, duration=form.length()
            )
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "Moved; everyone's calendar invitation was updated.")
            return _to_meeting(meeting)
    return _meeting_page(request, meeting, membership, reschedule_form=form)


@login_required
@require_POST
def meeting_log_view(
    request: AuthenticatedHttpRequest, relationship_id: int, meeting_id: int
) -> HttpResponse:
    meeting, membership = _meeting(request, relationship_id, meeting_id)
    form = _log_form(meeting, membership, request.POST)
    if form.is_valid():
        try:
            log_save(
                actor=request.user,
                meeting=meeting,
                topics=form.topics(),
                takeaways=form.cleaned_data["takeaways"],
                next_steps=form.cleaned_data["next_steps"],
                private_note=form.cleaned_data["private_note"],
            )
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "Meeting logged. Thank you!")
            return _to_meeting(meeting)
    return _meeting_page(request, meeting, membership, log_form=form)
