"""What relationships hold about a person, for export and erasure (``core.personal_data``).

The export holds everything of the relationships the person is a member of: as a member they
already see the pair's meetings, logs, private notes and goals. Erasure removes what *they*
wrote and keeps what their partners wrote (the partner's own records).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tandem.core.personal_data import (
    RetentionCategory,
    Section,
    Subject,
    register,
    register_retention,
)
from tandem.programs.models import ProgramStatus
from tandem.relationships.models import (
    AgendaItem,
    CalendarFeed,
    Checkin,
    ClosingSummary,
    Concern,
    Goal,
    GoalUpdate,
    LoggedTopic,
    Meeting,
    MeetingLog,
    Membership,
    Milestone,
    PrivateNote,
    Relationship,
    RepairRequest,
)

ERASED = "(erased)"


def _name(person: Any) -> str:
    return str(person.user.name)


def export(subject: Subject) -> dict[str, Section]:
    pid = subject.person_id
    if pid is None:
        return {}
    mine = list(
        Membership.objects.filter(person_id=pid)
        .select_related("relationship__program")
        .order_by("relationship__created_at")
    )
    rel_ids = [m.relationship_id for m in mine]
    partners: dict[int, list[str]] = {}
    for m in (
        Membership.objects.filter(relationship_id__in=rel_ids)
        .exclude(person_id=pid)
        .select_related("person__user")
    ):
        partners.setdefault(m.relationship_id, []).append(_name(m.person))
    closings = {c.membership_id: c for c in ClosingSummary.objects.filter(membership__in=mine)}
    matches = []
    for m in mine:
        r = m.relationship
        c = closings.get(m.pk)
        matches.append(
            {
                "relationship": r.pk,
                "program": r.program.name,
                "partners": partners.get(r.pk, []),
                "your_role": m.role,
                "status": r.get_status_display(),
                "created": r.created_at,
                "ended": r.ended_at,
                "end_reason": r.get_end_reason_display() if r.end_reason else "",
                "why_this_match": r.explanation,
                "what_it_offers_you": m.explanation,
                "accepted": m.accepted_at,
                "declined": m.declined_at,
                "decline_reason": m.decline_reason,
                "closing_summary": (
                    {
                        "achieved": c.achieved,
                        "learned": c.learned,
                        "would_recommend_partner": c.would_recommend_partner,
                        "would_do_again": c.would_do_again,
                        "next_step": c.get_next_step_display(),
                        "written": c.created_at,
                    }
                    if c
                    else None
                ),
            }
        )
    agenda: dict[int, list[str]] = {}
    for a in AgendaItem.objects.filter(meeting__relationship_id__in=rel_ids).order_by("pk"):
        agenda.setdefault(a.meeting_id, []).append(a.text)
    meetings = [
        {
            "relationship": mt.relationship_id,
            "starts": mt.starts_at,
            "ends": mt.ends_at,
            "time_zone": mt.timezone,
            "status": mt.get_status_display(),
            "kind": mt.get_kind_display(),
            "location": mt.location,
            "video_url": mt.video_url,
            "organiser": _name(mt.organiser),
            "agenda": agenda.get(mt.pk, []),
        }
        for mt in Meeting.objects.filter(relationship_id__in=rel_ids)
        .select_related("organiser__user")
        .order_by("starts_at")
    ]
    topics: dict[int, list[dict[str, str]]] = {}
    for t in LoggedTopic.objects.filter(log__meeting__relationship_id__in=rel_ids).select_related(
        "brought_by__user"
    ):
        topics.setdefault(t.log_id, []).append(
            {"topic": t.title, "brought_by": _name(t.brought_by)}
        )
    logs = [
        {
            "relationship": lg.meeting.relationship_id,
            "meeting": lg.meeting.starts_at,
            "author": _name(lg.author),
            "takeaways": lg.takeaways,
            "next_steps": lg.next_steps,
            "topics": topics.get(lg.pk, []),
            "written": lg.created_at,
        }
        for lg in MeetingLog.objects.filter(meeting__relationship_id__in=rel_ids)
        .select_related("meeting", "author__user")
        .order_by("created_at")
    ]
    notes = [
        {
            "relationship": n.relationship_id,
            "author": _name(n.author),
            "text": n.text,
            "written": n.created_at,
        }
        for n in PrivateNote.objects.filter(relationship_id__in=rel_ids)
        .select_related("author__user")
        .order_by("created_at")
    ]
    updates: dict[int, list[dict[str, Any]]] = {}
    for u in GoalUpdate.objects.filter(goal__relationship_id__in=rel_ids).order_by("created_at"):
        updates.setdefault(u.goal_id, []).append(
            {"progress": u.progress, "note": u.note, "when": u.created_at}
        )
    milestones: dict[int, list[dict[str, Any]]] = {}
    for ms in Milestone.objects.filter(goal__relationship_id__in=rel_ids).order_by("pk"):
        milestones.setdefault(ms.goal_id, []).append(
            {"title": ms.title, "due": ms.due_on, "done": ms.done_at}
        )
    goals = [
        {
            "relationship": g.relationship_id,
            "owner": _name(g.owner),
            "title": g.title,
            "why": g.why,
            "metric": g.metric,
            "target": g.target,
            "target_date": g.target_date,
            "status": g.get_status_display(),
            "progress": g.progress,
            "milestones": milestones.get(g.pk, []),
            "updates": updates.get(g.pk, []),
        }
        for g in Goal.objects.filter(relationship_id__in=rel_ids).select_related("owner__user")
    ]
    concerns = [
        {
            "program": c.program.name,
            "kind": c.get_kind_display(),
            "text": c.text,
            "raised": c.created_at,
            "handled": c.handled_at,
        }
        for c in Concern.objects.filter(raised_by_id=pid).select_related("program")
    ]
    repairs = [
        {
            "relationship": rr.relationship_id,
            "reason": rr.reason,
            "asked": rr.created_at,
            "handled": rr.handled_at,
        }
        for rr in RepairRequest.objects.filter(requested_by_id=pid)
    ]
    checkins = [
        {
            "relationship": ck.membership.relationship_id,
            "asked": ck.asked_at,
            "answered": ck.answered_at,
            "answer": ck.answer,
        }
        for ck in Checkin.objects.filter(membership__person_id=pid).select_related("membership")
    ]
    feeds = [
        {"created": f.created_at, "revoked": f.revoked_at, "last_used": f.last_used_at}
        for f in CalendarFeed.objects.filter(person_id=pid)
    ]
    return {
        "matches": Section(
            "Matches",
            "Every match you were part of, with its explanation and your closing summary.",
            matches,
        ),
        "meetings": Section("Meetings", "Meetings of your matches, with their agendas.", meetings),
        "meeting_logs": Section(
            "Meeting logs", "What you and your partners logged after meetings.", logs
        ),
        "private_notes": Section(
            "Private notes", "Notes only the members of a match can read: yours and theirs.", notes
        ),
        "goals": Section("Goals", "Goals set in your matches, with progress.", goals),
        "concerns": Section(
            "Concerns you raised",
            "Concerns and their handling; only you and the program's coordinators see them.",
            concerns,
        ),
        "repair_requests": Section(
            "Requests for a new match", "Confidential requests you made.", repairs
        ),
        "checkins": Section("Check-ins", "Your answers to “did you meet?”.", checkins),
        "calendar_feeds": Section(
            "Calendar feeds",
            "Private calendar addresses (only a hash of the secret is kept).",
            feeds,
        ),
    }


def erase(subject: Subject) -> dict[str, int]:
    """What the person wrote goes or is emptied; what partners wrote stays.

    Rows that counters and partners' records rely on (memberships, meetings, goals' progress,
    check-in answers) stay, pointing at the pseudonymised person.
    """
    pid = subject.person_id
    if pid is None:
        return {}
    counts = {
        "private_notes": PrivateNote.objects.filter(author_id=pid).delete()[0],
        "meeting_logs": MeetingLog.objects.filter(author_id=pid).delete()[0],
        "calendar_feeds": CalendarFeed.objects.filter(person_id=pid).delete()[0],
    }
    counts["agenda_items"] = AgendaItem.objects.filter(added_by_id=pid).update(text=ERASED)
    goals = Goal.objects.filter(owner_id=pid)
    counts["goal_updates"] = GoalUpdate.objects.filter(goal__in=goals).update(note="")
    counts["milestones"] = Milestone.objects.filter(goal__in=goals).update(title=ERASED)
    counts["goals"] = goals.update(title=ERASED, why="", metric="", target="")
    counts["concerns"] = Concern.objects.filter(raised_by_id=pid).update(text=ERASED)
    counts["repair_requests"] = RepairRequest.objects.filter(requested_by_id=pid).update(reason="")
    counts["closing_summaries"] = ClosingSummary.objects.filter(membership__person_id=pid).update(
        achieved="", learned=""
    )
    counts["memberships"] = Membership.objects.filter(person_id=pid).update(
        explanation=[], decline_reason=""
    )
    return counts


register("relationships", export=export, erase=erase, order=10)


def retain_private_text(now: datetime, days: int) -> dict[str, int]:
    """Programs closed ``days`` ago or more lose the pairs' free text; counts and dates stay."""
    cutoff = now - timedelta(days=days)
    closed = Relationship.objects.filter(
        program__status=ProgramStatus.CLOSED, program__closed_at__lte=cutoff
    )
    logs = MeetingLog.objects.filter(meeting__relationship__in=closed)
    return {
        "private_notes": PrivateNote.objects.filter(relationship__in=closed).delete()[0],
        "meeting_logs": logs.exclude(takeaways="", next_steps="").update(
            takeaways="", next_steps=""
        ),
        "logged_topics": LoggedTopic.objects.filter(log__in=logs)
        .exclude(title=ERASED)
        .update(title=ERASED),
        "closing_summaries": ClosingSummary.objects.filter(membership__relationship__in=closed)
        .exclude(achieved="", learned="")
        .update(achieved="", learned=""),
        "goal_notes": GoalUpdate.objects.filter(goal__relationship__in=closed)
        .exclude(note="")
        .update(note=""),
        "repair_reasons": RepairRequest.objects.filter(relationship__in=closed)
        .exclude(reason="")
        .update(reason=""),
        "end_notes": closed.exclude(end_note="").update(end_note=""),
        "decline_reasons": Membership.objects.filter(relationship__in=closed)
        .exclude(decline_reason="")
        .update(decline_reason=""),
    }


register_retention(
    RetentionCategory(
        key="private_text",
        label="Private free text of closed programs",
        description="Private notes, meeting logs, closing summaries, progress notes, re-pair "
        "reasons and end notes, counted from the day a program closes.",
        default_days=365,
        apply=retain_private_text,
        order=10,
    )
)
