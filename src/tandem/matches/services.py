"""Matching inside the product: criteria versions, runs, review edits, publishing, answers to a
match, re-matching, rotations and buddies. One transaction per use case."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError, NotFound, PermissionDeniedError
from tandem.matches import emails, engine_input
from tandem.matches.models import (
    CriteriaVersion,
    MatchRun,
    PairRule,
    PairRuleKind,
    Proposal,
    ProposalMember,
    RunPurpose,
    RunStatus,
    UnmatchedPerson,
)
from tandem.matching import (
    ConfigError,
    MatchingError,
    build_problem,
    load_config,
    score_group,
    solve,
)
from tandem.notify.outbox import enqueue
from tandem.people.models import Person
from tandem.programs.models import (
    Enrolment,
    EnrolmentRole,
    EnrolmentStatus,
    Program,
    ProgramKind,
    ProgramStatus,
)
from tandem.programs.selectors import can_coordinate
from tandem.relationships import emails as relationship_emails
from tandem.relationships.models import (
    LIVE_STATUSES,
    EndReason,
    Membership,
    Relationship,
    RelationshipStatus,
    RepairRequest,
)

logger = logging.getLogger(__name__)

INLINE_LIMIT = 400  # runs this small are solved in the request; larger ones go to the worker
STALE_RUN = timedelta(minutes=10)


def _require_coordinator(actor: User | None, program: Program) -> None:
    if actor is not None and not can_coordinate(actor, program):
        raise PermissionDeniedError("Only this program's coordinators can do that.")


# --- criteria ----------------------------------------------------------------------------------


def current_criteria(program: Program) -> CriteriaVersion:
    version = program.criteria_versions.order_by("-number").first()
    if version is None:
        version = CriteriaVersion.objects.create(
            program=program,
            number=1,
            config=engine_input.default_config(program),
            note="Defaults for this kind of program",
        )
    return version


@transaction.atomic
def criteria_save(
    *, actor: User, program: Program, config: dict[str, Any], note: str = ""
) -> CriteriaVersion:
    """Keep a new version of the criteria (older ones stay, so every run is reproducible)."""
    _require_coordinator(actor, program)
    config = {**config, "kind": program.kind}
    try:
        load_config(config)
    except ConfigError as exc:
        raise ApplicationError(
            "These criteria cannot be used.", errors=[FieldError(p) for p in exc.problems]
        ) from None
    latest = current_criteria(program)
    if latest.config == config:
        return latest
    version = CriteriaVersion.objects.create(
        program=program, number=latest.number + 1, config=config, note=note[:200], created_by=actor
    )
    log_action(
        "matching.criteria_saved", actor=actor, target=program, data={"version": version.number}
    )
    return version


# --- locks and forbids -------------------------------------------------------------------------


def _ordered(a: Person, b: Person) -> tuple[Person, Person]:
    return (a, b) if a.pk < b.pk else (b, a)


@transaction.atomic
def pair_rule_set(
    *, actor: User, program: Program, first: Person, second: Person, kind: str
) -> PairRule:
    _require_coordinator(actor, program)
    if first.pk == second.pk:
        raise ApplicationError("Choose two different people.")
    if kind not in PairRuleKind.values:
        raise ApplicationError("Choose lock or forbid.")
    enrolled = Enrolment.objects.filter(
        program=program, person__in=[first, second], status=EnrolmentStatus.ACTIVE
    ).count()
    if enrolled != 2:
        raise ApplicationError("Both people must be enrolled in the program.")
    a, b = _ordered(first, second)
    if kind == PairRuleKind.LOCK:
        clash = (
            PairRule.objects.filter(program=program, kind=PairRuleKind.LOCK)
            .filter(Q(first__in=[a, b]) | Q(second__in=[a, b]))
            .exclude(first=a, second=b)
        )
        if program.kind != ProgramKind.CIRCLES and clash.exists():
            raise ApplicationError(
                "One of them is already locked with someone else; remove that lock first."
            )
    rule, _ = PairRule.objects.update_or_create(
        program=program, first=a, second=b, defaults={"kind": kind, "created_by": actor}
    )
    log_action(f"matching.pair_{kind}", actor=actor, target=program, data={"people": [a.pk, b.pk]})
    return rule


@transaction.atomic
def pair_rule_remove(*, actor: User, program: Program, rule_id: int) -> None:
    _require_coordinator(actor, program)
    deleted, _ = PairRule.objects.filter(program=program, pk=rule_id).delete()
    if not deleted:
        raise NotFound()
    log_action("matching.pair_rule_removed", actor=actor, target=program, data={"rule": rule_id})


def _rules(program: Program) -> dict[str, list[list[str]]]:
    rules: dict[str, list[list[str]]] = {"locks": [], "forbids": []}
    for rule in PairRule.objects.filter(program=program):
        key = "locks" if rule.kind == PairRuleKind.LOCK else "forbids"
        rules[key].append([str(rule.first_id), str(rule.second_id)])
    return rules


# --- runs --------------------------------------------------------------------------------------


def pool(program: Program) -> list[Enrolment]:
    """Enrolled people who are not in a live match of this program (the re-match pool), with
    mentors and buddies who still have room."""
    enrolments = list(
        Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE).select_related(
            "person__user", "person__department"
        )
    )
    live = live_match_counts(program)
    return [e for e in enrolments if live.get(e.person_id, 0) < e.capacity]


def live_match_counts(program: Program) -> dict[int, int]:
    return dict(
        Membership.objects.filter(
            relationship__program=program, relationship__status__in=LIVE_STATUSES
        )
        .values_list("person_id")
        .annotate(n=Count("id"))
        .values_list("person_id", "n")
    )


@transaction.atomic
def run_create(
    *,
    actor: User | None,
    program: Program,
    criteria: CriteriaVersion | None = None,
    purpose: str = RunPurpose.MATCH,
    label: str = "",
    seed: int = 0,
    round_number: int | None = None,
) -> MatchRun:
    """Queue a run. Small programs are solved as soon as the transaction commits; larger ones
    by the worker (``tandem worker``), with progress shown on the review page."""
    _require_coordinator(actor, program)
    program = Program.objects.get(pk=program.pk)
    if program.status not in (ProgramStatus.MATCHING, ProgramStatus.ACTIVE):
        raise ApplicationError("Close enrolment first: matching runs on the final list of people.")
    criteria = criteria or current_criteria(program)
    if criteria.program_id != program.pk:
        raise NotFound()
    members = pool(program) if purpose != RunPurpose.MATCH or _has_live(program) else None
    count = (
        len(members)
        if members is not None
        else program.enrolments.filter(status=EnrolmentStatus.ACTIVE).count()
    )
    if count < 2:
        raise ApplicationError("There are fewer than two people to match.")
    run = MatchRun.objects.create(
        program=program,
        criteria=criteria,
        purpose=purpose,
        label=label[:60],
        seed=seed,
        round=round_number,
        created_by=actor,
        participants=count,
        rules=_rules(program),
    )
    log_action(
        "matching.run_created",
        actor=actor,
        target=program,
        data={"run": run.pk, "criteria": criteria.number, "purpose": purpose},
    )
    from tandem.matches.tasks import execute_match_run

    if count <= INLINE_LIMIT:
        transaction.on_commit(lambda: run_execute(run.pk))
    else:
        transaction.on_commit(lambda: execute_match_run.enqueue(run.pk))
    return run


def _has_live(program: Program) -> bool:
    return Relationship.objects.filter(program=program, status__in=LIVE_STATUSES).exists()


def run_execute(run_id: int) -> MatchRun | None:
    """Solve one run. Safe to call twice: only the caller that claims the run does the work."""
    now = timezone.now()
    claimed = MatchRun.objects.filter(
        Q(status=RunStatus.QUEUED) | Q(status=RunStatus.RUNNING, heartbeat_at__lt=now - STALE_RUN),
        pk=run_id,
    ).update(status=RunStatus.RUNNING, started_at=now, heartbeat_at=now, progress=0, error="")
    if not claimed:
        return None
    run = MatchRun.objects.select_related("program", "criteria").get(pk=run_id)
    try:
        solution, enrolments = _solve(run)
    except MatchingError as exc:
        _fail(run, "; ".join(exc.problems))
        return run
    except Exception as exc:  # a bug must not leave the run spinning for ever
        logger.exception("match run %s failed", run_id)
        _fail(run, f"{type(exc).__name__}: {exc}")
        return run
    _store(run, solution, enrolments)
    return run


def _fail(run: MatchRun, error: str) -> None:
    MatchRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED, error=error[:4000], finished_at=timezone.now()
    )


def _progress_writer(run: MatchRun) -> Callable[[float, str], None]:
    last = [0.0]

    def report(fraction: float, phase: str) -> None:
        now = time.monotonic()
        if now - last[0] < 0.5 and fraction < 1:
            return
        last[0] = now
        MatchRun.objects.filter(pk=run.pk).update(
            progress=round(min(max(fraction, 0.0), 1.0), 3),
            phase=phase[:100],
            heartbeat_at=timezone.now(),
        )

    return report


def _solve(run: MatchRun) -> tuple[Any, dict[str, Enrolment]]:
    program = run.program
    if run.purpose == RunPurpose.MATCH and not _has_live(program):
        enrolments = list(
            Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE).select_related(
                "person__user", "person__department"
            )
        )
        capacity = None
    else:
        enrolments = pool(program)
        live = live_match_counts(program)
        capacity = {e.person_id: e.capacity - live.get(e.person_id, 0) for e in enrolments}
    records = engine_input.participants(program, enrolments, capacity=capacity)
    config = dict(run.criteria.config)
    constraints = dict(config.get("constraints", {}))
    ids = {r.id for r in records}
    constraints["locks"] = [r for r in run.rules.get("locks", []) if set(r) <= ids]
    constraints["forbids"] = [r for r in run.rules.get("forbids", []) if set(r) <= ids]
    config["constraints"] = constraints
    if run.round is not None:
        config["round_number"] = run.round
    config["reference_date"] = timezone.localdate().isoformat()
    problem = build_problem(records, load_config(config))
    solution = solve(problem, seed=run.seed, progress=_progress_writer(run))
    return solution, {str(e.person_id): e for e in enrolments}


@transaction.atomic
def _store(run: MatchRun, solution: Any, enrolments: dict[str, Enrolment]) -> None:
    """Everything of a run becomes visible at once, with the run marked done."""
    proposals = Proposal.objects.bulk_create(
        [
            Proposal(
                run=run,
                score=round(group.score, 4),
                min_pair_score=round(group.min_pair_score, 4),
                explanation=list(group.explanation),
                factors=[asdict(f) for f in group.factors],
                locked=group.locked,
            )
            for group in solution.groups
        ]
    )
    ProposalMember.objects.bulk_create(
        [
            ProposalMember(
                proposal=proposal,
                person_id=int(member),
                role=enrolments[member].role,
                explanation=list(dict.fromkeys(group.per_member.get(member, []))),
            )
            for proposal, group in zip(proposals, solution.groups, strict=True)
            for member in group.members
        ]
    )
    UnmatchedPerson.objects.bulk_create(
        [UnmatchedPerson(run=run, person_id=int(u.id), reason=u.reason) for u in solution.unmatched]
    )
    stats = asdict(solution.stats)
    MatchRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
        status=RunStatus.DONE,
        progress=1,
        phase="done",
        stats=stats,
        notes=list(solution.notes),
        finished_at=timezone.now(),
    )


@transaction.atomic
def run_discard(*, actor: User, run: MatchRun) -> None:
    _require_coordinator(actor, run.program)
    if run.status == RunStatus.PUBLISHED:
        raise ApplicationError("A published run cannot be discarded.")
    MatchRun.objects.filter(pk=run.pk).update(status=RunStatus.DISCARDED)
    log_action("matching.run_discarded", actor=actor, target=run.program, data={"run": run.pk})


# --- review edits ------------------------------------------------------------------------------


def _editable(run: MatchRun) -> None:
    if run.status != RunStatus.DONE:
        raise ApplicationError("Only a finished, unpublished run can be changed.")


@transaction.atomic
def proposal_swap(
    *, actor: User, run: MatchRun, first: Person, second: Person
) -> tuple[Proposal, Proposal]:
    """Swap two people between their proposals and rescore both with the same criteria."""
    _require_coordinator(actor, run.program)
    run = MatchRun.objects.select_for_update().get(pk=run.pk)
    _editable(run)
    a = (
        ProposalMember.objects.select_related("proposal")
        .filter(proposal__run=run, person=first)
        .first()
    )
    b = (
        ProposalMember.objects.select_related("proposal")
        .filter(proposal__run=run, person=second)
        .first()
    )
    if a is None or b is None:
        raise ApplicationError("Both people must be in a proposal of this run.")
    if a.proposal_id == b.proposal_id:
        raise ApplicationError("They are already together.")
    a.person, b.person = b.person, a.person
    for member in (a, b):
        member.save(update_fields=["person"])
    problem = _problem_for_scoring(run)
    for proposal in (a.proposal, b.proposal):
        _rescore(problem, proposal)
    log_action(
        "matching.swap",
        actor=actor,
        target=run.program,
        data={"run": run.pk, "people": [first.pk, second.pk]},
    )
    return a.proposal, b.proposal


def _problem_for_scoring(run: MatchRun) -> Any:
    enrolments = list(
        Enrolment.objects.filter(program=run.program, status=EnrolmentStatus.ACTIVE).select_related(
            "person__user", "person__department"
        )
    )
    records = engine_input.participants(run.program, enrolments)
    config = dict(run.criteria.config)
    config["reference_date"] = timezone.localdate().isoformat()
    return build_problem(records, load_config(config))


def _rescore(problem: Any, proposal: Proposal) -> None:
    members = list(proposal.members.all())
    evaluation = score_group(problem, [str(m.person_id) for m in members])
    proposal.score = round(evaluation.score, 4)
    proposal.min_pair_score = round(
        min((s for _, _, s in evaluation.pair_scores), default=evaluation.score), 4
    )
    proposal.explanation = list(evaluation.explanation) + [
        f"Warning: {v}" for v in evaluation.violations
    ]
    proposal.factors = [asdict(f) for f in evaluation.factors]
    proposal.edited = True
    proposal.save()
    for member in members:
        member.explanation = list(evaluation.per_member.get(str(member.person_id), []))
        member.save(update_fields=["explanation"])


# --- publishing --------------------------------------------------------------------------------


@transaction.atomic
def run_publish(*, actor: User | None, run: MatchRun) -> list[Relationship]:
    """Turn a run's proposals into relationships and tell everyone, all or nothing."""
    _require_coordinator(actor, run.program)
    run = MatchRun.objects.select_for_update().select_related("program").get(pk=run.pk)
    program = run.program
    if run.status == RunStatus.PUBLISHED:
        raise ApplicationError("This run is already published.")
    if run.status != RunStatus.DONE:
        raise ApplicationError("Only a finished run can be published.")
    members = list(
        ProposalMember.objects.filter(proposal__run=run).select_related("proposal", "person__user")
    )
    _check_still_valid(program, members)
    now = timezone.now()
    starts_active = not program.both_must_accept or run.purpose in (
        RunPurpose.ROTATION,
        RunPurpose.BUDDIES,
    )
    respond_by = timezone.localdate() + timedelta(days=program.response_days)
    by_proposal: dict[int, list[ProposalMember]] = {}
    for member in members:
        by_proposal.setdefault(member.proposal_id, []).append(member)
    proposals = {m.proposal_id: m.proposal for m in members}
    relationships = Relationship.objects.bulk_create(
        [
            Relationship(
                program=program,
                run=run,
                round=run.round,
                score=proposals[pid].score,
                explanation=proposals[pid].explanation,
                created_at=now,
                status=RelationshipStatus.ACTIVE if starts_active else RelationshipStatus.PROPOSED,
                activated_at=now if starts_active else None,
                crosses_departments=len({m.person.department_id for m in by_proposal[pid]} - {None})
                > 1,
            )
            for pid in by_proposal
        ]
    )
    memberships = Membership.objects.bulk_create(
        [
            Membership(
                relationship=relationship,
                person=member.person,
                role=member.role,
                explanation=member.explanation,
                respond_by=None if starts_active else respond_by,
                accepted_at=now if run.purpose == RunPurpose.ROTATION else None,
            )
            for relationship, pid in zip(relationships, by_proposal, strict=True)
            for member in by_proposal[pid]
        ]
    )
    Enrolment.objects.filter(
        program=program,
        person_id__in=ProposalMember.objects.filter(proposal__run=run).values("person_id"),
        first_matched_at=None,
    ).update(first_matched_at=now)
    _notify_published(run, relationships, memberships, starts_active)
    MatchRun.objects.filter(pk=run.pk).update(
        status=RunStatus.PUBLISHED, published_at=now, published_by=actor
    )
    MatchRun.objects.filter(program=program, status=RunStatus.DONE).exclude(pk=run.pk).update(
        status=RunStatus.DISCARDED
    )
    if program.status == ProgramStatus.MATCHING:
        Program.objects.filter(pk=program.pk).update(status=ProgramStatus.ACTIVE)
        log_action(
            "program.status_changed",
            actor=actor,
            target=program,
            data={"from": ProgramStatus.MATCHING, "to": ProgramStatus.ACTIVE},
        )
    log_action(
        "matching.published",
        actor=actor,
        target=program,
        data={"run": run.pk, "relationships": len(relationships)},
    )
    return relationships


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
    relationships: Sequence[Relationship],
    memberships: Sequence[Membership],
    starts_active: bool,
) -> None:
    by_relationship: dict[int, list[Membership]] = {}
    for membership in memberships:
        by_relationship.setdefault(membership.relationship_id, []).append(membership)
    outgoing = []
    for relationship in relationships:
        group = by_relationship[relationship.pk]
        for membership in group:
            partners = [m.person for m in group if m.pk != membership.pk]
            outgoing.append(
                emails.match_email(
                    membership=membership,
                    partners=partners,
                    program=run.program,
                    needs_answer=not starts_active,
                )
            )
    unmatched = UnmatchedPerson.objects.filter(run=run).select_related("person__user")
    outgoing += [
        emails.not_matched_email(person=u.person, program=run.program, reason=u.reason, run=run)
        for u in unmatched
    ]
    enqueue(outgoing)


# --- answering a match -------------------------------------------------------------------------


@transaction.atomic
def membership_respond(
    *, actor: User, membership: Membership, accept: bool, reason: str = ""
) -> Relationship:
    membership = (
        Membership.objects.select_for_update()
        .select_related("relationship__program", "person")
        .get(pk=membership.pk)
    )
    if membership.person.user_id != actor.pk:
        raise NotFound()
    relationship = membership.relationship
    if relationship.status not in LIVE_STATUSES:
        raise ApplicationError("This match has already ended.")
    now = timezone.now()
    if accept:
        if membership.declined_at:
            raise ApplicationError("You already declined this match.")
        membership.accepted_at = membership.accepted_at or now
        membership.save(update_fields=["accepted_at"])
        others_pending = relationship.members.filter(accepted_at__isnull=True).exclude(
            pk=membership.pk
        )
        if relationship.status == RelationshipStatus.PROPOSED and not others_pending.exists():
            relationship.status = RelationshipStatus.ACTIVE
            relationship.activated_at = now
            relationship.save(update_fields=["status", "activated_at"])
            enqueue(
                [
                    relationship_emails.match_started_email(relationship=relationship, membership=m)
                    for m in relationship.members.select_related("person__user")
                ]
            )
        log_action("matching.accepted", actor=actor, target=relationship)
        return relationship
    membership.declined_at = now
    membership.decline_reason = reason.strip()[:2000]
    membership.save(update_fields=["declined_at", "decline_reason"])
    _end(relationship, reason=EndReason.DECLINED, by=actor, note="")
    enqueue(
        [
            relationship_emails.match_declined_email(relationship=relationship, membership=m)
            for m in relationship.members.select_related("person__user").exclude(pk=membership.pk)
        ]
    )
    log_action("matching.declined", actor=actor, target=relationship)
    return relationship


def _end(relationship: Relationship, *, reason: str, by: User | None, note: str) -> None:
    relationship.status = (
        RelationshipStatus.DECLINED if reason == EndReason.DECLINED else RelationshipStatus.ENDED
    )
    relationship.ended_at = timezone.now()
    relationship.end_reason = reason
    relationship.end_note = note
    relationship.ended_by = by
    relationship.save(update_fields=["status", "ended_at", "end_reason", "end_note", "ended_by"])


@transaction.atomic
def repair_request(*, actor: User, relationship: Relationship, reason: str) -> RepairRequest:
    """A confidential request to be re-paired; the partner is not told who asked or why."""
    membership = relationship.members.filter(person__user=actor).select_related("person").first()
    if membership is None:
        raise NotFound()
    if relationship.status not in LIVE_STATUSES:
        raise ApplicationError("This match has already ended.")
    request = RepairRequest.objects.create(
        relationship=relationship, requested_by=membership.person, reason=reason.strip()[:4000]
    )
    enqueue(
        [
            relationship_emails.repair_requested_email(request=request, coordinator=c)
            for c in relationship.program.coordinators.all()
        ]
    )
    log_action("matching.repair_requested", actor=actor, target=relationship)
    return request


@transaction.atomic
def relationship_end(
    *, actor: User, relationship: Relationship, reason: str, note: str = ""
) -> Relationship:
    _require_coordinator(actor, relationship.program)
    if relationship.status not in LIVE_STATUSES:
        raise ApplicationError("This match has already ended.")
    if reason not in EndReason.values:
        raise ApplicationError(
            "Choose why the match ends.", errors=[FieldError("Required.", field="reason")]
        )
    _end(relationship, reason=reason, by=actor, note=note.strip()[:2000])
    RepairRequest.objects.filter(relationship=relationship, handled_at__isnull=True).update(
        handled_at=timezone.now(), handled_by=actor
    )
    enqueue(
        [
            relationship_emails.match_ended_email(relationship=relationship, membership=m)
            for m in relationship.members.select_related("person__user")
        ]
    )
    log_action(
        "matching.relationship_ended", actor=actor, target=relationship, data={"reason": reason}
    )
    return relationship


# --- deadlines, rotations and buddies ----------------------------------------------------------


def answer_deadlines(*, today: date) -> tuple[int, int]:
    """Remind people who have not answered by their date; two days later, alert coordinators."""
    pending = Membership.objects.filter(
        relationship__status=RelationshipStatus.PROPOSED,
        accepted_at__isnull=True,
        declined_at__isnull=True,
        respond_by__isnull=False,
    ).select_related("person__user", "relationship__program")
    reminded = escalated = 0
    for membership in pending.filter(respond_by__lt=today, reminded_at__isnull=True):
        with transaction.atomic():
            if Membership.objects.filter(pk=membership.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            ):
                enqueue([relationship_emails.match_answer_reminder_email(membership=membership)])
                reminded += 1
    for membership in pending.filter(
        respond_by__lt=today - timedelta(days=2), escalated_at__isnull=True
    ):
        with transaction.atomic():
            if Membership.objects.filter(pk=membership.pk, escalated_at__isnull=True).update(
                escalated_at=timezone.now()
            ):
                program = membership.relationship.program
                enqueue(
                    [
                        relationship_emails.match_unanswered_alert_email(
                            membership=membership, coordinator=c
                        )
                        for c in program.coordinators.all()
                    ]
                )
                escalated += 1
    return reminded, escalated


ROUND_EVERY = {
    "weekly": timedelta(days=7),
    "biweekly": timedelta(days=14),
    "monthly": timedelta(days=30),
}


def rotation_due(program: Program, now: datetime) -> bool:
    last = (
        program.runs.filter(purpose=RunPurpose.ROTATION)
        .exclude(status__in=[RunStatus.FAILED, RunStatus.DISCARDED])
        .order_by("-created_at")
        .first()
    )
    return last is None or last.created_at + ROUND_EVERY[program.cadence] <= now


def rotation_round(*, program: Program, now: datetime) -> MatchRun | None:
    """Start the next coffee-rotation round: end the last round's pairs, match, publish, tell
    everyone — including who could not be paired this time."""
    if program.kind != ProgramKind.COFFEE_ROTATION or program.status != ProgramStatus.ACTIVE:
        return None
    if not rotation_due(program, now):
        return None
    with transaction.atomic():
        for relationship in Relationship.objects.select_for_update().filter(
            program=program, status__in=LIVE_STATUSES, round__isnull=False
        ):
            _end(relationship, reason=EndReason.ROUND_ENDED, by=None, note="")
        last_round = (
            program.runs.filter(purpose=RunPurpose.ROTATION)
            .exclude(round=None)
            .order_by("-round")
            .values_list("round", flat=True)
            .first()
            or 0
        )
        run = MatchRun.objects.create(
            program=program,
            criteria=current_criteria(program),
            purpose=RunPurpose.ROTATION,
            round=last_round + 1,
            label=f"Round {last_round + 1}",
            seed=last_round + 1,
            participants=len(pool(program)),
            rules=_rules(program),
            created_at=now,
        )
    run_execute(run.pk)
    run.refresh_from_db()
    if run.status == RunStatus.DONE:
        run_publish(actor=None, run=run)
        run.refresh_from_db()
    return run


@transaction.atomic
def enrol_new_hires(*, program: Program, today: date) -> list[Enrolment]:
    """Onboarding buddies: new hires join automatically as they arrive from the HR import."""
    from tandem.programs.selectors import eligible_people

    if program.kind != ProgramKind.ONBOARDING_BUDDY or not program.hired_within_days:
        return []
    since = today - timedelta(days=program.hired_within_days)
    new = eligible_people(program).filter(hire_date__gte=since).exclude(enrolments__program=program)
    now = timezone.now()
    created = Enrolment.objects.bulk_create(
        [
            Enrolment(
                program=program,
                person=person,
                role=EnrolmentRole.NEW_HIRE,
                capacity=1,
                accepted_guidelines_at=now,
                created_at=now,
                updated_at=now,
            )
            for person in new
        ]
    )
    if created:
        log_action(
            "matching.new_hires_enrolled", actor=None, target=program, data={"count": len(created)}
        )
    return created


def pair_new_hires(*, program: Program, today: date) -> MatchRun | None:
    if program.kind != ProgramKind.ONBOARDING_BUDDY or program.status != ProgramStatus.ACTIVE:
        return None
    enrol_new_hires(program=program, today=today)
    waiting = [e for e in pool(program) if e.role == EnrolmentRole.NEW_HIRE]
    if not waiting or not any(e.role == EnrolmentRole.BUDDY for e in pool(program)):
        return None
    with transaction.atomic():
        run = MatchRun.objects.create(
            program=program,
            criteria=current_criteria(program),
            purpose=RunPurpose.BUDDIES,
            label=f"New hires {today:%d %b}",
            participants=len(pool(program)),
            rules=_rules(program),
        )
    run_execute(run.pk)
    run.refresh_from_db()
    if run.status == RunStatus.DONE and run.proposals.exists():
        run_publish(actor=None, run=run)
        run.refresh_from_db()
    return run
