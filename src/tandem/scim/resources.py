"""SCIM JSON ↔ the directory: what a User resource asks of the directory, and how a person reads
back as a User or Group resource."""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from tandem.people.models import Person, PersonStatus
from tandem.scim.models import ScimGroup, ScimUser
from tandem.scim.schema import ENTERPRISE, GROUP, USER


class ResourceError(ValueError):
    def __init__(self, message: str, scim_type: str = "invalidValue") -> None:
        super().__init__(message)
        self.scim_type = scim_type


def base_url() -> str:
    return f"{settings.SITE_URL}/scim/v2"


@dataclass
class UserRequest:
    """What a User resource asks of the directory (``None``: the attribute was not sent)."""

    user_name: str
    external_id: str
    email: str
    name: str
    active: bool | None
    title: str | None
    employee_id: str | None
    department: str | None
    manager_id: str | None  # "" clears the manager


def _lower_keys(data: dict[str, Any]) -> dict[str, Any]:
    return {str(k).lower(): v for k, v in data.items()}


def _boolean(value: Any, attribute: str) -> bool:
    """Entra ID sends ``"False"`` as a string in PATCH requests."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ResourceError(f"{attribute} must be true or false.")


def _string(value: Any, attribute: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool | dict | list):
        raise ResourceError(f"{attribute} must be a string.")
    return str(value)


def work_email(data: dict[str, Any]) -> str:
    emails = _lower_keys(data).get("emails") or []
    if not isinstance(emails, list):
        raise ResourceError("emails must be a list.")
    items = [_lower_keys(e) for e in emails if isinstance(e, dict) and e.get("value")]
    for choose in (
        lambda e: str(e.get("type", "")).lower() == "work",
        lambda e: e.get("primary") in (True, "true", "True"),
        lambda e: True,
    ):
        for item in items:
            if choose(item):
                return str(item["value"]).strip().lower()
    return ""


def display_name(data: dict[str, Any]) -> str:
    lowered = _lower_keys(data)
    name = lowered.get("name")
    if isinstance(name, dict):
        parts = _lower_keys(name)
        if parts.get("formatted"):
            return str(parts["formatted"])
        joined = " ".join(
            str(parts[k]) for k in ("givenname", "familyname") if parts.get(k)
        ).strip()
        if joined:
            return joined
    return str(lowered.get("displayname") or lowered.get("username") or "")


def parse_user(data: Any) -> UserRequest:
    if not isinstance(data, dict):
        raise ResourceError("The body must be a JSON object.", "invalidSyntax")
    lowered = _lower_keys(data)
    user_name = _string(lowered.get("username"), "userName") or ""
    if not user_name.strip():
        raise ResourceError("userName is required.")
    email = work_email(data) or (user_name.strip().lower() if "@" in user_name else "")
    if not email:
        raise ResourceError('A work email is required (emails[type eq "work"] or userName).')
    enterprise = data.get(ENTERPRISE) or {}
    if not isinstance(enterprise, dict):
        raise ResourceError("The enterprise extension must be an object.")
    ext = _lower_keys(enterprise)
    manager = ext.get("manager", None)
    manager_id: str | None = None
    if "manager" in ext:
        manager_id = _manager_id(manager)
    return UserRequest(
        user_name=user_name.strip(),
        external_id=_string(lowered.get("externalid"), "externalId") or "",
        email=email,
        name=display_name(data),
        active=_boolean(lowered["active"], "active") if lowered.get("active") is not None else None,
        title=_string(lowered.get("title"), "title") if "title" in lowered else None,
        employee_id=_string(ext.get("employeenumber"), "employeeNumber")
        if "employeenumber" in ext
        else None,
        department=_string(ext.get("department"), "department") if "department" in ext else None,
        manager_id=manager_id,
    )


def _manager_id(manager: Any) -> str:
    """The manager's resource id from ``{"value": id}``, a bare id, or ``{"$ref": location}``."""
    if manager in (None, "", {}):
        return ""
    if isinstance(manager, str | int):
        return str(manager)
    if not isinstance(manager, dict):
        raise ResourceError("manager must be an object with a value.")
    lowered = _lower_keys(manager)
    value = str(lowered.get("value") or "")
    if value.isdigit():
        return value
    ref = str(lowered.get("$ref") or "").rstrip("/")
    tail = ref.rsplit("/", 1)[-1]
    return tail if tail.isdigit() else value


def version(*stamps: Any) -> str:
    digest = hashlib.sha256("|".join(str(s) for s in stamps).encode()).hexdigest()[:16]
    return f'W/"{digest}"'


def user_version(person: Person, scim: ScimUser | None) -> str:
    return version(person.updated_at, scim.updated_at if scim else "")


def render_user(person: Person, scim: ScimUser | None, groups: list[ScimGroup]) -> dict[str, Any]:
    """The stored SCIM attributes, corrected wherever the directory now says otherwise (an HR
    import or an admin changed the person since the identity provider last wrote)."""
    attributes = copy.deepcopy(scim.attributes) if scim else {}
    for key in ("schemas", "id", "meta", "groups"):
        attributes.pop(key, None)
    _overlay_directory(attributes, person)
    base = base_url()
    resource: dict[str, Any] = {
        "schemas": [USER, ENTERPRISE] if attributes.get(ENTERPRISE) else [USER],
        "id": str(person.pk),
        **attributes,
        "userName": scim.user_name if scim else person.user.email,
        "meta": {
            "resourceType": "User",
            "created": _iso(scim.created_at if scim else person.user.date_joined),
            "lastModified": _iso(
                max(person.updated_at, scim.updated_at) if scim else person.updated_at
            ),
            "location": f"{base}/Users/{person.pk}",
            "version": user_version(person, scim),
        },
    }
    if scim and scim.external_id:
        resource["externalId"] = scim.external_id
    if groups:
        resource["groups"] = [
            {"value": str(g.pk), "$ref": f"{base}/Groups/{g.pk}", "display": g.display_name}
            for g in groups
        ]
    return resource


def _overlay_directory(attributes: dict[str, Any], person: Person) -> None:
    asked = parse_user({"userName": "x@x", **attributes}) if attributes else None
    user = person.user
    if asked is None or asked.email != user.email:
        _set_email(attributes, user.email)
    if asked is None or asked.name != user.name:
        if asked is None or "displayName" in attributes:
            attributes["displayName"] = user.name
        attributes["name"] = {"formatted": user.name}
    active = person.status == PersonStatus.ACTIVE
    # shown for people SCIM never described, and where the directory now differs from what the
    # provider sent (an HR import marked them as left); not re-added after a PATCH removed it
    if asked is None or asked.active not in (None, active):
        attributes["active"] = active
    if ((asked.title if asked else None) or "") != person.job_title:
        _set_or_drop(attributes, "title", person.job_title)
    _overlay_enterprise(attributes, person)


def _overlay_enterprise(attributes: dict[str, Any], person: Person) -> None:
    found = attributes.get(ENTERPRISE)
    ext: dict[str, Any] = found if isinstance(found, dict) else {}
    wanted = {
        "employeeNumber": person.employee_id,
        "department": person.department.name if person.department else "",
    }
    for key, value in wanted.items():
        if str(_lower_keys(ext).get(key.lower()) or "") != value:
            ext = {k: v for k, v in ext.items() if k.lower() != key.lower()}
            if value:
                ext[key] = value
    manager_id = str(person.manager_id) if person.manager_id else ""
    current_manager = _manager_id(_lower_keys(ext).get("manager")) if ext else ""
    if current_manager != manager_id:
        ext = {k: v for k, v in ext.items() if k.lower() != "manager"}
    if manager_id and "manager" not in {k.lower() for k in ext}:
        ext["manager"] = {"value": manager_id, "$ref": f"{base_url()}/Users/{manager_id}"}
    if ext:
        attributes[ENTERPRISE] = ext
    else:
        attributes.pop(ENTERPRISE, None)


def _set_email(attributes: dict[str, Any], email: str) -> None:
    attributes["emails"] = [{"value": email, "type": "work", "primary": True}]


def _set_or_drop(attributes: dict[str, Any], key: str, value: str) -> None:
    if value:
        attributes[key] = value
    else:
        attributes.pop(key, None)


def group_version(group: ScimGroup) -> str:
    return version(group.updated_at)


def render_group(group: ScimGroup, members: list[Person] | None) -> dict[str, Any]:
    base = base_url()
    resource: dict[str, Any] = {
        "schemas": [GROUP],
        "id": str(group.pk),
        "displayName": group.display_name,
        "meta": {
            "resourceType": "Group",
            "created": _iso(group.created_at),
            "lastModified": _iso(group.updated_at),
            "location": f"{base}/Groups/{group.pk}",
            "version": group_version(group),
        },
    }
    if group.external_id:
        resource["externalId"] = group.external_id
    if members is not None:
        resource["members"] = [
            {"value": str(p.pk), "$ref": f"{base}/Users/{p.pk}"} for p in members
        ]
    return resource


def _iso(value: Any) -> str:
    return value.isoformat().replace("+00:00", "Z")
