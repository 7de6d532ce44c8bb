"""Load matches made elsewhere — the output of ``tandem match``, or any spreadsheet with one group
per row — into a program as a run to review, adjust and publish like any other.

Each row is a group: its members are the ``members`` column (emails separated by ``;``), or else
every email address in the row. Rows whose ``status`` says "unmatched" are skipped, as ``tandem
match`` writes them. Everything is checked before anything is written (people enrolled and in the
pool, nobody twice, group sizes and roles the program allows) and every problem is reported with
its row; then the run is scored with the program's current criteria so the review screen explains
each group as it does for the engine's own runs.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError
from tandem.core.words import plural
from tandem.matches.models import (
    MatchRun,
    Proposal,
    ProposalMember,
    RunPurpose,
    RunStatus,
    UnmatchedPerson,
)
from tandem.matches.selectors import live_match_counts
from tandem.matches.services.common import require_coordinator, rules_snapshot
from tandem.matches.services.criteria import current_criteria
from tandem.matches.services.review import PRIVATE_PREFERENCE_REFUSAL, problem_for_scoring
from tandem.matching import score_group
from tandem.matching.scoring import PRIVATE_PREFERENCE
from tandem.people.importing.reader import ImportFileError, Row, Table, read_table
from tandem.programs.models import (
    Enrolment,
    EnrolmentRole,
    EnrolmentStatus,
    Program,
    ProgramKind,
    ProgramStatus,
)

_EMAIL = re.compile(r"[^\s;,|<>\"'()]+@[^\s;,|<>\"'()]+\.[^\s;,|<>\"'()]+")
SKIPPED_STATUSES = {"unmatched", "not matched", "not_matched", "not-matched"}
NOT_IN_FILE = "Not in the imported file; match them by hand or in a later run."
MAX_ERRORS = 50


@dataclass(frozen=True)
class ImportedGroup:
    row: int
    enrolments: tuple[Enrolment, ...]


def run_import_pairs(
    *, actor: User | None, program: Program, file_name: str, data: bytes
) -> MatchRun:
    """Create a finished run from a pairs file, all or nothing. Raises ``ApplicationError``
    listing every problem by row."""
    require_coordinator(actor, program)
    try:
        table = read_table(
            data,
            file_name,
            max_bytes=settings.TANDEM_IMPORT_MAX_BYTES,
            max_rows=settings.TANDEM_IMPORT_MAX_ROWS,
        )
    except ImportFileError as exc:
        raise ApplicationError(exc.message, errors=[FieldError(exc.message, field="file")]) from exc
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=program.pk)
        if program.status not in (ProgramStatus.MATCHING, ProgramStatus.ACTIVE):
            raise ApplicationError(
                "Close enrolment first: matches are loaded into the final list of people."
            )
        groups = _groups(program, table)
        return _store(actor, program, file_name, groups)


def _member_columns(table: Table) -> tuple[int | None, int | None]:
    headers = [h.strip().lower() for h in table.headers]
    members = headers.index("members") if "members" in headers else None
    status = headers.index("status") if "status" in headers else None
    return members, status


def _groups(program: Program, table: Table) -> list[ImportedGroup]:
    members_column, status_column = _member_columns(table)
    enrolments = {
        e.person.user.email.lower(): e
        for e in Enrolment.objects.filter(program=program).select_related("person__user")
    }
    live = live_match_counts(program)
    errors: list[FieldError] = []
    groups: list[ImportedGroup] = []
    first_row: dict[str, int] = {}
    rows = table.rows
    if any(_EMAIL.search(h) for h in table.headers):  # no header row: the first row is a group
        rows = [Row(1, list(table.headers)), *rows]
    for row in rows:
        cells = ["" if c is None else str(c).strip() for c in row.cells]
        if not any(cells):
            continue
        status = cells[status_column].lower() if status_column is not None else ""
        if status in SKIPPED_STATUSES:
            continue
        source = (
            [cells[members_column]] if members_column is not None else cells
        )  # "members" holds the group; otherwise every email in the row counts
        emails = list(dict.fromkeys(m.lower() for c in source for m in _EMAIL.findall(c)))
        problems = _row_problems(program, emails, enrolments, live, first_row, row.number)
        if problems:
            errors += problems
            continue
        for email in emails:
            first_row[email] = row.number
        groups.append(ImportedGroup(row.number, tuple(enrolments[e] for e in emails)))
    if not errors and not groups:
        errors.append(
            FieldError("The file has no groups: each row should name two people or more.")
        )
    if errors:
        shown = errors[:MAX_ERRORS]
        more = len(errors) - len(shown)
        raise ApplicationError(
            f"Nothing was loaded: {plural(len(errors), 'problem')} to fix"
            + (f" (the first {MAX_ERRORS} are listed)" if more else "")
            + ".",
            errors=shown,
        )
    _check_roles(program, groups)
    return groups


def _row_problems(
    program: Program,
    emails: list[str],
    enrolments: dict[str, Enrolment],
    live: dict[int, int],
    first_row: dict[str, int],
    row: int,
) -> list[FieldError]:
    def problem(message: str, value: str | None = None) -> FieldError:
        return FieldError(message, field="members", row=row, value=value)

    if len(emails) < 2:
        found = emails[0] if emails else "none"
        return [problem(f"A group needs two people or more; this row names {found}.")]
    largest = _largest_group(program)
    if len(emails) > largest:
        return [problem(f"{len(emails)} people in one group; this program allows {largest}.")]
    problems = []
    for email in emails:
        enrolment = enrolments.get(email)
        if email in first_row:
            problems.append(
                problem(f"{email} is already in the group of row {first_row[email]}.", email)
            )
        elif enrolment is None:
            problems.append(problem(f"{email} is not enrolled in this program.", email))
        elif enrolment.status != EnrolmentStatus.ACTIVE:
            state = enrolment.get_status_display().lower()
            problems.append(problem(f"{email} is not taking part ({state}).", email))
        elif live.get(enrolment.person_id, 0) >= enrolment.capacity:
            problems.append(
                problem(f"{email} already has as many live matches as they can take.", email)
            )
    return problems


def _largest_group(program: Program) -> int:
    if program.kind == ProgramKind.CIRCLES:
        return max(program.group_size + 1, 3)
    if program.kind == ProgramKind.MENTOR_MENTEE:
        return 2
    return 3 if program.allow_trio else 2


def _check_roles(program: Program, groups: list[ImportedGroup]) -> None:
    if program.kind != ProgramKind.MENTOR_MENTEE:
        return
    errors = []
    for group in groups:
        roles = sorted(e.role for e in group.enrolments)
        if roles != sorted([EnrolmentRole.MENTEE, EnrolmentRole.MENTOR]):
            errors.append(
                FieldError(
                    "A mentoring pair needs one mentor and one mentee; this row has "
                    + " and ".join(e.get_role_display().lower() for e in group.enrolments)
                    + ".",
                    field="members",
                    row=group.row,
                )
            )
    if errors:
        raise ApplicationError("Nothing was loaded: the roles do not fit.", errors=errors)


def _store(
    actor: User | None, program: Program, file_name: str, groups: list[ImportedGroup]
) -> MatchRun:
    criteria = current_criteria(program)
    in_pool = list(
        Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE).values_list(
            "person_id", flat=True
        )
    )
    run = MatchRun.objects.create(
        program=program,
        criteria=criteria,
        purpose=RunPurpose.REMATCH if live_match_counts(program) else RunPurpose.MATCH,
        label=f"Loaded from {file_name}"[:60],
        status=RunStatus.DONE,
        progress=1,
        phase="done",
        created_by=actor,
        participants=len(in_pool),
        rules=rules_snapshot(program),
        started_at=timezone.now(),
    )
    problem = problem_for_scoring(run)
    live = live_match_counts(program)
    total = 0.0
    placed: set[int] = set()
    for group in groups:
        ids = [str(e.person_id) for e in group.enrolments]
        evaluation = score_group(problem, ids)
        if any(PRIVATE_PREFERENCE in v for v in evaluation.violations):
            raise ApplicationError(
                "Nothing was loaded: a group breaks a private preference.",
                errors=[FieldError(PRIVATE_PREFERENCE_REFUSAL, field="members", row=group.row)],
            )
        total += evaluation.score
        proposal = Proposal.objects.create(
            run=run,
            score=round(evaluation.score, 4),
            min_pair_score=round(
                min((s for _, _, s in evaluation.pair_scores), default=evaluation.score), 4
            ),
            explanation=list(evaluation.explanation)
            + [f"Warning: {v}" for v in evaluation.violations],
            factors=[asdict(f) for f in evaluation.factors],
        )
        ProposalMember.objects.bulk_create(
            ProposalMember(
                proposal=proposal,
                person_id=e.person_id,
                role=e.role,
                explanation=list(evaluation.per_member.get(str(e.person_id), [])),
            )
            for e in group.enrolments
        )
        placed.update(e.person_id for e in group.enrolments)
    UnmatchedPerson.objects.bulk_create(
        UnmatchedPerson(run=run, person_id=pid, reason=NOT_IN_FILE)
        for pid in in_pool
        if pid not in placed and pid not in live
    )
    run.stats = {
        "solver": f"loaded from {file_name}"[:120],
        "imported_from": file_name[:120],
        "objective": round(total, 4),
        "matched": len(placed),
        "groups": len(groups),
        "gap": None,
        "certified_optimal": False,
    }
    run.notes = [
        f"Loaded from {file_name}: {plural(len(groups), 'group')}, "
        "scored with this program's current criteria."
    ]
    run.finished_at = timezone.now()
    run.save(update_fields=["stats", "notes", "finished_at"])
    log_action(
        "matching.run_imported",
        actor=actor,
        target=program,
        data={"run": run.pk, "file": file_name[:120], "groups": len(groups)},
    )
    return run
