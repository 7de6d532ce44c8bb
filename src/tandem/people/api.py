import json
from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError, NotFound
from tandem.core.pagination import BoundedLimitOffset
from tandem.core.schemas import LONG_TEXT, Id, Label, LocalTime, PatchIn, errors
from tandem.people import selectors, services
from tandem.people.importing import parse
from tandem.people.importing.fields import override_mapping
from tandem.people.models import ImportBatch, Person, Skill
from tandem.people.services import ImportOutcome

router = Router(tags=["people"])


class PersonOut(Schema):
    id: int
    name: str
    email: str
    employee_id: str
    department: str | None
    team: str
    manager_id: int | None
    job_title: str
    level: int | None
    location: str
    timezone: str
    languages: list[str]
    hire_date: date | None
    status: str
    left_on: date | None

    @staticmethod
    def resolve_name(obj: Person) -> str:
        return obj.user.name

    @staticmethod
    def resolve_email(obj: Person) -> str:
        return obj.user.email

    @staticmethod
    def resolve_department(obj: Person) -> str | None:
        return obj.department.name if obj.department else None


class ProfileOut(PersonOut):
    work_start: LocalTime
    work_end: LocalTime
    skills: list[str]
    learning: list[str]
    goals: str

    @staticmethod
    def resolve_skills(obj: Person) -> list[str]:
        return [s.name for s in obj.skills.all()]

    @staticmethod
    def resolve_learning(obj: Person) -> list[str]:
        return [s.name for s in obj.learning.all()]


class ProfileIn(PatchIn):
    """What to change: a key left out keeps its value; ``null`` is never a value."""

    timezone: str | None = Field(None, max_length=64)
    languages: list[Annotated[str, Field(max_length=20)]] | None = Field(None, max_length=50)
    work_start: LocalTime | None = Field(None)
    work_end: LocalTime | None = Field(None)
    skills: list[Label] | None = Field(None, max_length=100)
    learning: list[Label] | None = Field(None, max_length=100)
    goals: str | None = Field(None, max_length=LONG_TEXT)


class DirectoryFilter(Schema):
    q: str = Field("", max_length=200)
    department_id: Id | None = None
    level: int | None = Field(None, ge=0, le=100)
    status: str = Field("active", max_length=20)


class ImportBatchOut(Schema):
    id: int
    file_name: str
    created_at: datetime
    source: str
    status: str
    row_count: int
    full_export: bool
    summary: dict[str, int]


class ImportResultOut(Schema):
    applied: bool
    batch_id: int | None
    summary: dict[str, int]

    @staticmethod
    def resolve_batch_id(obj: ImportOutcome) -> int | None:
        return obj.batch.pk if obj.batch else None

    @staticmethod
    def resolve_summary(obj: ImportOutcome) -> dict[str, int]:
        return obj.plan.summary()


@router.get(
    "/people",
    response={200: list[PersonOut], **errors(403, 422)},
    summary="List people in the directory",
)
@paginate(BoundedLimitOffset)
def list_people(request: AuthenticatedHttpRequest, filters: Query[DirectoryFilter]) -> object:
    """Coordinators and admins only; every call is audited with the filter used."""
    log_action(
        "people.directory_listed",
        actor=request.user,
        request=request,
        data={"filters": request.GET.urlencode()[:200]},
    )
    return selectors.directory(
        viewer=request.user,
        search=filters.q,
        department_id=filters.department_id,
        level=filters.level,
        status=filters.status,
    )


@router.get("/people/{person_id}", response={200: PersonOut, **errors(404)}, summary="One person")
def get_person(request: AuthenticatedHttpRequest, person_id: Id) -> Person:
    person = selectors.access_person(viewer=request.user, person_id=person_id)
    if person.user_id != request.user.pk:
        log_action("people.person_viewed", actor=request.user, target=person, request=request)
    return person


def _my_person(request: AuthenticatedHttpRequest) -> Person:
    person = selectors.person_for_user(request.user)
    if person is None:
        raise NotFound("Your account has no directory profile.")
    return person


@router.get("/me", response={200: ProfileOut, **errors(404)}, summary="My profile")
def get_me(request: AuthenticatedHttpRequest) -> Person:
    return _my_person(request)


@router.patch(
    "/me",
    response={200: ProfileOut, **errors(403, 404, 422)},
    summary="Update my mentoring profile",
)
def update_me(request: AuthenticatedHttpRequest, payload: ProfileIn) -> Person:
    person = _my_person(request)
    problems: list[FieldError] = []
    timezone_name = person.timezone
    if payload.timezone is not None:
        try:
            timezone_name = parse.timezone_name(payload.timezone) or "UTC"
        except parse.CellError as exc:
            problems.append(
                FieldError(f"Time zone {exc.message}.", field="timezone", value=payload.timezone)
            )
    languages = person.languages
    if payload.languages is not None:
        try:
            languages = parse.languages(";".join(payload.languages))
        except parse.CellError as exc:
            problems.append(FieldError(f"This list {exc.message}.", field="languages"))
    skills = (
        _skills(payload.skills, "skills", problems)
        if payload.skills is not None
        else list(person.skills.all())
    )
    learning = (
        _skills(payload.learning, "learning", problems)
        if payload.learning is not None
        else list(person.learning.all())
    )
    if problems:
        raise ApplicationError("Some fields need attention.", errors=problems)
    return services.profile_update(
        actor=request.user,
        person=person,
        timezone_name=timezone_name,
        languages=languages,
        work_start=person.work_start if payload.work_start is None else payload.work_start,
        work_end=person.work_end if payload.work_end is None else payload.work_end,
        skills=skills,
        learning=learning,
        goals=person.goals if payload.goals is None else payload.goals,
    )


def _skills(names: list[str], field: str, problems: list[FieldError]) -> list[Skill]:
    found = selectors.skills_by_name()
    result: list[Skill] = []
    for name in names:
        skill = found.get(name.strip().lower())
        if skill is None:
            problems.append(
                FieldError(f"“{name}” is not in the skills vocabulary.", field=field, value=name)
            )
        elif skill not in result:
            result.append(skill)
    return result


@router.post(
    "/imports",
    response={200: ImportResultOut, **errors(400, 403, 422)},
    summary="Import people from an HR file (CSV or XLSX)",
)
def create_import(
    request: AuthenticatedHttpRequest,
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
    full_export: Form[bool] = False,
    send_invitations: Form[bool] = False,
    mapping: Form[str] = "",
    confirm_leavers: Form[int | None] = None,
) -> ImportOutcome:
    """Admins only. Every row is validated first; with any error nothing is written and the
    response lists each error's row, column and value. ``mapping`` optionally maps field names to
    column headers as JSON, e.g. ``{"email": "Work Email"}``; otherwise it is detected."""
    viewer = request.user
    if not viewer.is_admin:
        raise PermissionDenied
    data = services.read_upload(file, size=file.size or 0)
    column_mapping = (
        _parse_mapping(mapping, services.parse_file(data, file.name or "upload.csv").headers)
        if mapping
        else None
    )
    return services.import_people(
        data=data,
        file_name=file.name or "upload.csv",
        actor=viewer,
        mapping=column_mapping,
        full_export=full_export,
        dry_run=dry_run,
        send_invitations=send_invitations,
        source="api",
        confirm_leavers=confirm_leavers,
    )


def _parse_mapping(raw: str, headers: list[str]) -> dict[str, int]:
    try:
        given = json.loads(raw)
        if not isinstance(given, dict):
            raise ValueError
    except ValueError:
        raise ApplicationError(
            "mapping must be a JSON object of field name to column header.",
            errors=[FieldError("must be a JSON object", field="mapping")],
        ) from None
    mapping, problems = override_mapping(headers, {str(k): str(v) for k, v in given.items()})
    if problems:
        raise ApplicationError(
            "The mapping does not fit the file.",
            errors=[FieldError(p, field="mapping") for p in problems],
        )
    return mapping


@router.get(
    "/imports",
    response={200: list[ImportBatchOut], **errors(403, 422)},
    summary="Recent imports",
)
@paginate(BoundedLimitOffset)
def list_imports(request: AuthenticatedHttpRequest) -> object:
    batches = selectors.import_batches(viewer=request.user)
    log_action("people.imports_listed", actor=request.user, request=request)
    return batches


@router.get(
    "/imports/{batch_id}", response={200: ImportBatchOut, **errors(404)}, summary="One import"
)
def get_import(request: AuthenticatedHttpRequest, batch_id: Id) -> ImportBatch:
    batch = selectors.access_import_batch(viewer=request.user, batch_id=batch_id)
    log_action("people.import_viewed", actor=request.user, target=batch, request=request)
    return batch
