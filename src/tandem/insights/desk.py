"""The coordinator's desk: for each program they run, what needs them now, one click from the
action. Read only; each line is a count of records the coordinator may already open elsewhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.core.words import plural as _plural
from tandem.feedback.models import Survey, SurveyStatus
from tandem.matches.models import MatchRun, RunStatus
from tandem.programs.models import Enrolment, EnrolmentStatus, Program, ProgramStatus
from tandem.relationships.models import (
    LIVE_STATUSES,
    Concern,
    Membership,
    Relationship,
    RelationshipStatus,
    RepairRequest,
)

URGENT, SOON, INFO = "urgent", "soon", "info"
SURVEY_CLOSING_DAYS = 3


@dataclass(frozen=True)
class DeskItem:
    text: str
    url: str
    action: str
    level: str = SOON


@dataclass
class ProgramDesk:
    program: Program
    items: list[DeskItem] = field(default_factory=list)

    @property
    def urgent(self) -> int:
        return sum(1 for i in self.items if i.level == URGENT)


def desk_programs(user: User) -> list[Program]:
    """The live programs this person coordinates (an admin who coordinates none sees all)."""
    live = Program.objects.exclude(status=ProgramStatus.CLOSED)
    mine = live.filter(coordinators=user)
    if user.is_admin and not mine.exists():
        mine = live
    return list(mine.order_by("status", "name"))


def coordinator_desk(user: User, now: datetime | None = None) -> list[ProgramDesk]:
    now = now or timezone.now()
    return [ProgramDesk(p, _items(p, now)) for p in desk_programs(user)]


def _items(program: Program, now: datetime) -> list[DeskItem]:
    items: list[DeskItem] = []
    items += _matching_items(program)
    items += _relationship_items(program, now)
    items += _waiting_items(program)
    items += _survey_items(program, now)
    items += _stage_items(program, now)
    order = {URGENT: 0, SOON: 1, INFO: 2}
    return sorted(items, key=lambda i: order[i.level])


def _matching_items(program: Program) -> list[DeskItem]:
    items = []
    for run in MatchRun.objects.filter(program=program, status=RunStatus.DONE).order_by("pk"):
        items.append(
            DeskItem(
                f"Match run #{run.pk} is ready for review "
                f"({_plural(run.participants, 'person', 'people')})",
                reverse("matches:run", args=[run.pk]),
                "Review",
                URGENT,
            )
        )
    failed = MatchRun.objects.filter(program=program, status=RunStatus.FAILED).count()
    if failed and not items:
        items.append(
            DeskItem(
                f"{_plural(failed, 'match run', 'match runs')} failed",
                reverse("matches:program", args=[program.pk]),
                "Open matching",
                SOON,
            )
        )
    return items


def _relationship_items(program: Program, now: datetime) -> list[DeskItem]:
    items = []
    live = Relationship.objects.filter(program=program, status__in=LIVE_STATUSES)
    health_url = reverse("relationships:program_health", args=[program.pk])
    at_risk = live.filter(health="at_risk").count()
    if at_risk:
        items.append(
            DeskItem(
                f"{_plural(at_risk, 'match is', 'matches are')} at risk",
                health_url,
                "See why",
                URGENT,
            )
        )
    concerns = Concern.objects.filter(program=program, handled_at__isnull=True).count()
    if concerns:
        items.append(
            DeskItem(
                f"{_plural(concerns, 'concern', 'concerns')} to handle",
                health_url + "#concerns",
                "Read",
                URGENT,
            )
        )
    repairs = RepairRequest.objects.filter(
        relationship__program=program, handled_at__isnull=True
    ).count()
    if repairs:
        items.append(
            DeskItem(
                f"{_plural(repairs, 'request', 'requests')} for a new match",
                reverse("matches:program", args=[program.pk]) + "#repairs",
                "Review",
                URGENT,
            )
        )
    late = (
        Membership.objects.filter(
            relationship__program=program,
            relationship__status=RelationshipStatus.PROPOSED,
            accepted_at__isnull=True,
            declined_at__isnull=True,
            respond_by__lt=timezone.localdate(now),
        )
        .values("relationship_id")
        .distinct()
        .count()
    )
    if late:
        items.append(
            DeskItem(
                f"{_plural(late, 'match has', 'matches have')} not been answered by the date",
                health_url,
                "See who",
                SOON,
            )
        )
    return items


def _waiting_items(program: Program) -> list[DeskItem]:
    """Enrolled people with no live match once the program matches (the re-match pool)."""
    if program.status not in (ProgramStatus.MATCHING, ProgramStatus.ACTIVE):
        return []
    if not Relationship.objects.filter(program=program).exists():
        return []  # nobody matched yet: the stage line says "run the matching"
    in_a_match = Membership.objects.filter(
        relationship__program=program,
        relationship__status__in=LIVE_STATUSES,
        person_id=OuterRef("person_id"),
    )
    waiting = (
        Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE)
        .annotate(matched=Exists(in_a_match))
        .filter(matched=False)
        .count()
    )
    if not waiting:
        return []
    runs_pending = MatchRun.objects.filter(
        program=program, status__in=(RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.DONE)
    ).exists()
    if runs_pending:
        return []
    return [
        DeskItem(
            f"{_plural(waiting, 'person is', 'people are')} waiting for a match",
            reverse("matches:program", args=[program.pk]),
            "Match them",
            SOON if program.status == ProgramStatus.ACTIVE else URGENT,
        )
    ]


def _survey_items(program: Program, now: datetime) -> list[DeskItem]:
    items = []
    closing = Survey.objects.filter(
        program=program,
        status=SurveyStatus.OPEN,
        closes_at__lte=now + timedelta(days=SURVEY_CLOSING_DAYS),
    ).annotate(
        answered=Count("participations", filter=Q(participations__responded_on__isnull=False)),
        invited=Count("participations"),
    )
    for survey in closing:
        closes = timezone.localtime(survey.closes_at)
        share = f"{survey.answered} of {survey.invited} answered"
        items.append(
            DeskItem(
                f"“{survey.title}” closes {closes:%a %-d %b} — {share}",
                reverse("feedback:edit", args=[survey.pk]),
                "Open",
                INFO,
            )
        )
    return items


def _stage_items(program: Program, now: datetime) -> list[DeskItem]:
    if program.status == ProgramStatus.ENROLLING and program.enrolment_closes_on:
        enrolled = program.enrolments.filter(status=EnrolmentStatus.ACTIVE).count()
        days = (program.enrolment_closes_on - timezone.localdate(now)).days
        when = "today" if days == 0 else f"in {_plural(days, 'day', 'days')}"
        if days < 0:
            when = "— the date has passed"
        return [
            DeskItem(
                f"Enrolment closes {when}: {_plural(enrolled, 'person', 'people')} enrolled",
                reverse("programs:enrolments", args=[program.pk]),
                "Enrolments",
                INFO,
            )
        ]
    if (
        program.status == ProgramStatus.MATCHING
        and not MatchRun.objects.filter(program=program)
        .exclude(status=RunStatus.DISCARDED)
        .exists()
    ):
        return [
            DeskItem(
                "Enrolment is closed: run the matching",
                reverse("matches:program", args=[program.pk]),
                "Run matching",
                URGENT,
            )
        ]
    if program.status == ProgramStatus.DRAFT:
        return [
            DeskItem(
                "Draft: finish the questionnaire and open enrolment",
                reverse("programs:detail", args=[program.pk]),
                "Open",
                INFO,
            )
        ]
    return []
