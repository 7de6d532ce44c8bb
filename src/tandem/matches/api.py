from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from tandem.accounts.models import User
from tandem.core.errors import ApplicationError, NotFound
from tandem.matches import selectors
from tandem.matches.models import MatchRun, PairRule, RunPurpose
from tandem.matches.services.criteria import criteria_save, current_criteria
from tandem.matches.services.pair_rules import pair_rule_remove, pair_rule_set
from tandem.matches.services.publish import run_publish
from tandem.matches.services.review import proposal_swap
from tandem.matches.services.runs import run_create
from tandem.people.models import Person
from tandem.programs.selectors import access_program_as_coordinator
from tandem.relationships.services.answers import membership_accept, membership_decline

router = Router(tags=["matching"])


class ErrorOut(Schema):
    detail: str
    errors: list[dict[str, object]]


class CriteriaOut(Schema):
    id: int
    number: int
    config: dict[str, Any]
    note: str
    created_at: datetime


class CriteriaIn(Schema):
    criteria: list[dict[str, Any]]
    constraints: dict[str, Any] = {}
    note: str = ""


class RunIn(Schema):
    criteria_id: int | None = None
    purpose: str = RunPurpose.MATCH
    label: str = ""
    seed: int = 0


class RunOut(Schema):
    id: int
    program_id: int
    criteria_id: int
    purpose: str
    label: str
    status: str
    progress: float
    phase: str
    participants: int
    stats: dict[str, Any]
    error: str
    created_at: datetime


class MemberOut(Schema):
    person_id: int
    name: str
    role: str
    explanation: list[str]


class ProposalOut(Schema):
    id: int
    score: float
    min_pair_score: float
    explanation: list[str]
    locked: bool
    edited: bool
    members: list[MemberOut]


class UnmatchedOut(Schema):
    person_id: int
    name: str
    reason: str


class RuleIn(Schema):
    first: int
    second: int
    kind: str


class RuleOut(Schema):
    id: int
    kind: str
    first_id: int
    second_id: int


class SwapIn(Schema):
    first: int
    second: int


class AnswerIn(Schema):
    accept: bool
    reason: str = ""


class MembershipOut(Schema):
    id: int
    relationship_id: int
    program_id: int
    status: str
    role: str
    explanation: list[str]
    partners: list[str]
    respond_by: Any
    accepted_at: datetime | None
    declined_at: datetime | None


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _person(person_id: int) -> Person:
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise ApplicationError("Unknown person.")
    return person


@router.get(
    "/programs/{program_id}/criteria", response=list[CriteriaOut], summary="Criteria versions"
)
def list_criteria(request: HttpRequest, program_id: int) -> list[Any]:
    program = access_program_as_coordinator(user=_user(request), program_id=program_id)
    current_criteria(program)
    return list(program.criteria_versions.all())


@router.post(
    "/programs/{program_id}/criteria",
    response={201: CriteriaOut, 422: ErrorOut},
    summary="Save a new criteria version",
)
def save_criteria(request: HttpRequest, program_id: int, payload: CriteriaIn) -> Status[Any]:
    user = _user(request)
    program = access_program_as_coordinator(user=user, program_id=program_id)
    version = criteria_save(
        actor=user,
        program=program,
        note=payload.note,
        config={"criteria": payload.criteria, "constraints": payload.constraints},
    )
    return Status(201, version)


@router.get("/programs/{program_id}/runs", response=list[RunOut], summary="Match runs")
def list_runs(request: HttpRequest, program_id: int) -> list[MatchRun]:
    program = access_program_as_coordinator(user=_user(request), program_id=program_id)
    return list(selectors.runs(program))


@router.post(
    "/programs/{program_id}/runs",
    response={201: RunOut, 400: ErrorOut},
    summary="Start a run (small programs finish before the response)",
)
def create_run(request: HttpRequest, program_id: int, payload: RunIn) -> Status[MatchRun]:
    user = _user(request)
    program = access_program_as_coordinator(user=user, program_id=program_id)
    criteria = (
        program.criteria_versions.filter(pk=payload.criteria_id).first()
        if payload.criteria_id
        else None
    )
    if payload.criteria_id and criteria is None:
        raise NotFound()
    run = run_create(
        actor=user,
        program=program,
        criteria=criteria,
        purpose=payload.purpose,
        label=payload.label,
        seed=payload.seed,
    )
    return Status(201, run)


@router.get("/runs/{run_id}", response=RunOut, summary="One run, with its progress and statistics")
def get_run(request: HttpRequest, run_id: int) -> MatchRun:
    run = selectors.access_run(user=_user(request), run_id=run_id)
    run.refresh_from_db()
    return run


@router.get("/runs/{run_id}/proposals", response=list[ProposalOut], summary="Proposals of a run")
def list_proposals(request: HttpRequest, run_id: int, sort: str = "score") -> list[dict[str, Any]]:
    run = selectors.access_run(user=_user(request), run_id=run_id)
    return [
        {
            "id": p.pk,
            "score": p.score,
            "min_pair_score": p.min_pair_score,
            "explanation": p.explanation,
            "locked": p.locked,
            "edited": p.edited,
            "members": [
                {
                    "person_id": m.person_id,
                    "name": m.person.user.name,
                    "role": m.role,
                    "explanation": m.explanation,
                }
                for m in p.members.all()
            ],
        }
        for p in selectors.proposals(run, sort=sort)
    ]


@router.get(
    "/runs/{run_id}/unmatched",
    response=list[UnmatchedOut],
    summary="People left unmatched, with why",
)
def list_unmatched(request: HttpRequest, run_id: int) -> list[dict[str, Any]]:
    run = selectors.access_run(user=_user(request), run_id=run_id)
    return [
        {"person_id": u.person_id, "name": u.person.user.name, "reason": u.reason}
        for u in selectors.unmatched(run)
    ]


@router.post(
    "/runs/{run_id}/swap",
    response={200: list[ProposalOut], 400: ErrorOut},
    summary="Swap two people between proposals and rescore",
)
def swap(request: HttpRequest, run_id: int, payload: SwapIn) -> list[dict[str, Any]]:
    user = _user(request)
    run = selectors.access_run(user=user, run_id=run_id)
    changed = proposal_swap(
        actor=user, run=run, first=_person(payload.first), second=_person(payload.second)
    )
    return [
        {
            "id": p.pk,
            "score": p.score,
            "min_pair_score": p.min_pair_score,
            "explanation": p.explanation,
            "locked": p.locked,
            "edited": p.edited,
            "members": [
                {
                    "person_id": m.person_id,
                    "name": m.person.user.name,
                    "role": m.role,
                    "explanation": m.explanation,
                }
                for m in p.members.select_related("person__user")
            ],
        }
        for p in changed
    ]


@router.post(
    "/runs/{run_id}/publish",
    response={200: dict[str, int], 400: ErrorOut},
    summary="Publish a run: relationships and notifications, all or nothing",
)
def publish(request: HttpRequest, run_id: int) -> dict[str, int]:
    user = _user(request)
    run = selectors.access_run(user=user, run_id=run_id)
    return {"relationships": len(run_publish(actor=user, run=run))}


@router.get("/programs/{program_id}/rules", response=list[RuleOut], summary="Locks and forbids")
def list_rules(request: HttpRequest, program_id: int) -> list[PairRule]:
    program = access_program_as_coordinator(user=_user(request), program_id=program_id)
    return list(PairRule.objects.filter(program=program))


@router.post(
    "/programs/{program_id}/rules",
    response={201: RuleOut, 400: ErrorOut},
    summary="Lock two people together, or forbid them",
)
def add_rule(request: HttpRequest, program_id: int, payload: RuleIn) -> Status[PairRule]:
    user = _user(request)
    program = access_program_as_coordinator(user=user, program_id=program_id)
    rule = pair_rule_set(
        actor=user,
        program=program,
        first=_person(payload.first),
        second=_person(payload.second),
        kind=payload.kind,
    )
    return Status(201, rule)


@router.delete(
    "/programs/{program_id}/rules/{rule_id}",
    response={204: None},
    summary="Remove a lock or forbid",
)
def remove_rule(request: HttpRequest, program_id: int, rule_id: int) -> Status[None]:
    user = _user(request)
    program = access_program_as_coordinator(user=user, program_id=program_id)
    pair_rule_remove(actor=user, program=program, rule_id=rule_id)
    return Status(204, None)


def _membership_out(membership: Any) -> dict[str, Any]:
    relationship = membership.relationship
    return {
        "id": membership.pk,
        "relationship_id": relationship.pk,
        "program_id": relationship.program_id,
        "status": relationship.status,
        "role": membership.role,
        "explanation": membership.explanation,
        "partners": [m.person.user.name for m in selectors.partners(membership)],
        "respond_by": membership.respond_by,
        "accepted_at": membership.accepted_at,
        "declined_at": membership.declined_at,
    }


@router.get("/matches", response=list[MembershipOut], summary="My matches")
def my_matches(request: HttpRequest) -> list[dict[str, Any]]:
    return [_membership_out(m) for m in selectors.memberships_of(_user(request))]


@router.post(
    "/matches/{membership_id}/answer",
    response={200: MembershipOut, 400: ErrorOut},
    summary="Accept or decline my match",
)
def answer(request: HttpRequest, membership_id: int, payload: AnswerIn) -> dict[str, Any]:
    user = _user(request)
    membership = selectors.access_membership(user=user, membership_id=membership_id)
    if payload.accept:
        membership_accept(actor=user, membership=membership)
    else:
        membership_decline(actor=user, membership=membership, reason=payload.reason)
    return _membership_out(selectors.access_membership(user=user, membership_id=membership_id))
