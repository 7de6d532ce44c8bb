from datetime import date, datetime
from typing import Any

from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError
from tandem.core.schemas import LONG_TEXT, Id, errors
from tandem.matches import selectors
from tandem.matches.models import (
    CriteriaVersion,
    MatchRun,
    PairRule,
    Proposal,
    ProposalMember,
    RunPurpose,
    UnmatchedPerson,
)
from tandem.matches.services.criteria import criteria_save
from tandem.matches.services.imported import run_import_pairs
from tandem.matches.services.pair_rules import pair_rule_remove, pair_rule_set
from tandem.matches.services.publish import run_publish
from tandem.matches.services.review import proposal_swap
from tandem.matches.services.runs import run_create
from tandem.people.models import Person
from tandem.people.selectors import person_by_id
from tandem.people.services import read_upload
from tandem.programs.selectors import access_program_as_coordinator
from tandem.relationships.models import Membership
from tandem.relationships.services.answers import membership_accept, membership_decline

router = Router(tags=["matching"])


class CriteriaOut(Schema):
    id: int | None = Field(
        None, description="None for the unsaved defaults, before any save or run."
    )
    number: int
    config: dict[str, Any]
    note: str
    created_at: datetime


class CriteriaIn(Schema):
    criteria: list[dict[str, Any]] = Field(max_length=50)
    constraints: dict[str, Any] = {}
    note: str = Field("", max_length=LONG_TEXT)


class RunIn(Schema):
    criteria_id: Id | None = None
    purpose: RunPurpose = RunPurpose.MATCH
    label: str = Field("", max_length=200)
    seed: int = Field(0, ge=0, le=2**31 - 1)


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

    @staticmethod
    def resolve_name(obj: ProposalMember) -> str:
        return obj.person.user.name


class ProposalOut(Schema):
    id: int
    score: float
    min_pair_score: float
    explanation: list[str]
    locked: bool
    edited: bool
    members: list[MemberOut]

    @staticmethod
    def resolve_members(obj: Proposal) -> list[ProposalMember]:
        return list(obj.members.all())


class UnmatchedOut(Schema):
    person_id: int
    name: str
    reason: str

    @staticmethod
    def resolve_name(obj: UnmatchedPerson) -> str:
        return obj.person.user.name


class PublishOut(Schema):
    relationships: int


class RuleIn(Schema):
    first: Id
    second: Id
    kind: str = Field(max_length=20)


class RuleOut(Schema):
    id: int
    kind: str
    first_id: int
    second_id: int


class SwapIn(Schema):
    first: Id
    second: Id


class AnswerIn(Schema):
    accept: bool
    reason: str = Field("", max_length=LONG_TEXT)


class MembershipOut(Schema):
    id: int
    relationship_id: int
    program_id: int
    status: str
    role: str
    explanation: list[str]
    partners: list[str]
    respond_by: date | None
    accepted_at: datetime | None
    declined_at: datetime | None

    @staticmethod
    def resolve_program_id(obj: Membership) -> int:
        return obj.relationship.program_id

    @staticmethod
    def resolve_status(obj: Membership) -> str:
        return obj.relationship.status

    @staticmethod
    def resolve_partners(obj: Membership) -> list[str]:
        return [m.person.user.name for m in obj.relationship.members.all() if m.pk != obj.pk]


def _person(person_id: Id) -> Person:
    person = person_by_id(person_id)
    if person is None:
        raise ApplicationError("Unknown person.")
    return person


@router.get(
    "/programs/{program_id}/criteria",
    response={200: list[CriteriaOut], **errors(404)},
    summary="Criteria versions",
)
def list_criteria(request: AuthenticatedHttpRequest, program_id: Id) -> list[CriteriaVersion]:
    """Newest first; before the first save or run, only the defaults (not yet saved)."""
    program = access_program_as_coordinator(user=request.user, program_id=program_id)
    return list(selectors.criteria_versions(program)) or [selectors.latest_criteria(program)]


@router.post(
    "/programs/{program_id}/criteria",
    response={201: CriteriaOut, **errors(400, 403, 404, 422)},
    summary="Save a new criteria version",
)
def save_criteria(
    request: AuthenticatedHttpRequest, program_id: Id, payload: CriteriaIn
) -> Status[CriteriaVersion]:
    user = request.user
    program = access_program_as_coordinator(user=user, program_id=program_id)
    version = criteria_save(
        actor=user,
        program=program,
        note=payload.note,
        config={"criteria": payload.criteria, "constraints": payload.constraints},
    )
    return Status(201, version)


@router.get(
    "/programs/{program_id}/runs",
    response={200: list[RunOut], **errors(404)},
    summary="Match runs",
)
def list_runs(request: AuthenticatedHttpRequest, program_id: Id) -> list[MatchRun]:
    program = access_program_as_coordinator(user=request.user, program_id=program_id)
    return list(selectors.runs(program))


@router.post(
    "/programs/{program_id}/runs",
    response={201: RunOut, **errors(400, 403, 404, 422)},
    summary="Start a run (small programs finish before the response)",
)
def create_run(
    request: AuthenticatedHttpRequest, program_id: Id, payload: RunIn
) -> Status[MatchRun]:
    user = request.user
    program = access_program_as_coordinator(user=user, program_id=program_id)
    criteria = (
        selectors.criteria_version(program, payload.criteria_id) if payload.criteria_id else None
    )
    run = run_create(
        actor=user,
        program=program,
        criteria=criteria,
        purpose=payload.purpose,
        label=payload.label,
        seed=payload.seed,
    )
    return Status(201, run)


@router.post(
    "/programs/{program_id}/runs/import",
    response={201: RunOut, **errors(400, 403, 404, 422)},
    summary="Load matches made elsewhere (tandem match's output, any sheet of groups) as a run",
)
def import_run(
    request: AuthenticatedHttpRequest, program_id: Id, file: File[UploadedFile]
) -> Status[MatchRun]:
    """Coordinators. One group per row: the ``members`` column (emails separated by ``;``), or
    every email address in the row. All or nothing: with any problem nothing is written and the
    response lists each problem with its row. The run is ready for review and publishing."""
    user = request.user
    program = access_program_as_coordinator(user=user, program_id=program_id)
    run = run_import_pairs(
        actor=user,
        program=program,
        file_name=file.name or "matches.csv",
        data=read_upload(file, size=file.size or 0),
    )
    return Status(201, run)


@router.get(
    "/runs/{run_id}",
    response={200: RunOut, **errors(404)},
    summary="One run, with its progress and statistics",
)
def get_run(request: AuthenticatedHttpRequest, run_id: Id) -> MatchRun:
    return selectors.access_run(user=request.user, run_id=run_id)


@router.get(
    "/runs/{run_id}/proposals",
    response={200: list[ProposalOut], **errors(404, 422)},
    summary="Proposals of a run",
)
def list_proposals(
    request: AuthenticatedHttpRequest, run_id: Id, sort: str = "score"
) -> list[Proposal]:
    run = selectors.access_run(user=request.user, run_id=run_id)
    found = selectors.proposals(run, sort=sort)
    log_action(
        "matching.proposals_listed",
        actor=request.user,
        target=run,
        request=request,
        data={"filters": request.GET.urlencode()[:200]},
    )
    return found


@router.get(
    "/runs/{run_id}/unmatched",
    response={200: list[UnmatchedOut], **errors(404)},
    summary="People left unmatched, with why",
)
def list_unmatched(request: AuthenticatedHttpRequest, run_id: Id) -> list[UnmatchedPerson]:
    run = selectors.access_run(user=request.user, run_id=run_id)
    log_action("matching.unmatched_listed", actor=request.user, target=run, request=request)
    return list(selectors.unmatched(run))


@router.post(
    "/runs/{run_id}/swap",
    response={200: list[ProposalOut], **errors(400, 403, 404, 422)},
    summary="Swap two people between proposals and rescore",
)
def swap(request: AuthenticatedHttpRequest, run_id: Id, payload: SwapIn) -> list[Proposal]:
    user = request.user
    run = selectors.access_run(user=user, run_id=run_id)
    changed = proposal_swap(
        actor=user, run=run, first=_person(payload.first), second=_person(payload.second)
    )
    ids = [p.pk for p in changed]
    return sorted(
        (p for p in selectors.proposals(run) if p.pk in ids), key=lambda p: ids.index(p.pk)
    )


@router.post(
    "/runs/{run_id}/publish",
    response={200: PublishOut, **errors(400, 403, 404)},
    summary="Publish a run: relationships and notifications, all or nothing",
)
def publish(request: AuthenticatedHttpRequest, run_id: Id) -> PublishOut:
    user = request.user
    run = selectors.access_run(user=user, run_id=run_id)
    return PublishOut(relationships=len(run_publish(actor=user, run=run)))


@router.get(
    "/programs/{program_id}/rules",
    response={200: list[RuleOut], **errors(404)},
    summary="Locks and forbids",
)
def list_rules(request: AuthenticatedHttpRequest, program_id: Id) -> list[PairRule]:
    program = access_program_as_coordinator(user=request.user, program_id=program_id)
    log_action("matching.rules_listed", actor=request.user, target=program, request=request)
    return list(selectors.pair_rules(program))


@router.post(
    "/programs/{program_id}/rules",
    response={201: RuleOut, **errors(400, 403, 404, 422)},
    summary="Lock two people together, or forbid them",
)
def add_rule(
    request: AuthenticatedHttpRequest, program_id: Id, payload: RuleIn
) -> Status[PairRule]:
    user = request.user
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
    response={204: None, **errors(403, 404)},
    summary="Remove a lock or forbid",
)
def remove_rule(request: AuthenticatedHttpRequest, program_id: Id, rule_id: Id) -> Status[None]:
    user = request.user
    program = access_program_as_coordinator(user=user, program_id=program_id)
    pair_rule_remove(actor=user, program=program, rule_id=rule_id)
    return Status(204, None)


@router.get("/matches", response={200: list[MembershipOut], **errors()}, summary="My matches")
def my_matches(request: AuthenticatedHttpRequest) -> list[Membership]:
    return list(selectors.my_match_list(request.user))


@router.post(
    "/matches/{membership_id}/answer",
    response={200: MembershipOut, **errors(400, 403, 404, 422)},
    summary="Accept or decline my match",
)
def answer(request: AuthenticatedHttpRequest, membership_id: Id, payload: AnswerIn) -> Membership:
    user = request.user
    membership = selectors.access_membership(user=user, membership_id=membership_id)
    if payload.accept:
        membership_accept(actor=user, membership=membership)
    else:
        membership_decline(actor=user, membership=membership, reason=payload.reason)
    return selectors.my_match(user, membership_id)
