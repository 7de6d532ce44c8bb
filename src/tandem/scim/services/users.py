"""SCIM Users: create, replace, patch and delete, through ``people.services.person_sync``."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError
from tandem.people.models import Person, PersonStatus
from tandem.people.services import DirectoryValue, mark_left, person_sync
from tandem.scim import patch
from tandem.scim.models import ScimGroup, ScimToken, ScimUser
from tandem.scim.resources import ResourceError, UserRequest, parse_user, render_user
from tandem.scim.selectors import groups_of


class ScimConflict(ApplicationError):
    def __init__(self, message: str) -> None:
        super().__init__(message=message, status=409)


_NOT_STORED = ("schemas", "id", "meta", "groups", "userName", "externalId", "password")


def _reason(token: ScimToken) -> str:
    return f"SCIM ({token.name})"


@transaction.atomic
def scim_user_create(*, token: ScimToken, body: Any) -> Person:
    request = parse_user(body)
    taken = _live_user_name(request.user_name)
    if taken is not None:
        raise ScimConflict(f"userName {request.user_name!r} is already provisioned.")
    existing = Person.objects.select_related("user").filter(user__email=request.email).first()
    # someone from the HR import (or deleted through SCIM and now rehired) is linked, not
    # duplicated; only a person another live SCIM user already describes is a conflict
    if (
        existing is not None
        and ScimUser.objects.filter(person=existing, deleted_at__isnull=True).exists()
    ):
        raise ScimConflict(f"A user with the email {request.email!r} already exists.")
    return _save(request, body=body, token=token, person=existing)


@transaction.atomic
def scim_user_replace(*, token: ScimToken, person: Person, body: Any) -> Person:
    request = parse_user(body)
    taken = _live_user_name(request.user_name)
    if taken is not None and taken.person_id != person.pk:
        raise ScimConflict(f"userName {request.user_name!r} belongs to another user.")
    return _save(request, body=body, token=token, person=person)


@transaction.atomic
def scim_user_patch(*, token: ScimToken, person: Person, body: Any) -> Person:
    """Apply the operations to the resource as it reads now, then save it like a PUT."""
    scim = ScimUser.objects.filter(person=person).first()
    current = render_user(person, scim, [])
    current.pop("groups", None)
    try:
        patched = patch.apply(current, body)
    except patch.PatchError as exc:
        raise ResourceError(str(exc), exc.scim_type) from None
    return scim_user_replace(token=token, person=person, body=patched)


@transaction.atomic
def scim_user_delete(*, token: ScimToken, person: Person) -> None:
    """DELETE is the leaver path too; the person stays in the directory as left, for audit."""
    now = timezone.now()
    scim, _ = ScimUser.objects.get_or_create(
        person=person, defaults={"user_name": f"deleted-{person.pk}@scim.invalid"}
    )
    ScimUser.objects.filter(pk=scim.pk).update(deleted_at=now, updated_at=now)
    person.scim_groups.clear()
    mark_left(person_ids=[person.pk], actor=None, reason=_reason(token))
    log_action("scim.user_deleted", target=person, data={"token": token.name})


def _live_user_name(user_name: str) -> ScimUser | None:
    return ScimUser.objects.filter(user_name__iexact=user_name, deleted_at__isnull=True).first()


def _save(
    request: UserRequest, *, body: dict[str, Any], token: ScimToken, person: Person | None
) -> Person:
    if person is not None and person.user.email != request.email:
        _change_email(person, request.email, token)
    stored = ScimUser.objects.filter(person=person).first() if person is not None else None
    previous = _previous_request(stored)
    outcome = person_sync(
        values=_directory_values(request, person, previous), actor=None, reason=_reason(token)
    )
    now = timezone.now()
    attributes = {k: v for k, v in body.items() if k not in _NOT_STORED}
    for key in [k for k in attributes if k.lower() == "active"]:
        attributes[key] = request.active  # Entra sends "False" as a string; keep the boolean
    ScimUser.objects.update_or_create(
        person=outcome.person,
        defaults={
            "user_name": request.user_name,
            "external_id": request.external_id,
            "attributes": attributes,
            "updated_at": now,
            "deleted_at": None,
        },
        create_defaults={
            "user_name": request.user_name,
            "external_id": request.external_id,
            "attributes": attributes,
            "created_at": now,
            "updated_at": now,
        },
    )
    if outcome.person.status == PersonStatus.LEFT:
        outcome.person.scim_groups.clear()
    return outcome.person


def _change_email(person: Person, email: str, token: ScimToken) -> None:
    if User.objects.filter(email=email).exclude(pk=person.user_id).exists():
        raise ScimConflict(f"The email {email!r} belongs to another person.")
    previous = person.user.email
    # person_sync validates the new address right after; a bad one rolls this back.
    User.objects.filter(pk=person.user_id).update(email=email)
    person.user.email = email
    log_action(
        "people.email_changed",
        target=person,
        data={"from": previous, "to": email, "reason": _reason(token)},
    )


def _previous_request(stored: ScimUser | None) -> UserRequest | None:
    if stored is None or stored.deleted_at is not None or not stored.attributes:
        return None
    try:
        return parse_user({"userName": stored.user_name, **stored.attributes})
    except ResourceError:
        return None


def _directory_values(
    request: UserRequest, person: Person | None, previous: UserRequest | None
) -> list[DirectoryValue]:
    """What to write: every attribute the provider sent; an attribute it sent before and now
    leaves out is cleared; directory values it never sent (from the HR import) stay."""
    values = [
        DirectoryValue("email", 'emails[type eq "work"].value', request.email),
        DirectoryValue("name", "name", request.name),
    ]
    optional = (
        ("job_title", "title", "title"),
        ("employee_id", "enterprise:employeeNumber", "employee_id"),
        ("department", "enterprise:department", "department"),
    )
    for key, label, attr in optional:
        value = getattr(request, attr)
        if value is None and previous is not None and getattr(previous, attr):
            value = ""
        if value is not None:
            values.append(DirectoryValue(key, label, value))
    manager_id = request.manager_id
    if manager_id is None and previous is not None and previous.manager_id:
        manager_id = ""
    if manager_id is not None:
        values.append(
            DirectoryValue("manager_email", "enterprise:manager", _manager_email(manager_id))
        )
    if request.active is not None or person is None:
        active = True if request.active is None else request.active
        values.append(
            DirectoryValue("status", "active", PersonStatus.ACTIVE if active else PersonStatus.LEFT)
        )
    return values


def _manager_email(manager_id: str) -> str:
    if not manager_id:
        return ""
    email = (
        Person.objects.filter(pk=manager_id).values_list("user__email", flat=True).first()
        if manager_id.isdigit()
        else None
    )
    if email is None:
        raise ResourceError(f"manager {manager_id!r} is not a user of this directory.")
    return email


def user_resource(person: Person) -> dict[str, Any]:
    scim = ScimUser.objects.filter(person=person).first()
    groups: list[ScimGroup] = groups_of(person)
    return render_user(person, scim, groups)
