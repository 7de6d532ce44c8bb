from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import File, Form, Router, Schema, UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError, NotFound, PermissionDeniedError
from tandem.core.pagination import BoundedLimitOffset
from tandem.core.schemas import LONG_TEXT, Id, Label, PatchIn, PlannedDate, errors
from tandem.people.selectors import (
    departments_by_name,
    departments_with_ids,
    person_for_user,
    skills_by_name,
)
from tandem.people.services import read_upload
from tandem.programs import selectors
from tandem.programs.models import Cadence, Enrolment, Program, ProgramKind, Question, QuestionKind
from tandem.programs.questionnaire.enrolment import EnrolmentForm, consent_field_name, field_name
from tandem.programs.selectors import RosterRow
from tandem.programs.services.cohort import CohortPlan, cohort_import
from tandem.programs.services.enrolment import enrolment_submit, enrolment_withdraw
from tandem.programs.services.named import invite_named_people
from tandem.programs.services.questionnaire import question_delete, question_save
from tandem.programs.services.setup import program_create, program_duplicate, program_update
from tandem.programs.services.stages import StagePreview, program_transition, stage_preview

router = Router(tags=["programs"])


class ProgramOut(Schema):
    id: int
    name: str
    kind: str
    cohort: str
    status: str
    description: str
    objectives: str
    kpis: list[str]
    cadence: str
    duration_months: int
    hours_per_month: Decimal
    meeting_formats: list[str]
    confidentiality: str
    code_of_conduct: str
    boundaries: str
    support_contact: str
    enrolment_opens_on: date | None
    enrolment_closes_on: date | None
    reminder_days: list[int]
    last_call_days: int
    eligible_levels: list[int]
    eligible_locations: list[str]
    eligible_groups: list[str]
    partners_per_person: int
    capacity_cap: int
    group_size: int
    allow_trio: bool


class ProgramIn(PatchIn):
    """Settings to set: a key left out keeps its value; ``null`` is never a value. Bounds are
    the form's and the model's."""

    NULLABLE = frozenset({"enrolment_opens_on", "enrolment_closes_on"})

    name: str | None = Field(None, max_length=200, min_length=1)
    kind: ProgramKind | None = Field(None)
    cohort: str | None = Field(None, max_length=100)
    description: str | None = Field(None, max_length=LONG_TEXT)
    objectives: str | None = Field(None, max_length=LONG_TEXT)
    kpis: list[Label] | None = Field(None, max_length=20)
    cadence: Cadence | None = Field(None)
    duration_months: int | None = Field(None, ge=1, le=36)
    hours_per_month: Decimal | None = Field(None, ge=0, le=999, max_digits=4, decimal_places=1)
    meeting_formats: list[Annotated[str, Field(max_length=40)]] | None = Field(None, max_length=10)
    confidentiality: str | None = Field(None, max_length=LONG_TEXT)
    code_of_conduct: str | None = Field(None, max_length=LONG_TEXT)
    boundaries: str | None = Field(None, max_length=LONG_TEXT)
    support_contact: str | None = Field(None, max_length=LONG_TEXT)
    enrolment_opens_on: PlannedDate | None = None
    enrolment_closes_on: PlannedDate | None = None
    reminder_days: list[Annotated[int, Field(ge=1, le=365)]] | None = Field(None, max_length=20)
    last_call_days: int | None = Field(None, ge=0, le=365)
    eligible_levels: list[Annotated[int, Field(ge=0, le=100)]] | None = Field(None, max_length=100)
    eligible_locations: list[Label] | None = Field(None, max_length=200)
    eligible_groups: list[Label] | None = Field(
        None, max_length=200, description="Directory (SCIM) group names whose members may join"
    )
    eligible_department_ids: list[Id] | None = Field(None, max_length=1000)
    partners_per_person: int | None = Field(None, ge=1, le=10)
    capacity_cap: int | None = Field(None, ge=1, le=10)
    group_size: int | None = Field(None, ge=3, le=6)
    allow_trio: bool | None = Field(None)


class TransitionIn(Schema):
    to: str = Field(max_length=20)
    confirmation: str | None = Field(
        default=None,
        max_length=200,
        description="The program's name, when the preview asks for it (confirm_phrase).",
    )


class StagePreviewOut(Schema):
    to: str
    label: str
    consequences: list[str]
    blockers: list[str]
    undo: str
    confirm_phrase: str = Field(description="Empty when no typed confirmation is needed.")


class QuestionOut(Schema):
    id: int
    position: int
    kind: str
    key: str
    label: str
    help_text: str
    required: bool
    choices: list[str]
    private: bool
    show_if_key: str | None
    show_if_values: list[str]

    @staticmethod
    def resolve_private(obj: Question) -> bool:
        return obj.is_private

    @staticmethod
    def resolve_show_if_key(obj: Question) -> str | None:
        return obj.show_if.key if obj.show_if else None


class QuestionIn(Schema):
    kind: QuestionKind
    label: str
    key: str = ""
    help_text: str = ""
    required: bool = False
    choices: list[str] = []
    show_if_key: str | None = None
    show_if_values: list[str] = []


class EnrolmentIn(Schema):
    accept: bool
    answers: dict[str, Any]
    consent: list[str] = []
    capacity: int | None = Field(
        default=None,
        ge=1,
        le=10,
        description="How many partners (mentors: mentees) at once, up to the program's cap.",
    )


class EnrolmentOut(Schema):
    id: int
    program_id: int
    status: str
    role: str
    capacity: int
    created_at: datetime
    answers: dict[str, Any]

    @staticmethod
    def resolve_answers(obj: Enrolment) -> dict[str, Any]:
        return selectors.answers_by_key(obj)


class RosterEntry(Schema):
    id: int
    name: str
    department: str | None
    level: int | None
    role: str
    status: str
    created_at: datetime
    answers: dict[str, Any]


def _program_fields(payload: ProgramIn) -> dict[str, Any]:
    fields = payload.dict(exclude_unset=True)
    department_ids = fields.pop("eligible_department_ids", None)
    if department_ids is not None:
        departments = departments_with_ids(department_ids)
        if len(departments) != len(set(department_ids)):
            raise ApplicationError(
                "Unknown department.",
                errors=[FieldError("unknown id", field="eligible_department_ids")],
            )
        fields["eligible_departments"] = departments
    return fields


@router.get(
    "/programs",
    response={200: list[ProgramOut], **errors()},
    summary="Programs you coordinate, or can join",
)
def list_programs(request: AuthenticatedHttpRequest) -> list[Program]:
    user = request.user
    if user.is_coordinator:
        return list(selectors.coordinated_programs(user))
    person = person_for_user(user)
    enrolled = [e.program for e in selectors.my_enrolments(person)]
    return list({p.pk: p for p in [*selectors.open_programs_for(person), *enrolled]}.values())


@router.post(
    "/programs",
    response={201: ProgramOut, **errors(400, 403, 422)},
    summary="Create a program",
)
def create_program(request: AuthenticatedHttpRequest, payload: ProgramIn) -> Status[Program]:
    fields = _program_fields(payload)
    name, kind = fields.pop("name", "") or "", fields.pop("kind", "") or ""
    return Status(201, program_create(actor=request.user, name=name, kind=kind, **fields))


@router.get(
    "/programs/{program_id}", response={200: ProgramOut, **errors(404)}, summary="One program"
)
def get_program(request: AuthenticatedHttpRequest, program_id: Id) -> Program:
    return selectors.access_program_as_participant(user=request.user, program_id=program_id)


@router.patch(
    "/programs/{program_id}",
    response={200: ProgramOut, **errors(400, 403, 404, 422)},
    summary="Change settings",
)
def update_program(
    request: AuthenticatedHttpRequest, program_id: Id, payload: ProgramIn
) -> Program:
    user = request.user
    program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
    return program_update(actor=user, program=program, **_program_fields(payload))


@router.post(
    "/programs/{program_id}/transition",
    response={200: ProgramOut, **errors(400, 403, 404, 422)},
    summary="Move to another stage (draft → enrolling → matching → active → closed)",
)
def transition_program(
    request: AuthenticatedHttpRequest, program_id: Id, payload: TransitionIn
) -> Program:
    user = request.user
    program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
    return program_transition(
        actor=user, program=program, to=payload.to, confirmation=payload.confirmation
    )


@router.get(
    "/programs/{program_id}/transition/{to}",
    response={200: StagePreviewOut, **errors(400, 403, 404)},
    summary="What moving to another stage would do, and what forbids it (nothing changes)",
)
def preview_transition(request: AuthenticatedHttpRequest, program_id: int, to: str) -> StagePreview:
    user = request.user
    program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
    return stage_preview(program, to)


@router.post(
    "/programs/{program_id}/duplicate",
    response={201: ProgramOut, **errors(403, 404)},
    summary="Copy as a new draft",
)
def duplicate_program(request: AuthenticatedHttpRequest, program_id: Id) -> Status[Program]:
    user = request.user
    program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
    return Status(201, program_duplicate(actor=user, program=program))


@router.get(
    "/programs/{program_id}/questions",
    response={200: list[QuestionOut], **errors(404)},
    summary="The questionnaire",
)
def list_questions(request: AuthenticatedHttpRequest, program_id: Id) -> list[Question]:
    program = selectors.access_program_as_participant(user=request.user, program_id=program_id)
    return list(selectors.questions(program))


@router.post(
    "/programs/{program_id}/questions",
    response={201: QuestionOut, **errors(400, 403, 404, 422)},
    summary="Add a question (drafts only)",
)
def add_question(
    request: AuthenticatedHttpRequest, program_id: Id, payload: QuestionIn
) -> Status[Question]:
    user = request.user
    program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
    fields = payload.dict()
    show_if_key = fields.pop("show_if_key")
    fields["show_if"] = selectors.question_with_key(program, show_if_key) if show_if_key else None
    return Status(201, question_save(actor=user, program=program, **fields))


@router.delete(
    "/programs/{program_id}/questions/{question_id}",
    response={204: None, **errors(400, 403, 404)},
    summary="Delete a question (drafts only)",
)
def delete_question(
    request: AuthenticatedHttpRequest, program_id: Id, question_id: Id
) -> Status[None]:
    user = request.user
    program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
    question = selectors.question_of(program, question_id)
    question_delete(actor=user, question=question)
    return Status(204, None)


class CohortImportOut(Schema):
    applied: bool
    rows: int
    enrolled: list[str] = Field(
        description="Emails of the people enrolled (or to be, in a dry run)"
    )
    kept: list[str] = Field(description="Already enrolled: their own answers were kept")
    columns: dict[str, str] = Field(description="Column header → question key, email or capacity")
    ignored_columns: list[str]


@router.post(
    "/programs/{program_id}/enrolments/import",
    response={200: CohortImportOut, **errors(400, 403, 404, 422)},
    summary="Enrol people with their answers from a spreadsheet (CSV or XLSX), all or nothing",
)
def import_enrolments(
    request: AuthenticatedHttpRequest,
    program_id: int,
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
) -> dict[str, Any]:
    """Coordinators. One row per person (an ``Email`` column) and one column per question (its
    key or wording). Every row is checked by the enrolment form's rules; with any problem nothing
    is written and the response lists each problem's row, column and value."""
    user = request.user
    program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
    data = read_upload(file, size=file.size or 0)
    plan = cohort_import(
        actor=user,
        program=program,
        data=data,
        file_name=file.name or "cohort.csv",
        dry_run=dry_run,
    )
    return _cohort_out(plan, applied=not dry_run)


def _cohort_out(plan: CohortPlan, *, applied: bool) -> dict[str, Any]:
    return {
        "applied": applied,
        "rows": len(plan.rows),
        "enrolled": [r.email for r in plan.to_enrol],
        "kept": [r.email for r in plan.kept],
        "columns": {plan.headers[i]: t for i, t in sorted(plan.columns.items())},
        "ignored_columns": plan.ignored,
    }


@router.get(
    "/programs/{program_id}/enrolments",
    response={200: list[RosterEntry], **errors(404, 422)},
    summary="Enrolment list (coordinators; never private answers)",
)
@paginate(BoundedLimitOffset)
def list_enrolments(
    request: AuthenticatedHttpRequest, program_id: Id, status: str = "active"
) -> list[RosterRow]:
    user = request.user
    program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
    rows = selectors.roster(user=user, program=program, status=status)
    log_action(
        "programs.enrolments_listed",
        actor=user,
        target=program,
        request=request,
        data={"filters": request.GET.urlencode()[:200]},
    )
    return rows


@router.get(
    "/programs/{program_id}/enrolment",
    response={200: EnrolmentOut, **errors(404)},
    summary="My enrolment",
)
def get_my_enrolment(request: AuthenticatedHttpRequest, program_id: Id) -> Enrolment:
    user = request.user
    program = selectors.access_program_as_participant(user=user, program_id=program_id)
    enrolment = selectors.own_enrolment(user=user, program=program)
    if enrolment is None:
        raise NotFound("You are not enrolled in this program.")
    return enrolment


@router.put(
    "/programs/{program_id}/enrolment",
    response={200: EnrolmentOut, **errors(400, 403, 404, 422)},
    summary="Enrol, or change my answers while enrolment is open",
)
def put_my_enrolment(
    request: AuthenticatedHttpRequest, program_id: Id, payload: EnrolmentIn
) -> Enrolment:
    """``answers`` maps question keys to values: skills and departments by name or id, levels as
    numbers, lists as JSON arrays, people as emails (comma-separated or a list)."""
    user = request.user
    program = selectors.access_program_as_participant(user=user, program_id=program_id)
    person = person_for_user(user)
    if person is None:
        raise PermissionDeniedError("Only people in the directory can enrol.")
    form = EnrolmentForm(program, person, _form_data(program, payload))
    if not form.is_valid():
        by_field = {field_name(q): q.key for q in form.questions}
        errors = [
            FieldError(str(message), field=by_field.get(name, name))
            for name, messages in form.errors.items()
            for message in messages
        ]
        raise ApplicationError("Some answers need attention.", errors=errors)
    return enrolment_submit(
        actor=user,
        program=program,
        answers=form.answers(),
        role=form.role(),
        capacity=form.capacity() if payload.capacity is None else payload.capacity,
    )


def _form_data(program: Program, payload: EnrolmentIn) -> dict[str, Any]:
    skills = {name: skill.pk for name, skill in skills_by_name().items()}
    departments = {name: department.pk for name, department in departments_by_name().items()}
    data: dict[str, Any] = {"accept": "on" if payload.accept else ""}
    for question in selectors.questions(program):
        if question.key not in payload.answers:
            continue
        value = payload.answers[question.key]
        if question.kind in (
            QuestionKind.SKILLS_OFFERED,
            QuestionKind.SKILLS_WANTED,
            QuestionKind.INTERESTS,
        ):
            value = [skills.get(str(v).lower(), v) for v in (value or [])]
        elif question.kind == QuestionKind.DEPARTMENT and isinstance(value, str):
            value = departments.get(value.lower(), value)
        elif question.kind in (
            QuestionKind.PREFERRED_PEERS,
            QuestionKind.AVOID_PEERS,
        ) and isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        data[field_name(question)] = value
        if question.kind == QuestionKind.BACKGROUND and question.key in payload.consent:
            data[consent_field_name(question)] = "on"
    return data


@router.delete(
    "/programs/{program_id}/enrolment",
    response={200: EnrolmentOut, **errors(400, 403, 404)},
    summary="Withdraw",
)
def withdraw(request: AuthenticatedHttpRequest, program_id: Id) -> Enrolment:
    user = request.user
    program = selectors.access_program_as_participant(user=user, program_id=program_id)
    enrolment = selectors.own_enrolment(user=user, program=program)
    if enrolment is None:
        raise NotFound("You are not enrolled in this program.")
    return enrolment_withdraw(actor=user, enrolment=enrolment)


class NamedIn(Schema):
    emails: list[Annotated[str, Field(min_length=3, max_length=254)]] = Field(
        min_length=1, max_length=500, description="Work emails of the people to add by name"
    )


class NamedOut(Schema):
    invited: list[str]
    already_invited: list[str]
    already_enrolled: list[str]
    not_interested: list[str] = Field(description="Added, but not emailed: they had declined")
    emailed: int


class NamedInvitationOut(Schema):
    email: str
    name: str
    invited_at: datetime
    emailed_at: datetime | None
    enrolled: bool


@router.post(
    "/programs/{program_id}/invitations",
    response={200: NamedOut, **errors(400, 403, 404, 422)},
    summary="Add people by name: eligible whatever the filters say, and invited to enrol",
)
def add_named_people(
    request: AuthenticatedHttpRequest, program_id: Id, payload: NamedIn
) -> dict[str, Any]:
    """Coordinators, while the program is a draft or enrolling. Unknown emails are refused
    (each listed); people already enrolled or already invited are reported, not invited twice."""
    user = request.user
    program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
    wanted = list(dict.fromkeys(e.strip().lower() for e in payload.emails))
    found = selectors.people_by_email(wanted)
    unknown = [e for e in wanted if e not in found]
    if unknown:
        raise ApplicationError(
            "Nobody was added: some emails are not in the directory.",
            errors=[
                FieldError(f"{e} is not in the directory.", "emails", value=e) for e in unknown
            ],
            status=422,
        )
    result = invite_named_people(actor=user, program=program, people=[found[e] for e in wanted])
    return {
        "invited": [p.user.email for p in result.invited],
        "already_invited": [p.user.email for p in result.already_invited],
        "already_enrolled": [p.user.email for p in result.already_enrolled],
        "not_interested": [p.user.email for p in result.not_interested],
        "emailed": result.emailed,
    }


@router.get(
    "/programs/{program_id}/invitations",
    response={200: list[NamedInvitationOut], **errors(404)},
    summary="People added by name (coordinators)",
)
def list_named_people(request: AuthenticatedHttpRequest, program_id: Id) -> list[dict[str, Any]]:
    user = request.user
    program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
    log_action("programs.named_viewed", actor=user, target=program, request=request)
    return selectors.named_invitation_rows(program)
