"""Cohort import: a coordinator brings people into a program with the answers they already gave
(a survey export), checked row by row by the join page's own form, written all or nothing.

People already enrolled keep their own answers (the row is reported, not applied); private
answers (background, people to avoid) are never imported — each person gives them themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError
from tandem.notify.outbox import enqueue
from tandem.people.importing import parse
from tandem.people.importing.reader import ImportFileError, Table, read_table
from tandem.people.models import Person, PersonStatus
from tandem.programs.emails import enrolment_confirmed_email
from tandem.programs.models import (
    CohortUpload,
    EnrolmentSource,
    EnrolmentStatus,
    Program,
    ProgramStatus,
    Question,
)
from tandem.programs.questionnaire import cells
from tandem.programs.questionnaire.enrolment import CAPACITY_FIELD, EnrolmentForm, field_name
from tandem.programs.services.common import require_coordinator
from tandem.programs.services.enrolment import save_enrolment

IMPORTABLE_STAGES = (ProgramStatus.DRAFT, ProgramStatus.ENROLLING, ProgramStatus.MATCHING)


@dataclass(frozen=True)
class CohortError:
    row: int | None
    column: str
    value: str
    message: str


@dataclass
class CohortRow:
    row: int
    email: str
    person: Person
    form: EnrolmentForm
    already_enrolled: bool


@dataclass
class CohortPlan:
    columns: dict[int, str]  # column index → question key, "email" or "capacity"
    ignored: list[str]
    headers: list[str] = field(default_factory=list)
    rows: list[CohortRow] = field(default_factory=list)
    errors: list[CohortError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def to_enrol(self) -> list[CohortRow]:
        return [r for r in self.rows if not r.already_enrolled]

    @property
    def kept(self) -> list[CohortRow]:
        return [r for r in self.rows if r.already_enrolled]

    def summary(self) -> dict[str, int]:
        return {
            "rows": len(self.rows),
            "enrol": len(self.to_enrol),
            "kept": len(self.kept),
            "errors": len(self.errors),
        }


class CohortRejected(ApplicationError):
    def __init__(self, plan: CohortPlan) -> None:
        count = len(plan.errors)
        super().__init__(
            message=f"Nobody was enrolled: the file has {count} "
            f"{'problem' if count == 1 else 'problems'} to fix first.",
            errors=[
                FieldError(e.message, field=e.column, row=e.row, value=e.value) for e in plan.errors
            ],
        )
        self.plan = plan


def read_cohort_file(data: bytes, file_name: str) -> Table:
    try:
        return read_table(
            data,
            file_name,
            max_bytes=settings.TANDEM_IMPORT_MAX_BYTES,
            max_rows=settings.TANDEM_IMPORT_MAX_ROWS,
        )
    except ImportFileError as exc:
        raise ApplicationError(
            exc.message, errors=[FieldError(exc.message, field="file")]
        ) from None


def plan_cohort(program: Program, table: Table) -> CohortPlan:
    """Map the columns, then check every row with the program's enrolment form."""
    questions = list(program.questions.select_related("show_if"))
    by_key = {q.key: q for q in questions}
    targets = cells.header_targets(questions)
    columns: dict[int, str] = {}
    ignored: list[str] = []
    plan = CohortPlan(columns, ignored, list(table.headers))
    for index, header in enumerate(table.headers):
        target = targets.get(cells.normalise(header))
        if target is None or target == "":
            ignored.append(header)
        elif target in columns.values():
            plan.errors.append(
                CohortError(1, header, header, f"a second column for “{_label(target, by_key)}”")
            )
        else:
            columns[index] = target
    if "email" not in columns.values():
        plan.errors.append(
            CohortError(1, "", "", "no Email column: each row needs the person's work email")
        )
        return plan
    people = {
        p.user.email.lower(): p
        for p in Person.objects.select_related("user").filter(status=PersonStatus.ACTIVE)
    }
    enrolled = set(
        program.enrolments.filter(status=EnrolmentStatus.ACTIVE).values_list("person_id", flat=True)
    )
    context = _Context(program, table, people, enrolled, cells.CellReader(), {}, by_key)
    for row in table.rows:
        if any(c not in (None, "") for c in row.cells):
            _plan_row(plan, context, row.number, row.cells)
    return plan


@dataclass
class _Context:
    program: Program
    table: Table
    people: dict[str, Person]
    enrolled: set[int]
    reader: cells.CellReader
    seen: dict[str, int]
    by_key: dict[str, Question]


def _label(target: str, by_key: dict[str, Question]) -> str:
    return by_key[target].label if target in by_key else target.capitalize()


def _plan_row(plan: CohortPlan, context: _Context, number: int, row_cells: list[Any]) -> None:
    program, table, by_key, seen = context.program, context.table, context.by_key, context.seen
    errors_before = len(plan.errors)

    def problem(index: int | None, message: str) -> None:
        header = table.headers[index] if index is not None else ""
        value = row_cells[index] if index is not None and index < len(row_cells) else ""
        plan.errors.append(CohortError(number, header, str(value or "")[:200], message))

    email_index = next(i for i, t in plan.columns.items() if t == "email")
    raw_email = row_cells[email_index] if email_index < len(row_cells) else None
    try:
        email = parse.email(raw_email)
    except parse.CellError as exc:
        problem(email_index, f"the email {exc.message}")
        return
    person = context.people.get(email)
    if person is None:
        problem(email_index, "nobody with this email is in the directory (or they have left)")
        return
    if email in seen:
        problem(email_index, f"this person is already on row {seen[email]}")
        return
    seen[email] = number
    data: dict[str, Any] = {"accept": "on"}
    for column, target in plan.columns.items():
        value = row_cells[column] if column < len(row_cells) else None
        try:
            if target == "capacity":
                chosen = cells.capacity(value, program.capacity_cap)
                if chosen is not None:
                    data[CAPACITY_FIELD] = str(chosen)
            elif target != "email":
                data.update(context.reader.form_values(by_key[target], value))
        except cells.CellProblem as exc:
            problem(column, exc.message)
    if len(plan.errors) > errors_before:
        return
    form = EnrolmentForm(program, person, data)
    if not form.is_valid():
        column_of = {field_name(by_key[t]): i for i, t in plan.columns.items() if t in by_key}
        column_of[CAPACITY_FIELD] = next(
            (i for i, t in plan.columns.items() if t == "capacity"), email_index
        )
        for name, messages in form.errors.items():
            for message in messages:
                index = column_of.get(name)
                question = next((q for q in by_key.values() if field_name(q) == name), None)
                text = str(message).rstrip(".")
                if index is None and question is not None:
                    text = f"“{question.label}”: {text} (the file has no column for it)"
                problem(index, text)
        return
    plan.rows.append(CohortRow(number, email, person, form, person.pk in context.enrolled))


def _require_importable(actor: User, program: Program) -> None:
    require_coordinator(actor, program)
    if program.status not in IMPORTABLE_STAGES:
        raise ApplicationError(
            "People can be brought in with their answers until matching is done; this program "
            f"is {program.get_status_display().lower()}."
        )


@transaction.atomic
def cohort_upload(*, actor: User, program: Program, data: bytes, file_name: str) -> CohortUpload:
    """Keep an uploaded file for its preview (nothing is enrolled yet)."""
    _require_importable(actor, program)
    read_cohort_file(data, file_name)
    CohortUpload.objects.filter(program=program, created_by=actor, applied_at__isnull=True).delete()
    return CohortUpload.objects.create(
        program=program, created_by=actor, file_name=file_name[:255], content=data
    )


def cohort_preview(upload: CohortUpload) -> tuple[Table, CohortPlan]:
    table = read_cohort_file(bytes(upload.content), upload.file_name)
    return table, plan_cohort(upload.program, table)


@transaction.atomic
def cohort_import(
    *,
    actor: User,
    program: Program,
    data: bytes,
    file_name: str,
    dry_run: bool = False,
    upload: CohortUpload | None = None,
) -> CohortPlan:
    """Check every row; with any problem nothing is written (``CohortRejected`` lists them all)."""
    _require_importable(actor, program)
    program = Program.objects.select_for_update().get(pk=program.pk)
    plan = plan_cohort(program, read_cohort_file(data, file_name))
    if not plan.ok:
        raise CohortRejected(plan)
    if not plan.rows:
        raise ApplicationError("The file lists nobody to enrol.")
    if dry_run:
        return plan
    now = timezone.now()
    emails = []
    for row in plan.to_enrol:
        enrolment, _ = save_enrolment(
            program=program,
            person=row.person,
            answers=row.form.answers(),
            role=row.form.role(),
            capacity=row.form.capacity(),
            now=now,
            accepted=False,
            source=EnrolmentSource.IMPORT,
        )
        emails.append(enrolment_confirmed_email(enrolment=enrolment, user=row.person.user, at=now))
    enqueue(emails)
    if upload is not None:
        CohortUpload.objects.filter(pk=upload.pk).update(applied_at=now, content=b"")
    log_action(
        "enrolment.cohort_imported",
        actor=actor,
        target=program,
        data={"file": file_name[:100], **plan.summary()},
    )
    return plan
