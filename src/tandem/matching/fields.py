"""How a criterion's field is read from a participant: built-in attributes first, else ``custom``.

Compiling, explaining and reading spreadsheets must agree on names and on how list cells and
labels are normalised, so these helpers live in one place.
"""

from __future__ import annotations

from tandem.matching.records import Participant

#: fields every participant has; anything else is looked up in ``custom``
LIST_FIELDS = {"languages", "skills_offered", "skills_wanted", "interests"}
SCALAR_FIELDS = {"name", "department", "manager_id", "role", "email"}
FIELD_ALIASES = {"manager": "manager_id", "manager_email": "manager_id", "goal": "goals"}


def canonical_field(name: str) -> str:
    return FIELD_ALIASES.get(name, name)


def get_value(person: Participant, name: str) -> object:
    name = canonical_field(name)
    if hasattr(person, name) and name != "custom":
        return getattr(person, name)
    return person.custom.get(name)


def as_list(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        parts = value.replace("|", ";").split(";")
        return tuple(p.strip() for p in parts if p.strip())
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return (str(value),)


def normalise_token(text: str) -> str:
    return " ".join(text.lower().split())
