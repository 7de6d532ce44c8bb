"""SCIM Groups: create, replace, patch, delete. Membership of a group named in the SSO group
settings grants that role (``accounts.groups.role_for_groups``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.accounts.groups import is_break_glass, role_for_groups
from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.people.models import Person, PersonStatus
from tandem.scim import patch
from tandem.scim.models import ScimGroup, ScimToken
from tandem.scim.resources import ResourceError, render_group
from tandem.scim.selectors import group_members, scim_people
from tandem.scim.services.users import ScimConflict


def _parse(body: Any) -> tuple[str, str, list[str] | None]:
    if not isinstance(body, dict):
        raise ResourceError("The body must be a JSON object.", "invalidSyntax")
    lowered = {str(k).lower(): v for k, v in body.items()}
    name = lowered.get("displayname")
    if not isinstance(name, str) or not name.strip():
        raise ResourceError("displayName is required.")
    members = lowered.get("members")
    ids: list[str] | None = None
    if members is not None:
        if not isinstance(members, list):
            raise ResourceError("members must be a list.")
        ids = []
        for member in members:
            value = member.get("value") if isinstance(member, dict) else member
            ids.append(str(value))
    external_id = lowered.get("externalid") or ""
    return name.strip()[:255], str(external_id)[:255], ids


def _members(ids: list[str]) -> list[Person]:
    numeric = [int(i) for i in ids if i.isdigit()]
    people = list(scim_people().filter(pk__in=numeric))
    missing = sorted(set(ids) - {str(p.pk) for p in people})
    if missing:
        raise ResourceError(f"Unknown member ids: {', '.join(missing[:10])}.")
    return people


@transaction.atomic
def scim_group_create(*, token: ScimToken, body: Any) -> ScimGroup:
    name, external_id, ids = _parse(body)
    if ScimGroup.objects.filter(display_name__iexact=name).exists():
        raise ScimConflict(f"A group named {name!r} already exists.")
    group = ScimGroup.objects.create(display_name=name, external_id=external_id)
    people = _members(ids or [])
    group.members.set(people)
    log_action(
        "scim.group_created", target=group, data={"token": token.name, "members": len(people)}
    )
    roles_from_groups(p.pk for p in people)
    return group


@transaction.atomic
def scim_group_replace(*, token: ScimToken, group: ScimGroup, body: Any) -> ScimGroup:
    name, external_id, ids = _parse(body)
    if ScimGroup.objects.filter(display_name__iexact=name).exclude(pk=group.pk).exists():
        raise ScimConflict(f"A group named {name!r} already exists.")
    before = set(group.members.values_list("pk", flat=True))
    group.display_name, group.external_id = name, external_id
    group.updated_at = timezone.now()
    group.save()
    after = before
    if ids is not None:
        people = _members(ids)
        group.members.set(people)
        after = {p.pk for p in people}
    log_action(
        "scim.group_updated",
        target=group,
        data={"token": token.name, "added": len(after - before), "removed": len(before - after)},
    )
    roles_from_groups(before | after)  # a rename can change what the group grants
    return group


@transaction.atomic
def scim_group_patch(*, token: ScimToken, group: ScimGroup, body: Any) -> ScimGroup:
    current = render_group(group, group_members(group))
    try:
        patched = patch.apply(current, body)
    except patch.PatchError as exc:
        raise ResourceError(str(exc), exc.scim_type) from None
    patched.setdefault("members", [])
    return scim_group_replace(token=token, group=group, body=patched)


@transaction.atomic
def scim_group_delete(*, token: ScimToken, group: ScimGroup) -> None:
    member_ids = list(group.members.values_list("pk", flat=True))
    log_action("scim.group_deleted", target=group, data={"token": token.name})
    group.delete()
    roles_from_groups(member_ids)


def roles_from_groups(person_ids: Iterable[int]) -> None:
    """Give each person the role their groups grant (nothing when no mapping is configured)."""
    people = (
        Person.objects.filter(pk__in=list(person_ids), status=PersonStatus.ACTIVE)
        .select_related("user")
        .prefetch_related("scim_groups")
    )
    for person in people:
        role = role_for_groups(g.display_name for g in person.scim_groups.all())
        if role is None or person.user.role == role or is_break_glass(person.user):
            continue
        previous = person.user.role
        User.objects.filter(pk=person.user_id).update(role=role)
        log_action(
            "account.role_changed",
            target=person.user,
            data={"from": previous, "to": role, "reason": "SCIM group membership"},
        )
