"""Publishing a run: its proposals become relationships (through relationships' lifecycle), everyone
is told, all in one transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError
from tandem.matches import emails
from tandem.matches.models import (
    MatchRun,
    ProposalMember,
    RunPurpose,
    RunStatus,
    UnmatchedPerson,
)
from tandem.matches.selectors import live_match_counts
from tandem.matches.services.common import require_coordinator
from tandem.matches.signals import match_published
from tandem.notify.outbox import enqueue
from tandem.programs.models import (
    Enrolment,
    EnrolmentStatus,
    Program,
    ProgramStatus,
)
from tandem.programs.services.enrolment import enrolments_mark_matched
from tandem.programs.services.stages import program_transition
from tandem.relationships.models import (
    LIVE_STATUSES,
    Membership,
    Relationship,
)
from tandem.relationships.services.checkins import record_intros
from tandem.relationships.services.lifecycle import (
    NewMember,
    NewRelationship,
    membership_join,
    relationships_create,
)


@transaction.atomic
def run_publish(*, actor: User | None, run: MatchRun) -> list[Relationship]:
    """Turn a run's proposals into relationships and tell everyone, all or nothing."""
    require_coordinator(actor, run.program)
    run = MatchRun.objects.select_for_update().select_related("program").get(pk=run.pk)
    program = run.program
    if run.status == RunStatus.PUBLISHED:
        raise ApplicationError("This run is already published.")
    if run.status != RunStatus.DONE:
        raise ApplicationError("Only a finished run can be published.")
    if run.check_problems:
        raise ApplicationError(
            "The matching engine's own check found rules this result breaks; run the matching "
            "again before publishing.",
            errors=[FieldError(problem) for problem in run.check_problems[:20]],
        )
    members = list(
        ProposalMember.objects.filter(proposal__run=run).select_related("proposal", "person__user")
    )
    if not members:
        raise ApplicationError(
            "This run placed nobody, so there is nothing to publish: see why under "
            "“Not matched”, change the criteria or the program's settings, and run again."
        )
    _check_still_valid(program, members)
    joining = [m for m in members if m.proposal.joins_id]
    members = [m for m in members if not m.proposal.joins_id]
    now = timezone.now()
    starts_active = not program.both_must_accept or run.purpose in (
        RunPurpose.ROTATION,
        RunPurpose.BUDDIES,
    )
    created = relationships_create(
        program=program,
        groups=_groups(members),
        run_id=run.pk,
        round_number=run.round,
        starts_active=starts_active,
        accepted=run.purpose == RunPurpose.ROTATION,
        respond_by=timezone.localdate() + timedelta(days=program.response_days),
        now=now,
    )
    joined = _join_pairs(joining, now=now)
    enrolments_mark_matched(
        program=program, person_ids={m.person_id for m in members + joining}, at=now
    )
    _notify_published(run, created, starts_active)
    _notify_joined(run, joined)
    if not starts_active:  # an intro that asks for an answer counts for the ghost rule
        record_intros(memberships=[m for _, group in created for m in group], now=timezone.now())
    match_published.send(
        sender=MatchRun,
        run_id=run.pk,
        relationship_ids=[relationship.pk for relationship, _ in created],
        needs_answer=not starts_active,
    )
    MatchRun.objects.filter(pk=run.pk).update(
        status=RunStatus.PUBLISHED, published_at=now, published_by=actor
    )
    MatchRun.objects.filter(program=program, status=RunStatus.DONE).exclude(pk=run.pk).update(
        status=RunStatus.DISCARDED
    )
    if program.status == ProgramStatus.MATCHING:
        program_transition(actor=actor, program=program, to=ProgramStatus.ACTIVE)
    log_action(
        "matching.published",
        actor=actor,
        target=program,
        data={"run": run.pk, "relationships": len(created)},
    )
    return [relationship for relationship, _ in created]


def _join_pairs(joining: list[ProposalMember], *, now: datetime) -> list[Membership]:
    """Newcomers join the live pairs their proposals name; a pair that ended or already grew
    since the run refuses the whole publish (run again)."""
    joined = []
    for member in joining:
        pair_id = member.proposal.joins_id
        assert pair_id is not None
        pair = Relationship.objects.select_for_update().get(pk=pair_id)
        if pair.status not in LIVE_STATUSES or pair.members.count() != 2:
            raise ApplicationError(
                f"The match {member.person.user.name} was to join has changed since this run; "
                "run the matching again."
            )
        joined.append(
            membership_join(
                relationship=pair,
                member=NewMember(member.person, member.role, list(member.explanation)),
                now=now,
            )
        )
    return joined


def _notify_joined(run: MatchRun, joined: list[Membership]) -> None:
    outgoing = []
    for newcomer in joined:
        group = list(newcomer.relationship.members.select_related("person__user"))
        outgoing.append(
            emails.match_email(
                membership=newcomer,
                partners=[m.person for m in group if m.pk != newcomer.pk],
                program=run.program,
                needs_answer=False,
            )
        )
        outgoing += [
            emails.trio_joined_email(membership=m, newcomer=newcomer, program=run.program)
            for m in group
            if m.pk != newcomer.pk
        ]
    enqueue(outgoing)


def _groups(members: list[ProposalMember]) -> list[NewRelationship]:
    by_proposal: dict[int, list[ProposalMember]] = {}
    for member in members:
        by_proposal.setdefault(member.proposal_id, []).append(member)
    return [
        NewRelationship(
            members=[NewMember(m.person, m.role, list(m.explanation)) for m in group],
            score=group[0].proposal.score,
            explanation=list(group[0].proposal.explanation),
        )
        for group in by_proposal.values()
    ]


def _check_still_valid(program: Program, members: list[ProposalMember]) -> None:
    enrolled = set(
        Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE).values_list(
            "person_id", flat=True
        )
    )
    gone = [m.person.user.name for m in members if m.person_id not in enrolled]
    if gone:
        raise ApplicationError(
            f"{', '.join(sorted(gone))} withdrew after this run; run the matching again before "
            "publishing."
        )
    live = live_match_counts(program)
    capacity = dict(Enrolment.objects.filter(program=program).values_list("person_id", "capacity"))
    proposed: dict[int, int] = {}
    for member in members:
        proposed[member.person_id] = proposed.get(member.person_id, 0) + 1
    full = [
        m.person.user.name
        for m in members
        if live.get(m.person_id, 0) + proposed[m.person_id] > capacity.get(m.person_id, 1)
    ]
    if full:
        raise ApplicationError(
            f"{', '.join(sorted(set(full)))} would have more matches than they asked for; "
            "run the matching again."
        )


def _notify_published(
    run: MatchRun,
    created: list[tuple[Relationship, list[Membership]]],
    starts_active: bool,
) -> None:
    outgoing = [
        emails.match_email_later(membership=membership, needs_answer=not starts_active)
        for _, group in created
        for membership in group
    ]
    unmatched = UnmatchedPerson.objects.filter(run=run).select_related("person__user")
    outgoing += [
        emails.not_matched_email_later(person=u.person, reason=u.reason, run=run) for u in unmatched
    ]
    enqueue(outgoing)
