"""SCIM PATCH (RFC 7644 §3.5.2) applied to a resource's JSON, with the shapes Entra ID and Okta
send: operation names in any case, no ``path`` with a value object (plain, dotted or URN-prefixed
keys), value filters such as ``emails[type eq "work"].value``, and member removal by path or by
value list. The result is then saved exactly like a PUT, so PATCH has no validation of its own.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from tandem.scim import filters
from tandem.scim.schema import ENTERPRISE, GROUP, USER


class PatchError(ValueError):
    """``scimType`` names the SCIM error kind (invalidPath, invalidValue, noTarget…)."""

    def __init__(self, message: str, scim_type: str = "invalidValue") -> None:
        super().__init__(message)
        self.scim_type = scim_type


_PATH = re.compile(r"^(?P<attr>[\w$]+)(?:\[(?P<filter>[^\]]*)\])?(?:\.(?P<sub>[\w$]+))?$")


def apply(resource: dict[str, Any], body: Any) -> dict[str, Any]:
    if not isinstance(body, dict) or not isinstance(body.get("Operations"), list):
        raise PatchError("A PATCH body needs an Operations list.", "invalidSyntax")
    result = copy.deepcopy(resource)
    for operation in body["Operations"]:
        if not isinstance(operation, dict):
            raise PatchError("Each operation must be an object.", "invalidSyntax")
        op = str(operation.get("op", "")).lower()
        if op not in ("add", "replace", "remove"):
            raise PatchError(f"Unknown PATCH op {operation.get('op')!r}.", "invalidSyntax")
        path = operation.get("path")
        value = operation.get("value")
        if path in (None, ""):
            if op == "remove":
                raise PatchError("A remove operation needs a path.", "noTarget")
            if not isinstance(value, dict):
                raise PatchError("Without a path the value must be an object.", "invalidValue")
            for key, item in value.items():
                _apply_path(result, op, str(key), item)
        else:
            _apply_path(result, op, str(path), value)
    return result


def _split_urn(resource: dict[str, Any], path: str) -> tuple[dict[str, Any], str]:
    """The object a path addresses (the resource or its enterprise extension) and the rest."""
    lowered = path.lower()
    if lowered.startswith(ENTERPRISE.lower()):
        container = resource.setdefault(ENTERPRISE, {})
        if not isinstance(container, dict):
            raise PatchError("The enterprise extension must be an object.")
        return container, path[len(ENTERPRISE) :].lstrip(":")
    for urn in (USER, GROUP):
        if lowered.startswith(urn.lower()):
            return resource, path[len(urn) :].lstrip(":")
    return resource, path


def _key(container: dict[str, Any], name: str) -> str:
    """Attribute names are case-insensitive: reuse the spelling already present."""
    for existing in container:
        if existing.lower() == name.lower():
            return existing
    return name


def _apply_path(resource: dict[str, Any], op: str, path: str, value: Any) -> None:
    container, rest = _split_urn(resource, path)
    if rest == "":
        if op == "remove":
            container.clear()
        elif isinstance(value, dict):
            for key, item in value.items():
                _apply_path(container, op, key, item)
        else:
            raise PatchError(f"{path!r} needs an object value.")
        return
    if "." in rest and "[" not in rest and rest.count(".") == 1:
        attr, sub = rest.split(".")
        parsed: dict[str, str | None] = {"attr": attr, "filter": None, "sub": sub}
    else:
        match = _PATH.match(rest)
        if match is None:
            raise PatchError(f"Cannot read the path {path!r}.", "invalidPath")
        parsed = match.groupdict()
    attr = _key(container, str(parsed["attr"]))
    if parsed["filter"] is not None:
        _apply_filtered(container, op, attr, parsed["filter"], parsed["sub"], value)
    elif parsed["sub"]:
        _apply_sub(container, op, attr, parsed["sub"], value)
    else:
        _apply_attr(container, op, attr, value)


def _apply_attr(container: dict[str, Any], op: str, attr: str, value: Any) -> None:
    current = container.get(attr)
    if op == "remove":
        if isinstance(current, list) and isinstance(value, list):
            doomed = {_identity(v) for v in value}
            container[attr] = [item for item in current if _identity(item) not in doomed]
        else:
            container.pop(attr, None)
    elif op == "add" and isinstance(current, list):
        additions = value if isinstance(value, list) else [value]
        seen = {_identity(item) for item in current}
        current.extend(item for item in additions if _identity(item) not in seen)
    elif isinstance(current, dict) and isinstance(value, dict):
        for key, item in value.items():
            current[_key(current, key)] = item
    else:
        container[attr] = value


def _apply_sub(container: dict[str, Any], op: str, attr: str, sub: str, value: Any) -> None:
    current = container.get(attr)
    if isinstance(current, list):  # emails.value: every element (RFC 7644 §3.5.2.3)
        for item in current:
            if isinstance(item, dict):
                _set_or_remove(item, op, sub, value)
        return
    if current is None:
        if op == "remove":
            return
        current = container[attr] = {}
    if not isinstance(current, dict):
        raise PatchError(f"{attr!r} has no sub-attribute {sub!r}.", "invalidPath")
    _set_or_remove(current, op, sub, value)


def _set_or_remove(item: dict[str, Any], op: str, sub: str, value: Any) -> None:
    key = _key(item, sub)
    if op == "remove":
        item.pop(key, None)
    else:
        item[key] = value


def _apply_filtered(
    container: dict[str, Any], op: str, attr: str, text: str, sub: str | None, value: Any
) -> None:
    try:
        conditions = filters.parse(text)
    except filters.FilterError as exc:
        raise PatchError(str(exc), "invalidFilter") from None
    items = container.setdefault(attr, [])
    if not isinstance(items, list):
        raise PatchError(f"{attr!r} is not multi-valued.", "invalidPath")
    matches = [item for item in items if isinstance(item, dict) and _matches(item, conditions)]
    if op == "remove":
        if sub:
            for item in matches:
                item.pop(_key(item, sub), None)
        else:
            container[attr] = [item for item in items if item not in matches]
        return
    if not matches:  # Entra: replace emails[type eq "work"].value when there is none yet
        new = {c.path: c.value for c in conditions}
        items.append(new)
        matches = [new]
    for item in matches:
        if sub:
            item[_key(item, sub)] = value
        elif isinstance(value, dict):
            item.update(value)
        else:
            raise PatchError(f"{attr}[{text}] needs an object value.")


def _matches(item: dict[str, Any], conditions: list[filters.Comparison]) -> bool:
    lowered = {k.lower(): v for k, v in item.items()}
    return all(str(lowered.get(c.path, "")).lower() == str(c.value).lower() for c in conditions)


def _identity(item: Any) -> Any:
    if isinstance(item, dict):
        lowered = {k.lower(): v for k, v in item.items()}
        return str(lowered.get("value", repr(sorted(item.items()))))
    return repr(item)
