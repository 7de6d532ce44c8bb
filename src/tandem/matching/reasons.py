"""Why someone was left out: no feasible partner at all (and which rules decide it), or every
feasible partner already taken.

A reason names only the rules that matter: those whose removal alone would free a partner.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tandem.matching.explain import plural_of
from tandem.matching.scoring import ScoreModel, pair_keys
from tandem.matching.terms import (
    BoolArray,
    CategoricalTerm,
    ComplementaryTerm,
    OrderedTerm,
    SetOverlapTerm,
    Term,
    TextTerm,
    TimezoneTerm,
)

#: (the person, as many times as there are others; the others) -> which others pass the rule
Check = Callable[[np.ndarray, np.ndarray], np.ndarray]


def unmatched_reason(
    model: ScoreModel,
    i: int,
    pool: np.ndarray,
    *,
    taken: np.ndarray,
    kind: str,
    partner_word: str = "partner",
) -> str:
    """Why person ``i`` has no match: no feasible partner at all (which rules), or all taken."""
    others = pool[pool != i]
    if len(others) == 0:
        return f"no one else could be your {partner_word} in this program"
    feasible = model.feasible(np.full(len(others), i), others)
    count = int(feasible.sum())
    prefix = "Not paired this round: " if kind == "coffee_rotation" else ""
    if count == 0:
        return prefix + _no_feasible_partner(model, i, others, partner_word)
    busy = int(taken[others[feasible]].sum())
    if busy == count:
        return prefix + _all_taken(count, partner_word)
    return prefix + "left over after the best overall arrangement"


def _no_feasible_partner(model: ScoreModel, i: int, others: np.ndarray, partner_word: str) -> str:
    missing = _missing_must_haves(model, i)
    if missing:
        return (
            f"your {' and '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} missing, and the program "
            "requires a match on it"
        )
    me = np.full(len(others), i, np.int64)
    masks = [(phrase, np.asarray(check(me, others), bool)) for phrase, check in _filters(model, i)]
    binding = [phrase for phrase, mask in masks if not mask.all()]
    if not binding:
        return f"no {partner_word} is possible under the program's rules"
    chosen = _essential(masks, len(others)) or binding
    return f"no one {' '.join(chosen)}"


def _essential(masks: list[tuple[str, BoolArray]], count: int) -> list[str]:
    """The rules that matter: dropping any one of them would free a partner."""
    essential = []
    for phrase, _mask in masks:
        rest = np.ones(count, bool)
        for other_phrase, other_mask in masks:
            if other_phrase != phrase:
                rest &= other_mask
        if rest.any():
            essential.append(phrase)
    return essential


def _all_taken(count: int, partner_word: str) -> str:
    plural = "" if count == 1 else "s"
    verb = "is" if count == 1 else "are"
    if partner_word in ("mentor", "buddy"):
        return f"all {count} {partner_word}{plural} you could be matched with {verb} at capacity"
    who = "mentor" if partner_word == "mentor" else "person"
    return (
        f"the {count} {who}{plural} you could be paired with {verb} already "
        f"matched, and pairing you instead would leave someone else out or "
        f"lower the total"
    )


def _filters(model: ScoreModel, i: int) -> list[tuple[str, Check]]:
    """(phrase, check) for every hard rule, in reading order."""
    filters: list[tuple[str, Check]] = [
        (_must_have_phrase(term, i), term.must_ok)
        for term in model.terms
        if term.criterion.must_have
    ]
    if model.constraints.exclude_same_manager and model.participants[i].manager_id:
        filters.append(("who does not share your manager", _other_manager(model)))
    if len(model.excluded_keys):
        filters.append(
            (
                "outside your reporting line, past partners and 'please not' lists",
                _not_excluded(model),
            )
        )
    return filters


def _must_have_phrase(term: Term, i: int) -> str:
    c = term.criterion
    field = c.field.replace("_", " ")
    if isinstance(term, OrderedTerm):
        if np.isnan(term.positions[i]):
            return f"(your {field} is missing)"
        return f"within {c.max_difference or 0:g} {plural_of(c.field)}"
    if isinstance(term, CategoricalTerm):
        return f"in the same {field}" if c.rule == "same" else f"from a different {field}"
    if isinstance(term, ComplementaryTerm):
        return f"whose {field} complement yours"
    if isinstance(term, TimezoneTerm):
        return f"with at least {c.min_overlap_hours:g} shared working hours"
    if isinstance(term, SetOverlapTerm):
        if term.slot_hours:
            return f"with at least {c.min_overlap_hours:g} shared available hours"
        return f"who shares one of your {plural_of(c.field)}"
    if isinstance(term, TextTerm):
        return f"with similar {field}"
    return f"matching your {field}"


def _other_manager(model: ScoreModel) -> Check:
    def check(me: np.ndarray, others: np.ndarray) -> np.ndarray:
        mine, theirs = model.manager_codes[me], model.manager_codes[others]
        differs: BoolArray = ~((mine >= 0) & (theirs == mine))
        return differs

    return check


def _not_excluded(model: ScoreModel) -> Check:
    def check(me: np.ndarray, others: np.ndarray) -> np.ndarray:
        keys = pair_keys(me, others, model.n)
        pos = np.searchsorted(model.excluded_keys, keys).clip(0, len(model.excluded_keys) - 1)
        allowed: BoolArray = model.excluded_keys[pos] != keys
        return allowed

    return check


def _missing_must_haves(model: ScoreModel, i: int) -> list[str]:
    """Must-have fields this person left empty (nobody can match them on it)."""
    return [
        term.criterion.field.replace("_", " ")
        for term in model.terms
        if term.criterion.must_have and _is_empty(term, i)
    ]


def _is_empty(term: Term, i: int) -> bool:
    if isinstance(term, OrderedTerm):
        return bool(np.isnan(term.positions[i]))
    if isinstance(term, CategoricalTerm):
        return term.criterion.rule == "same" and bool(term.codes[i] < 0)
    if isinstance(term, SetOverlapTerm):
        return bool(term.counts[i] == 0)
    if isinstance(term, ComplementaryTerm):
        return not term.offered[i] and not term.wanted[i]
    return False
