"""Program configuration from a plain mapping (a parsed TOML file, or the web side's form data).

    kind = "peer_pairs"
    [[criteria]]
    field = "skills"
    rule = "complementary"
    weight = 5
    [constraints]
    exclude_same_manager = true

``load_config`` checks everything and raises ``ConfigError`` listing every problem at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, cast

from tandem.matching.records import (
    PROGRAM_KINDS,
    RULES,
    ConfigError,
    Constraints,
    Criterion,
    Participant,
    Problem,
    ProgramKind,
    Rule,
)

#: fields a criterion can name without a custom column, and the rules that make sense for them
BUILTIN_FIELDS: dict[str, tuple[str, ...]] = {
    "department": ("same", "different"),
    "manager": ("same", "different"),
    "manager_id": ("same", "different"),
    "level": ("close", "same", "different"),
    "timezone": ("overlap", "same", "different"),
    "languages": ("overlap",),
    "skills": ("complementary",),
    "skills_offered": ("overlap",),
    "skills_wanted": ("overlap",),
    "goals": ("similar_text",),
    "availability": ("overlap",),
    "interests": ("overlap",),
    "role": ("same", "different"),
}
CRITERION_KEYS = {
    "field",
    "rule",
    "weight",
    "must_have",
    "max_difference",
    "order",
    "min_overlap_hours",
    "min_similarity",
    "label",
}
PROGRAM_KEYS = {
    "kind",
    "criteria",
    "constraints",
    "round",
    "round_number",
    "reference_date",
    "text_backend",
    "candidates_k",
    "exact_limit",
    "seed",
    "name",
}


@dataclass
class ProgramConfig:
    kind: ProgramKind
    criteria: list[Criterion]
    constraints: Constraints = field(default_factory=Constraints)
    round_number: int | None = None
    reference_date: dt.date | None = None
    text_backend: str = "auto"
    candidates_k: int | None = None
    exact_limit: int = 3000
    seed: int = 0

    def fields_used(self) -> list[str]:
        return [c.field for c in self.criteria]


def _number(
    value: object, where: str, problems: list[str], *, integer: bool = False
) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(f"{where} must be a number, not {value!r}")
        return None
    if integer and not float(value).is_integer():
        problems.append(f"{where} must be a whole number, not {value!r}")
        return None
    return float(value)


def load_config(data: Mapping[str, Any]) -> ProgramConfig:
    """Build a ``ProgramConfig`` from a mapping; raise ``ConfigError`` listing every problem."""
    problems: list[str] = []
    _check_settings(data, problems)
    kind = _parse_kind(data, problems)
    criteria = _parse_criteria(data, problems)
    if not criteria and not problems:
        problems.append("at least one [[criteria]] table is needed")
    constraints = _constraints(data.get("constraints", {}), problems)
    round_number = _parse_round(data, problems)
    reference_date = _parse_reference_date(data, problems)
    backend = _parse_text_backend(data, problems)
    candidates_k = _parse_candidates_k(data, problems)
    exact_limit = _parse_exact_limit(data, problems)
    seed = _parse_seed(data, problems)
    if problems:
        raise ConfigError(problems)
    return ProgramConfig(
        kind=cast(ProgramKind, kind),
        criteria=criteria,
        constraints=constraints,
        round_number=round_number,
        reference_date=reference_date,
        text_backend=str(backend),
        candidates_k=candidates_k,
        exact_limit=exact_limit,
        seed=seed,
    )


# --- program settings ---------------------------------------------------------------------------


def _check_settings(data: Mapping[str, Any], problems: list[str]) -> None:
    for key in data:
        if key not in PROGRAM_KEYS:
            problems.append(f"unknown setting {key!r} (known: {', '.join(sorted(PROGRAM_KEYS))})")


def _parse_kind(data: Mapping[str, Any], problems: list[str]) -> object:
    kind = data.get("kind", "peer_pairs")
    if kind not in PROGRAM_KINDS:
        problems.append(f"kind {kind!r} is not one of {', '.join(PROGRAM_KINDS)}")
    return kind


def _parse_round(data: Mapping[str, Any], problems: list[str]) -> int | None:
    round_number = data.get("round_number", data.get("round"))
    if round_number is None:
        return None
    value = _number(round_number, "round", problems, integer=True)
    return int(value) if value is not None else None


def _parse_reference_date(data: Mapping[str, Any], problems: list[str]) -> dt.date | None:
    reference_date = data.get("reference_date")
    if isinstance(reference_date, str):
        try:
            return dt.date.fromisoformat(reference_date)
        except ValueError:
            problems.append(f"reference_date {reference_date!r} is not a date (YYYY-MM-DD)")
            return None
    if isinstance(reference_date, dt.datetime):
        return reference_date.date()
    if reference_date is not None and not isinstance(reference_date, dt.date):
        problems.append("reference_date must be a date (YYYY-MM-DD)")
        return None
    return reference_date


def _parse_text_backend(data: Mapping[str, Any], problems: list[str]) -> object:
    backend = data.get("text_backend", "auto")
    if backend not in ("auto", "tfidf", "embedding"):
        problems.append(f"text_backend {backend!r} is not one of auto, tfidf, embedding")
    return backend


def _parse_candidates_k(data: Mapping[str, Any], problems: list[str]) -> int | None:
    """A list length of at least 1; anything smaller means "pick by problem size"."""
    candidates_k = data.get("candidates_k")
    if candidates_k is None:
        return None
    value = _number(candidates_k, "candidates_k", problems, integer=True)
    return int(value) if value is not None and value >= 1 else None


def _parse_exact_limit(data: Mapping[str, Any], problems: list[str]) -> int:
    value = _number(data.get("exact_limit", 3000), "exact_limit", problems, integer=True)
    return int(value or 3000)


def _parse_seed(data: Mapping[str, Any], problems: list[str]) -> int:
    seed = data.get("seed", 0)
    _number(seed, "seed", problems, integer=True)
    return int(seed) if isinstance(seed, int) else 0


# --- [[criteria]] ---------------------------------------------------------------------------------


def _parse_criteria(data: Mapping[str, Any], problems: list[str]) -> list[Criterion]:
    raw_criteria = data.get("criteria", [])
    if not isinstance(raw_criteria, list):
        problems.append("criteria must be a list of [[criteria]] tables")
        raw_criteria = []
    criteria = []
    for number, raw in enumerate(raw_criteria, start=1):
        criterion = _parse_criterion(number, raw, problems)
        if criterion is not None:
            criteria.append(criterion)
    return criteria


def _parse_criterion(number: int, raw: object, problems: list[str]) -> Criterion | None:
    """None when the table is unusable (no field, an unknown rule); other problems are listed
    and the criterion is still built, so every problem is found in one pass."""
    where = f"criteria #{number}"
    if not isinstance(raw, Mapping):
        problems.append(f"{where} must be a table")
        return None
    problems.extend(f"{where}: unknown key {key!r}" for key in raw if key not in CRITERION_KEYS)
    name = raw.get("field")
    rule = raw.get("rule")
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{where}: 'field' is required")
        return None
    where = f"criteria #{number} ({name})"
    if rule not in RULES:
        problems.append(f"{where}: rule {rule!r} is not one of {', '.join(RULES)}")
        return None
    allowed = BUILTIN_FIELDS.get(name)
    if allowed is not None and rule not in allowed:
        problems.append(
            f"{where}: rule {rule!r} does not apply to {name!r} (use {' or '.join(allowed)})"
        )
    return _criterion(where, name, cast(Rule, rule), raw, problems)


def _criterion(
    where: str, name: str, rule: Rule, raw: Mapping[str, Any], problems: list[str]
) -> Criterion:
    weight = _number(raw.get("weight", 1.0), f"{where}: weight", problems)
    if weight is not None and weight < 0:
        problems.append(f"{where}: weight must not be negative")
    must_have = raw.get("must_have", False)
    if not isinstance(must_have, bool):
        problems.append(f"{where}: must_have must be true or false")
        must_have = False
    max_difference = None
    if "max_difference" in raw:
        max_difference = _number(raw["max_difference"], f"{where}: max_difference", problems)
        if rule != "close":
            problems.append(f"{where}: max_difference only applies to rule 'close'")
    return Criterion(
        field=name.strip(),
        rule=rule,
        weight=weight if weight is not None else 1.0,
        must_have=must_have,
        max_difference=max_difference,
        order=_order(where, raw, problems),
        label=str(raw.get("label", "")),
        **_minimums(where, raw, problems),
    )


def _order(where: str, raw: Mapping[str, Any], problems: list[str]) -> tuple[str, ...]:
    order = raw.get("order", [])
    if not isinstance(order, list) or not all(isinstance(o, str) for o in order):
        problems.append(f"{where}: order must be a list of labels")
        return ()
    return tuple(order)


def _minimums(where: str, raw: Mapping[str, Any], problems: list[str]) -> dict[str, float]:
    """min_overlap_hours and min_similarity, when given (else the Criterion defaults)."""
    extra: dict[str, float] = {}
    for key in ("min_overlap_hours", "min_similarity"):
        if key in raw:
            value = _number(raw[key], f"{where}: {key}", problems)
            if value is not None:
                extra[key] = value
    return extra


# --- [constraints] ----------------------------------------------------------------------------

_INVALID = object()


def _constraints(raw: object, problems: list[str]) -> Constraints:
    if not isinstance(raw, Mapping):
        problems.append("[constraints] must be a table")
        return Constraints()
    known = {f.name: f for f in fields(Constraints)}
    defaults = Constraints()
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            problems.append(f"[constraints]: unknown key {key!r} (known: {', '.join(known)})")
            continue
        parsed = _constraint(key, value, getattr(defaults, key), problems)
        if parsed is not _INVALID:
            values[key] = parsed
    group_size = values.get("group_size", 4)
    if not 3 <= group_size <= 6:
        problems.append(f"[constraints]: group_size must be between 3 and 6, not {group_size}")
    return Constraints(**values)


def _constraint(key: str, value: object, default: object, problems: list[str]) -> object:
    """The value to use, typed like the default, or ``_INVALID`` (with the problem listed)."""
    where = f"[constraints]: {key}"
    if key in ("locks", "forbids"):
        return _id_lists(key, value, problems)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            problems.append(f"{where} must be true or false")
            return _INVALID
        return value
    if key in ("repeat_cooldown_rounds", "repeat_cooldown_days"):
        number = _number(value, where, problems, integer=True)
        return int(number) if number is not None else _INVALID
    number = _number(value, where, problems, integer=isinstance(default, int))
    if number is None:
        return _INVALID
    return int(number) if isinstance(default, int) else number


def _id_lists(key: str, value: object, problems: list[str]) -> object:
    """Locks and forbids: lists of at least two ids (a forbid names exactly two)."""
    if not isinstance(value, list) or not all(
        isinstance(v, list) and len(v) >= 2 and all(isinstance(x, str) for x in v) for v in value
    ):
        problems.append(
            f"[constraints]: {key} must be a list of lists of ids, e.g. "
            f'[["ana@x.org", "ben@x.org"]]'
        )
        return _INVALID
    if key == "forbids" and any(len(v) != 2 for v in value):
        problems.append("[constraints]: each forbid names exactly two ids")
    return tuple(tuple(v) for v in value)


def unknown_fields(config: ProgramConfig, columns: Iterable[str]) -> list[str]:
    """Criterion fields that are neither built in nor a column of the spreadsheet."""
    available = set(columns)
    missing = []
    for c in config.criteria:
        if c.field in BUILTIN_FIELDS:
            continue
        if c.rule == "complementary":
            if f"{c.field}_offered" not in available or f"{c.field}_wanted" not in available:
                missing.append(c.field)
        elif c.field not in available:
            missing.append(c.field)
    return missing


def build_problem(participants: list[Participant], config: ProgramConfig) -> Problem:
    return Problem(
        kind=config.kind,
        participants=participants,
        criteria=list(config.criteria),
        constraints=config.constraints,
        round_number=config.round_number,
        reference_date=config.reference_date,
        text_backend=config.text_backend,
        candidates_k=config.candidates_k,
        exact_limit=config.exact_limit,
    )
