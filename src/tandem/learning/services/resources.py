"""Writing the library: create, edit and archive items; a reader's view and helpful mark."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError, PermissionDeniedError
from tandem.learning import files
from tandem.learning.models import (
    Audience,
    HelpfulMark,
    Resource,
    ResourceKind,
    ResourceView,
    Stage,
)
from tandem.learning.selectors import can_manage, person_of
from tandem.people.models import Person, Skill
from tandem.programs.models import Program


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def check_link(url: str) -> str:
    """Links go to http(s) pages only (never ``javascript:``, ``data:`` or ``file:``)."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ApplicationError(
            "A link must start with http:// or https://.",
            [FieldError("A link must start with http:// or https://.", field="url", value=url)],
        )
    return url


def _clean(
    *,
    kind: str,
    title: str,
    body: str,
    url: str,
    audience: str,
    stages: Sequence[str],
    upload: Upload | None,
    has_file: bool,
) -> tuple[str, str]:
    problems = []
    if kind not in ResourceKind.values:
        problems.append(FieldError("Choose article, link or file.", field="kind"))
    if not title.strip():
        problems.append(FieldError("Give the item a title.", field="title"))
    if audience not in Audience.values:
        problems.append(FieldError("Choose an audience.", field="audience"))
    bad = [s for s in stages if s not in Stage.values]
    if bad:
        problems.append(FieldError(f"Unknown stage {bad[0]!r}.", field="stages"))
    if kind == ResourceKind.ARTICLE and not body.strip():
        problems.append(FieldError("Write the article.", field="body"))
    if kind == ResourceKind.FILE and upload is None and not has_file:
        problems.append(FieldError("Choose a file to upload.", field="file"))
    if problems:
        raise ApplicationError("The item was not saved.", problems)
    content_type = files.check_upload(upload.name, upload.data) if upload else ""
    return (check_link(url) if kind == ResourceKind.LINK else ""), content_type


def _require_manager(actor: User, program: Program | None) -> None:
    if not can_manage(actor, program):
        raise PermissionDeniedError(
            "Only admins add organisation-wide items; coordinators add items to their programs."
        )


def resource_save(
    *,
    actor: User,
    resource: Resource | None = None,
    program: Program | None,
    kind: str,
    title: str,
    summary: str = "",
    body: str = "",
    url: str = "",
    audience: str = Audience.EVERYONE,
    skills: Sequence[Skill] = (),
    stages: Sequence[str] = (),
    upload: Upload | None = None,
    starter_key: str = "",
) -> Resource:
    """Create an item (``resource`` None) or edit one; a new upload replaces the old file."""
    _require_manager(actor, program)
    if resource is not None:
        _require_manager(actor, resource.program)
    url, content_type = _clean(
        kind=kind,
        title=title,
        body=body,
        url=url,
        audience=audience,
        stages=stages,
        upload=upload,
        has_file=bool(resource and resource.stored_name),
    )
    stored = files.store(upload.data) if upload else ""
    try:
        with transaction.atomic():
            item = _write(
                resource or Resource(created_by=actor, starter_key=starter_key),
                program=program,
                kind=kind,
                title=title.strip()[:200],
                summary=summary.strip()[:300],
                body=body if kind == ResourceKind.ARTICLE else "",
                url=url,
                audience=audience,
                stages=[s for s in Stage.values if s in stages],
                upload=upload,
                stored=stored,
                content_type=content_type,
            )
            item.skills.set(skills)
            log_action(
                "library.item_saved" if resource else "library.item_created",
                actor=actor,
                target=item,
                data={"program": program.pk if program else None, "kind": kind},
            )
    except Exception:
        files.remove(stored)  # nothing points at it
        raise
    return item


def _write(item: Resource, *, upload: Upload | None, stored: str, **fields: Any) -> Resource:
    old = item.stored_name
    for name, value in fields.items():
        if name != "content_type":
            setattr(item, name, value)
    if upload is not None:
        item.file_name = upload.name[-200:]
        item.stored_name = stored
        item.content_type = fields["content_type"]
        item.file_size = len(upload.data)
    elif item.kind != ResourceKind.FILE:
        item.file_name = item.stored_name = item.content_type = ""
        item.file_size = 0
    item.updated_at = timezone.now()
    item.save()
    if old and old != item.stored_name:
        transaction.on_commit(lambda: files.remove(old))
    return item


@transaction.atomic
def resource_archive(*, actor: User, resource: Resource, archived: bool = True) -> Resource:
    _require_manager(actor, resource.program)
    resource.archived_at = timezone.now() if archived else None
    resource.save(update_fields=["archived_at"])
    log_action(
        "library.item_archived" if archived else "library.item_restored",
        actor=actor,
        target=resource,
    )
    return resource


def resource_seen(*, person: Person, resource: Resource) -> bool:
    """Count a reader once; True when this was their first visit."""
    try:
        with transaction.atomic():
            _, created = ResourceView.objects.get_or_create(resource=resource, person=person)
    except IntegrityError:  # two tabs at once
        return False
    return created


@transaction.atomic
def resource_mark_helpful(*, actor: User, resource: Resource, helpful: bool = True) -> bool:
    person = person_of(actor)
    if person is None:
        raise ApplicationError("Only people in the directory can mark items helpful.")
    if helpful:
        HelpfulMark.objects.get_or_create(resource=resource, person=person)
        ResourceView.objects.get_or_create(resource=resource, person=person)
    else:
        HelpfulMark.objects.filter(resource=resource, person=person).delete()
    return helpful
