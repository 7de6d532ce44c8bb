"""People use cases: HR import (one service behind the UI, the API and the CLI) and profiles."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection, transaction
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.crypto import get_random_string

from tandem.accounts.models import Role, User
from tandem.accounts.services import invitations_send, users_deactivate
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError, PermissionDeniedError
from tandem.people.importing.fields import Mapping, detect_mapping
from tandem.people.importing.plan import (
    ExistingPerson,
    ImportPlan,
    PersonRecord,
    RowError,
    build_plan,
)
from tandem.people.importing.reader import (
    Cell,
    ImportFileError,
    Row,
    Table,
    check_size,
    read_table,
)
from tandem.people.models import (
    Department,
    ImportBatch,
    ImportStatus,
    Person,
    PersonStatus,
    Skill,
)
from tandem.people.selectors import existing_directory
from tandem.people.signals import people_left

PERSON_FIELDS = (
    "employee_id",
    "team",
    "job_title",
    "level",
    "location",
    "timezone",
    "languages",
    "hire_date",
    "status",
    "left_on",
)


class ImportRejected(ApplicationError):
    """The file has errors; nothing was written."""

    def __init__(self, plan: ImportPlan) -> None:
        count = len(plan.errors)
        noun = "problem" if count == 1 else "problems"
        super().__init__(
            message=f"Nothing was imported: the file has {count} {noun} to fix first.",
            errors=[
                FieldError(e.message, field=e.column, row=e.row, value=e.value) for e in plan.errors
            ],
        )
        self.plan = plan


def _require_admin(actor: Any) -> None:
    if actor is not None and not getattr(actor, "is_admin", False):
        raise PermissionDeniedError("Only admins can import people.")


def read_upload(upload: IO[bytes], *, size: int) -> bytes:
    """Read an uploaded file after checking its declared size, so an oversize file is never read."""
    try:
        check_size(size, max_bytes=settings.TANDEM_IMPORT_MAX_BYTES)
    except ImportFileError as exc:
        raise ApplicationError(
            exc.message, errors=[FieldError(exc.message, field="file")]
        ) from None
    return upload.read(settings.TANDEM_IMPORT_MAX_BYTES + 1)


def parse_file(data: bytes, file_name: str) -> Table:
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


def plan_import(
    table: Table, mapping: Mapping, *, full_export: bool, actor: User | None = None
) -> ImportPlan:
    return build_plan(
        table,
        mapping,
        existing_directory(),
        full_export=full_export,
        today=timezone.localdate(),
        keep_user_ids=frozenset([actor.pk]) if actor is not None else frozenset(),
    )


# --- the web flow: upload, preview with a mapping, apply ----------------------------------------


@transaction.atomic
def import_upload(*, actor: User, data: bytes, file_name: str, source: str = "web") -> ImportBatch:
    _require_admin(actor)
    table = parse_file(data, file_name)
    batch = ImportBatch.objects.create(
        created_by=actor,
        source=source,
        file_name=file_name[:255],
        file_size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        mapping=detect_mapping(table.headers),
        row_count=len(table.rows),
    )
    log_action("people.import_uploaded", actor=actor, target=batch, data={"rows": len(table.rows)})
    return batch


def batch_table(batch: ImportBatch) -> Table:
    if batch.status != ImportStatus.UPLOADED or batch.content is None:
        raise ApplicationError(
            "This import was already applied or discarded; upload the file again."
        )
    return parse_file(bytes(batch.content), batch.file_name)


def import_plan(
    *,
    batch: ImportBatch,
    actor: User | None = None,
    mapping: Mapping | None = None,
    full_export: bool | None = None,
) -> tuple[Table, ImportPlan]:
    """What applying the batch would do, with the stored or the given mapping — saving nothing
    (the preview page's GET, and the page shown again when an import is refused)."""
    table = batch_table(batch)
    plan = plan_import(
        table,
        batch.mapping if mapping is None else mapping,
        full_export=batch.full_export if full_export is None else full_export,
        actor=actor,
    )
    return table, plan


def import_preview(
    *,
    batch: ImportBatch,
    actor: User | None = None,
    mapping: Mapping | None = None,
    full_export: bool | None = None,
) -> tuple[Table, ImportPlan]:
    """Plan the import with a new mapping and keep the mapping (and the error count) on the
    batch, so the next preview and the apply start from it."""
    table = batch_table(batch)
    if mapping is not None:
        batch.mapping = mapping
    if full_export is not None:
        batch.full_export = full_export
    plan = plan_import(table, batch.mapping, full_export=batch.full_export, actor=actor)
    batch.error_count = len(plan.errors)
    ImportBatch.objects.filter(pk=batch.pk).update(
        mapping=batch.mapping, full_export=batch.full_export, error_count=batch.error_count
    )
    return table, plan


LEAVER_CONFIRMATION_FROM = 10
"""Marking this many people as left (a full export) needs their number typed to confirm."""


def _require_leavers_confirmed(plan: ImportPlan, confirm_leavers: int | None) -> None:
    leaving = len(plan.to_leave)
    if leaving < LEAVER_CONFIRMATION_FROM or confirm_leavers == leaving:
        return
    raise ApplicationError(
        f"This import marks {leaving} people as left: they lose access at once and their "
        f"matches end. Type {leaving} to confirm.",
        errors=[
            FieldError(
                f"Type {leaving} to confirm that {leaving} people are marked as left.",
                field="confirm_leavers",
                value="" if confirm_leavers is None else str(confirm_leavers),
            )
        ],
    )


@transaction.atomic
def import_apply(
    *,
    actor: User | None,
    batch: ImportBatch,
    mapping: Mapping | None = None,
    full_export: bool | None = None,
    send_invitations: bool = False,
    confirm_leavers: int | None = None,
) -> ImportPlan:
    """Validate every row again inside the transaction, then write everything or nothing."""
    _require_admin(actor)
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status != ImportStatus.UPLOADED:
        raise ApplicationError("This import was already applied or discarded.")
    table = batch_table(locked)
    locked.mapping = batch.mapping if mapping is None else mapping
    locked.full_export = batch.full_export if full_export is None else full_export
    locked.send_invitations = send_invitations
    plan = plan_import(table, locked.mapping, full_export=locked.full_export, actor=actor)
    if not plan.ok:
        raise ImportRejected(plan)
    _require_leavers_confirmed(plan, confirm_leavers)
    _write(plan, actor=actor, batch=locked, send_invitations=send_invitations)
    for key, value in vars(locked).items():
        if not key.startswith("_"):
            setattr(batch, key, value)
    return plan


@transaction.atomic
def import_discard(*, actor: User, batch: ImportBatch) -> None:
    _require_admin(actor)
    updated = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.UPLOADED).update(
        status=ImportStatus.DISCARDED, content=None
    )
    if updated:
        log_action("people.import_discarded", actor=actor, target=batch)


# --- one call: the CLI and the API -------------------------------------------------------------


@dataclass
class ImportOutcome:
    plan: ImportPlan
    batch: ImportBatch | None
    applied: bool


def import_people(
    *,
    data: bytes,
    file_name: str,
    actor: User | None,
    mapping: Mapping | None = None,
    full_export: bool = False,
    dry_run: bool = False,
    send_invitations: bool = False,
    source: str = "cli",
    confirm_leavers: int | None = None,
) -> ImportOutcome:
    """Read, validate and (unless ``dry_run``) apply an HR file in one go.

    Raises ``ApplicationError`` for a file that cannot be read and ``ImportRejected`` (with every
    row error) when any row is wrong; in both cases nothing is written.
    """
    _require_admin(actor)
    table = parse_file(data, file_name)
    mapping = detect_mapping(table.headers) if mapping is None else mapping
    if dry_run:
        plan = plan_import(table, mapping, full_export=full_export, actor=actor)
        if not plan.ok:
            raise ImportRejected(plan)
        return ImportOutcome(plan, None, applied=False)
    with transaction.atomic():
        plan = plan_import(table, mapping, full_export=full_export, actor=actor)
        if not plan.ok:
            raise ImportRejected(plan)
        _require_leavers_confirmed(plan, confirm_leavers)
        batch = ImportBatch.objects.create(
            created_by=actor,
            source=source,
            file_name=file_name[:255],
            file_size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            mapping=mapping,
            full_export=full_export,
            send_invitations=send_invitations,
            row_count=len(table.rows),
        )
        _write(plan, actor=actor, batch=batch, send_invitations=send_invitations)
    return ImportOutcome(plan, batch, applied=True)


# --- writing a validated plan ------------------------------------------------------------------


def _write(
    plan: ImportPlan, *, actor: User | None, batch: ImportBatch, send_invitations: bool
) -> None:
    new_users = _write_people(
        plan,
        actor=actor,
        batch=batch,
        reason=f"HR import {batch.pk}",
        want_users=send_invitations,
    )
    invited = 0
    if send_invitations:
        invited = invitations_send(users=[u for u in new_users if u.is_active], invited_by=actor)
    summary = {**plan.summary(), "invited": invited}
    batch.status = ImportStatus.APPLIED
    batch.applied_at = timezone.now()
    batch.summary = summary
    batch.error_count = 0
    batch.content = None
    batch.save()
    log_action("people.import_applied", actor=actor, target=batch, data=summary)


def _write_people(
    plan: ImportPlan,
    *,
    actor: User | None,
    batch: ImportBatch | None,
    reason: str,
    directory: dict[str, ExistingPerson] | None = None,
    want_users: bool = True,
) -> list[User]:
    """Write a validated plan: new people, changed fields, leavers and people who came back.
    Returns the new accounts (on PostgreSQL only when ``want_users``: loading them is not free).

    The one writer behind the HR import and one-person changes (SCIM, SSO sign-in); a caller
    that already holds the (narrowed) directory snapshot passes it as ``directory``.
    """
    department_ids = _department_ids(
        {r.values["department"] for r in plan.records if r.values.get("department")}
    )
    snapshot = existing_directory() if directory is None else directory
    person_ids = {email: p.person_id for email, p in snapshot.items()}
    new_users = _create_people(plan.creates, department_ids, person_ids, batch, want_users)
    _update_people(plan, department_ids, person_ids, batch)

    left_by_status = [
        u.existing.person_id
        for u in plan.updates
        if "status" in u.changed and u.record.values["status"] == PersonStatus.LEFT
    ]
    mark_left(
        person_ids=[p.person_id for p in plan.to_leave] + left_by_status,
        actor=actor,
        reason=reason,
    )
    reactivated = [
        u.existing.user_id
        for u in plan.updates
        if "status" in u.changed and u.record.values["status"] == PersonStatus.ACTIVE
    ]
    User.objects.filter(pk__in=reactivated).update(is_active=True)
    return new_users


# --- one person at a time: SCIM provisioning and SSO sign-in -----------------------------------


@dataclass(frozen=True)
class DirectoryValue:
    """One value for one person: ``key`` is an HR import field (``importing.fields``), ``label``
    how the caller names it in error messages (an HR column, a SCIM attribute)."""

    key: str
    label: str
    value: Cell


@dataclass
class SyncOutcome:
    person: Person
    created: bool
    changed: list[str]


@transaction.atomic
def person_sync(
    *, values: Sequence[DirectoryValue], actor: User | None, reason: str
) -> SyncOutcome:
    """Create or update one person with the HR import's validation and writer.

    The values go through the same row reader as a file (formula cells, emails, levels, time
    zones, languages, dates, status, managers that must exist and must not form a cycle), so SCIM
    and SSO cannot put into the directory anything an HR file could not. ``status`` left is the
    leaver path (``mark_left``). Raises ``ApplicationError`` listing every problem; nothing is
    written then.
    """
    table = Table(
        headers=[v.label for v in values],
        rows=[Row(number=1, cells=[v.value for v in values])],
        description=reason,
    )
    mapping = {v.key: index for index, v in enumerate(values)}
    emails = {
        str(v.value).strip().lower()
        for v in values
        if v.key in ("email", "manager_email") and isinstance(v.value, str) and v.value.strip()
    }
    directory = existing_directory(emails)
    plan = build_plan(table, mapping, directory, full_export=False, today=timezone.localdate())
    if not plan.ok:
        raise ApplicationError(
            "; ".join(_value_error(e) for e in plan.errors),
            errors=[FieldError(e.message, field=e.column, value=e.value) for e in plan.errors],
        )
    _write_people(plan, actor=actor, batch=None, reason=reason, directory=directory)
    record = plan.records[0]
    person = Person.objects.select_related("user", "department", "manager__user").get(
        user__email=record.email
    )
    created = bool(plan.creates)
    changed = [] if created else [c for u in plan.updates for c in u.changed]
    if created or changed:
        log_action(
            "people.person_created" if created else "people.person_updated",
            actor=actor,
            target=person,
            data={"reason": reason, "changed": changed},
        )
    return SyncOutcome(person, created, changed)


def _value_error(error: RowError) -> str:
    return f"{error.column}: {error.message}" if error.column else error.message


def mark_left(*, person_ids: Sequence[int], actor: User | None, reason: str) -> None:
    """The one leaver path (HR import, SCIM, an admin): status left, signed out everywhere.

    Runs inside the caller's transaction and announces ``people_left`` so the apps above end
    what the person was part of in the same transaction.
    """
    if not person_ids:
        return
    today = timezone.localdate()
    Person.objects.filter(pk__in=person_ids).exclude(status=PersonStatus.LEFT).update(
        status=PersonStatus.LEFT, left_on=today
    )
    user_ids = list(Person.objects.filter(pk__in=person_ids).values_list("user_id", flat=True))
    users_deactivate(user_ids=user_ids, actor=actor, reason=reason)
    people_left.send(sender=Person, person_ids=list(person_ids), actor=actor, reason=reason)


def _department_ids(names: set[str]) -> dict[str, int]:
    existing = dict(Department.objects.filter(name__in=names).values_list("name", "id"))
    missing = [Department(name=n) for n in sorted(names - existing.keys())]
    Department.objects.bulk_create(missing, batch_size=1000)
    return {**existing, **{d.name: d.pk for d in missing}}


def _create_people(
    records: Sequence[PersonRecord],
    department_ids: dict[str, int],
    person_ids: dict[str, int],
    batch: ImportBatch | None,
    want_users: bool = True,
) -> list[User]:
    if not records:
        return []
    if connection.vendor == "postgresql":
        return _create_people_copy(records, department_ids, person_ids, batch, want_users)
    unusable = UNUSABLE_PASSWORD_PREFIX + get_random_string(40)
    # Accounts that exist without a directory entry (an admin created before the first import)
    # are linked, not duplicated.
    accounts = {u.email: u for u in User.objects.filter(email__in=[r.email for r in records])}
    users = [
        User(
            email=r.email,
            name=r.values["name"],
            password=unusable,
            role=Role.PARTICIPANT,
            is_active=r.values.get("status", PersonStatus.ACTIVE) == PersonStatus.ACTIVE,
        )
        for r in records
        if r.email not in accounts
    ]
    User.objects.bulk_create(users, batch_size=2000)
    user_by_email = {**accounts, **{u.email: u for u in users}}
    now = timezone.now()
    for layer in _manager_layers(records, person_ids):
        people = [
            Person(
                user=user_by_email[r.email],
                department_id=department_ids.get(r.values.get("department") or ""),
                manager_id=person_ids.get(r.values.get("manager_email") or ""),
                updated_at=now,
                last_import=batch,
                **{k: _person_value(k, r.values[k]) for k in PERSON_FIELDS if k in r.values},
            )
            for r in layer
        ]
        Person.objects.bulk_create(people, batch_size=2000)
        person_ids.update({p.user.email: p.pk for p in people})
    return users


_STAGING_COLUMNS = (
    ("email", "text"),
    ("name", "text"),
    ("is_active", "boolean"),
    ("department_id", "bigint"),
    ("manager_email", "text"),
    *((key, {"level": "smallint", "languages": "jsonb"}.get(key, "text")) for key in PERSON_FIELDS),
)
_DATES = ("hire_date", "left_on")


def _create_people_copy(
    records: Sequence[PersonRecord],
    department_ids: dict[str, int],
    person_ids: dict[str, int],
    batch: ImportBatch | None,
    want_users: bool,
) -> list[User]:
    """PostgreSQL: ``COPY`` the new people into a temporary staging table, then three set-based
    statements create their accounts, their directory entries and link their managers (new or
    existing). Same result as the ORM path, in the caller's transaction; an order of magnitude
    faster for a company-sized file (no model instance and no bound parameter per value)."""
    from psycopg.types.json import Jsonb

    defaults = {key: _default(key) for key in PERSON_FIELDS}
    staging = ", ".join(f"{name} {kind}" for name, kind in _STAGING_COLUMNS)
    person_columns = ", ".join(PERSON_FIELDS)
    casts = ", ".join(f"s.{key}::date" if key in _DATES else f"s.{key}" for key in PERSON_FIELDS)
    languages = PERSON_FIELDS.index("languages")
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS import_staging")
        cursor.execute(f"CREATE TEMPORARY TABLE import_staging ({staging}) ON COMMIT DROP")
        copy_sql = f"COPY import_staging ({', '.join(n for n, _ in _STAGING_COLUMNS)}) FROM STDIN"
        with cursor.cursor.copy(copy_sql) as copy:  # the psycopg cursor under Django's wrapper
            for r in records:
                values = r.values
                person = [
                    _person_value(k, values[k]) if k in values else defaults[k]
                    for k in PERSON_FIELDS
                ]
                person[languages] = Jsonb(person[languages])
                copy.write_row(
                    [
                        r.email,
                        values["name"],
                        values.get("status", PersonStatus.ACTIVE) == PersonStatus.ACTIVE,
                        department_ids.get(values.get("department") or ""),
                        values.get("manager_email") or None,
                        *person,
                    ]
                )
        cursor.execute("ANALYZE import_staging")
        # Accounts that exist without a directory entry (an admin created before the first
        # import) are linked, not duplicated.
        cursor.execute(
            "INSERT INTO accounts_user (password, email, name, role, is_active, date_joined) "
            "SELECT %s, s.email, s.name, %s, s.is_active, %s FROM import_staging s "
            "WHERE NOT EXISTS (SELECT 1 FROM accounts_user u WHERE u.email = s.email) "
            "RETURNING id",
            [UNUSABLE_PASSWORD_PREFIX + get_random_string(40), str(Role.PARTICIPANT), now],
        )
        new_user_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"INSERT INTO people_person (user_id, department_id, updated_at, last_import_id, "  # noqa: S608
            f"goals, work_start, work_end, {person_columns}) "
            f"SELECT u.id, s.department_id, %s, %s, '', %s, %s, {casts} "
            "FROM import_staging s JOIN accounts_user u ON u.email = s.email "
            "RETURNING id, user_id",
            [
                now,
                batch.pk if batch else None,
                _default("work_start"),
                _default("work_end"),
            ],
        )
        by_user = dict((user_id, pk) for pk, user_id in cursor.fetchall())
        cursor.execute(
            "UPDATE people_person p SET manager_id = m.id FROM import_staging s "
            "JOIN accounts_user u ON u.email = s.email "
            "JOIN accounts_user mu ON mu.email = s.manager_email "
            "JOIN people_person m ON m.user_id = mu.id WHERE p.user_id = u.id"
        )
        cursor.execute("SELECT email, id FROM accounts_user WHERE id = ANY(%s)", [list(by_user)])
        person_ids.update({email: by_user[user_id] for email, user_id in cursor.fetchall()})
    return list(User.objects.filter(pk__in=new_user_ids)) if want_users and new_user_ids else []


def _default(key: str) -> Any:
    field = Person._meta.get_field(key)
    assert isinstance(field, Field)
    return field.get_default()


def _manager_layers(
    records: Sequence[PersonRecord], known: dict[str, int]
) -> list[list[PersonRecord]]:
    """New people grouped so that each group's managers exist before the group is inserted."""
    by_email = {r.email: r for r in records}
    depth: dict[str, int] = {}

    def depth_of(email: str) -> None:
        chain = []
        current = email
        while current in by_email and current not in depth:
            chain.append(current)
            current = by_email[current].values.get("manager_email") or ""
        base = depth.get(current, -1)  # -1: the manager already exists (or there is none)
        for member in reversed(chain):
            base += 1
            depth[member] = base

    for record in records:
        depth_of(record.email)
    layers: list[list[PersonRecord]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for record in records:
        layers[depth[record.email]].append(record)
    return layers


def _person_value(key: str, value: Any) -> Any:
    if key == "timezone":
        return value or "UTC"
    if key in ("languages",):
        return value or []
    if key in ("employee_id", "team", "job_title", "location"):
        return value or ""
    return value


def _update_people(
    plan: ImportPlan,
    department_ids: dict[str, int],
    person_ids: dict[str, int],
    batch: ImportBatch | None,
) -> None:
    now = timezone.now()
    person_rows: dict[tuple[str, ...], list[tuple[int, tuple[Any, ...]]]] = {}
    renamed = []
    for update in plan.updates:
        values = update.record.values
        fields: dict[str, Any] = {}
        for key in update.changed:
            if key == "name":
                renamed.append((update.existing.user_id, (values["name"],)))
            elif key == "department":
                fields["department_id"] = department_ids.get(values.get("department") or "")
            elif key == "manager_email":
                fields["manager_id"] = person_ids.get(values.get("manager_email") or "")
            else:
                fields[key] = _person_value(key, values.get(key))
        fields["updated_at"] = now
        if batch is not None:
            fields["last_import_id"] = batch.pk
        person_rows.setdefault(tuple(fields), []).append(
            (update.existing.person_id, tuple(fields.values()))
        )
    for columns, rows in person_rows.items():
        _update_rows(Person, columns, rows)
    _update_rows(User, ("name",), renamed)


def _update_rows(
    model: type[Model], columns: Sequence[str], rows: Sequence[tuple[int, tuple[Any, ...]]]
) -> None:
    """UPDATE … WHERE id = %s for many rows with one prepared statement.

    Django's ``bulk_update`` builds a CASE expression per batch, which grows quadratically with the
    batch; an import of 100,000 changed people needs the executemany form.
    """
    if not rows:
        return
    meta = model._meta
    fields: list[Field[Any, Any]] = [meta.get_field(c) for c in columns]  # type: ignore[misc]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
    pk_column = quote(str(meta.pk.column)) if meta.pk else "id"
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {pk_column} = %s"  # noqa: S608
    params = [
        [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)] + [pk]
        for pk, values in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(params), 5000):
            cursor.executemany(sql, params[start : start + 5000])


# --- profiles ----------------------------------------------------------------------------------


@transaction.atomic
def profile_update(
    *,
    actor: User,
    person: Person,
    timezone_name: str,
    languages: list[str],
    work_start: Any,
    work_end: Any,
    skills: Sequence[Skill],
    learning: Sequence[Skill],
    goals: str,
) -> Person:
    """A person edits the parts of their profile that HR does not own."""
    if person.user_id != actor.pk:
        raise PermissionDeniedError("You can only edit your own profile.")
    if work_start >= work_end:
        raise ApplicationError(
            "Your working day must end after it starts.",
            errors=[FieldError("must be after the start of your working day", field="work_end")],
        )
    person.timezone = timezone_name
    person.languages = languages
    person.work_start, person.work_end = work_start, work_end
    person.goals = goals.strip()
    person.updated_at = timezone.now()
    person.full_clean(exclude=["user", "department", "manager", "last_import"])
    person.save()
    person.skills.set(skills)
    person.learning.set(learning)
    log_action("people.profile_updated", actor=actor, target=person)
    return person


def import_errors_for_display(plan: ImportPlan, limit: int = 200) -> tuple[list[RowError], int]:
    return plan.errors[:limit], max(0, len(plan.errors) - limit)
