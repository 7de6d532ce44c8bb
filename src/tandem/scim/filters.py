"""SCIM filters (RFC 7644 §3.4.2.2): the subset identity providers send, turned into ORM queries.

Supported: ``eq`` comparisons, joined with ``and``, on ``id``, ``userName``, ``externalId``,
``displayName``, ``active``, ``emails.value`` / ``emails[type eq "work"].value`` and, for
groups, ``members.value`` / ``members[value eq "…"]``. Anything else is ``invalidFilter``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q

from tandem.people.models import PersonStatus

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\]|\\.)*")
      | (?P<bracket>\[[^\]]*\])
      | (?P<word>[^\s\[\]"]+)
    )""",
    re.VERBOSE,
)


class FilterError(ValueError):
    """The filter cannot be understood; the message says why (SCIM ``invalidFilter``)."""


@dataclass(frozen=True)
class Comparison:
    path: str  # lower case, e.g. "username", "emails.value", "members.value"
    value: str | bool | None


def parse(text: str) -> list[Comparison]:
    """``a eq "x" and b eq "y"`` → comparisons (all must hold)."""
    tokens = _tokens(text)
    comparisons = []
    while tokens:
        value_path = _VALUE_FILTER.match(tokens[0])
        if value_path is not None and not value_path.group("sub"):
            # members[value eq "x"]: a complete expression on its own (RFC 7644 valuePath)
            comparisons.append(Comparison(_normalise_path(tokens[0]), None))
            tokens = tokens[1:]
        elif len(tokens) < 3:
            raise FilterError(f"Incomplete filter expression: {text!r}")
        else:
            path, operator, raw = tokens[:3]
            if operator.lower() != "eq":
                raise FilterError(f"Only the eq operator is supported, not {operator!r}.")
            comparisons.append(Comparison(_normalise_path(path), _literal(raw)))
            tokens = tokens[3:]
        if tokens:
            if tokens[0].lower() != "and":
                raise FilterError(f"Expected 'and' between comparisons, found {tokens[0]!r}.")
            tokens = tokens[1:]
            if not tokens:
                raise FilterError("The filter ends with 'and'.")
    if not comparisons:
        raise FilterError("The filter is empty.")
    return comparisons


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise FilterError(f"Cannot read the filter near {text[position : position + 20]!r}.")
        token = match.group("string") or match.group("word") or ""
        if match.group("bracket"):
            if not tokens:
                raise FilterError("A value filter needs an attribute before '['.")
            tokens[-1] += match.group("bracket")
        elif token:
            if tokens and tokens[-1].endswith("]") and token.startswith("."):
                tokens[-1] += token  # emails[type eq "work"].value
            else:
                tokens.append(token)
        position = match.end()
    return tokens


def _literal(raw: str) -> str | bool | None:
    if raw.startswith('"'):
        if len(raw) < 2 or not raw.endswith('"'):
            raise FilterError(f"Unterminated string {raw!r}.")
        return raw[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    lowered = raw.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    raise FilterError(f"{raw!r} is not a value; put strings in double quotes.")


_VALUE_FILTER = re.compile(r"^(?P<attr>[\w$]+)\[(?P<inner>[^\]]*)\](?:\.(?P<sub>[\w$]+))?$")


def _normalise_path(path: str) -> str:
    """Drops schema URN prefixes and turns ``attr[sub eq "v"].x`` into ``attr.x`` (the inner
    filter may only narrow the type, which does not change which address is compared)."""
    for urn in (
        "urn:ietf:params:scim:schemas:core:2.0:user:",
        "urn:ietf:params:scim:schemas:core:2.0:group:",
    ):
        if path.lower().startswith(urn):
            path = path[len(urn) :]
    match = _VALUE_FILTER.match(path)
    if match is None:
        return path.lower()
    inner = parse(match.group("inner"))
    attr = match.group("attr").lower()
    if match.group("sub"):
        if any(c.path not in ("type", "primary") for c in inner):
            raise FilterError(f"Unsupported value filter in {path!r}.")
        return f"{attr}.{match.group('sub').lower()}"
    # members[value eq "x"]: the inner comparison carries the value
    if len(inner) != 1 or inner[0].path != "value":
        raise FilterError(f"Unsupported value filter in {path!r}.")
    return f"{attr}.value={inner[0].value}"


def _text(value: str | bool | None) -> str:
    if not isinstance(value, str):
        raise FilterError("Compare this attribute with a string in double quotes.")
    return value


def _int_or_none(value: str | bool | None) -> Q:
    text = _text(value)
    return Q(pk=int(text)) if text.isdigit() else Q(pk__in=[])


def _active(value: str | bool | None) -> Q:
    if not isinstance(value, bool):
        raise FilterError("active compares with true or false.")
    return Q(status=PersonStatus.ACTIVE if value else PersonStatus.LEFT)


USER_FIELDS: dict[str, Callable[[str | bool | None], Q]] = {
    "id": _int_or_none,
    "username": lambda v: (
        Q(scim__user_name=_text(v).lower()) | Q(scim__isnull=True, user__email=_text(v).lower())
    ),
    "externalid": lambda v: Q(scim__external_id=_text(v)),
    "emails.value": lambda v: Q(user__email=_text(v).strip().lower()),
    "emails": lambda v: Q(user__email=_text(v).strip().lower()),
    "displayname": lambda v: Q(user__name__iexact=_text(v)),
    "active": _active,
}

GROUP_FIELDS: dict[str, Callable[[str | bool | None], Q]] = {
    "id": _int_or_none,
    "displayname": lambda v: Q(display_name__iexact=_text(v)),
    "externalid": lambda v: Q(external_id=_text(v)),
    "members.value": lambda v: Q(members__pk=int(_text(v))) if _text(v).isdigit() else Q(pk__in=[]),
}


def to_q(text: str, fields: dict[str, Callable[[str | bool | None], Q]]) -> Q:
    query = Q()
    for comparison in parse(text):
        path, value = comparison.path, comparison.value
        if "=" in path:  # members.value=<v> from members[value eq "v"]
            path, value = path.split("=", 1)[0], path.split("=", 1)[1]
        builder = fields.get(path)
        if builder is None:
            raise FilterError(f"Filtering on {comparison.path!r} is not supported.")
        query &= builder(value)
    return query
