"""Plain-language explanations: why a pair or group was made, why someone was left out."""

from __future__ import annotations

import numpy as np

from tandem.matching.records import Factor, Participant
from tandem.matching.scoring import (
    CategoricalTerm,
    ComplementaryTerm,
    OrderedTerm,
    ScoreModel,
    SetOverlapTerm,
    Term,
    TextTerm,
    TimezoneTerm,
    canonical_field,
    get_value,
    pair_keys,
)
from tandem.matching.text import shared_terms
from tandem.matching.timezones import utc_offset_label

MAX_FACTORS = 8


def display(person: Participant) -> str:
    return person.name or person.id


def _items(items: list[str], limit: int = 3) -> str:
    shown = items[:limit]
    more = len(items) - len(shown)
    text = ", ".join(shown[:-1]) + (" and " if len(shown) > 1 else "") + shown[-1] if shown else ""
    return text + (f" (+{more} more)" if more > 0 else "")


def _plural(field: str) -> str:
    word = field.replace("_", " ")
    return word if word.endswith("s") else word + "s"


def _term_factors(model: ScoreModel, term: Term, a: int, b: int) -> list[Factor]:
    pa, pb = model.participants[a], model.participants[b]
    na, nb = display(pa), display(pb)
    field = term.criterion.field
    rule = term.criterion.rule
    ua, vb = np.array([a]), np.array([b])
    value = float(term.values(ua, vb)[0])
    out: list[Factor] = []

    def add(direction: str, text: str, val: float, share: float = 1.0) -> None:
        out.append(Factor(field, rule, direction, text, round(val, 4), round(term.weight, 4),
                          round(term.weight * val * share, 4)))

    if isinstance(term, ComplementaryTerm):
        for src, dst, s_name, d_name, direction in ((a, b, na, nb, "a->b"), (b, a, nb, na, "b->a")):
            given = [term.vocabulary[c] for c in term.offered[src] if c in set(term.wanted[dst])]
            share = float(term.directional(np.array([src]), np.array([dst]))[0])
            if given:
                labels = _labels(model, src, field, given)
                add(direction, f"{s_name} offers {_items(labels)}, which {d_name} wants", share, 0.5)
            else:
                add(direction, f"{s_name} offers nothing {d_name} listed as wanted", 0.0, 0.5)
    elif isinstance(term, TimezoneTerm):
        hours = float(term.overlap(ua, vb)[0])
        if pa.timezone == pb.timezone:
            where = f"both in {pa.timezone}"
        else:
            where = (f"{utc_offset_label(pa.timezone, model.reference_date)} and "
                     f"{utc_offset_label(pb.timezone, model.reference_date)}")
        add("both", f"{hours:g} shared working hours ({where})", value)
    elif isinstance(term, SetOverlapTerm):
        shared = int(term.shared(ua, vb)[0])
        if term.slot_hours:
            add("both", f"{shared * term.slot_hours:g} shared available hours a week", value)
        else:
            common = [term.vocabulary[c] for c in term.items[a] if c in set(term.items[b])]
            labels = _labels(model, a, field, common)
            if canonical_field(field) == "languages":
                text = f"both speak {_items(labels)}" if labels else "no shared language"
            else:
                text = (f"shared {field.replace('_', ' ')}: {_items(labels)}" if labels
                        else f"no shared {field.replace('_', ' ')}")
            add("both", text, value)
    elif isinstance(term, OrderedTerm):
        xa, xb = get_value(pa, field), get_value(pb, field)
        diff = abs(float(term.positions[a] - term.positions[b])) if value or not np.isnan(
            term.positions[a] - term.positions[b]) else None
        if diff is None:
            add("both", f"{field} unknown", value)
        elif diff == 0:
            add("both", f"same {field} ({xa})", value)
        else:
            add("both", f"{field} {xa} and {xb} ({diff:g} apart)", value)
    elif isinstance(term, CategoricalTerm):
        xa, xb = get_value(pa, field), get_value(pb, field)
        label = field.replace("_", " ")
        if rule == "same":
            text = f"both in {label} {xa}" if value else f"different {_plural(field)} ({xa}, {xb})"
        else:
            text = f"different {_plural(field)} ({xa}, {xb})" if value else f"same {label} ({xa})"
        add("both", text, value)
    elif isinstance(term, TextTerm):
        words = shared_terms(str(get_value(pa, field) or ""), str(get_value(pb, field) or ""))
        if value >= 0.5:
            text = f"very similar {field.replace('_', ' ')}"
        elif value >= 0.2:
            text = f"similar {field.replace('_', ' ')}"
        else:
            text = f"different {field.replace('_', ' ')}"
        if words and value >= 0.2:
            text += f" ({', '.join(words)})"
        add("both", text, max(0.0, value))
    return out


def _labels(model: ScoreModel, person: int, field: str, normalised: list[str]) -> list[str]:
    """Map normalised tokens back to how the person wrote them."""
    p = model.participants[person]
    if field in ("skills", "skill"):
        raw = list(p.skills_offered) + list(p.skills_wanted)
    else:
        from tandem.matching.scoring import as_list

        raw = list(as_list(get_value(p, field)))
        raw += list(as_list(p.custom.get(f"{field}_offered"))) + list(
            as_list(p.custom.get(f"{field}_wanted"))
        )
    lookup = {" ".join(r.lower().split()): r for r in raw}
    return [lookup.get(x, x) for x in normalised]


def pair_factors(model: ScoreModel, a: int, b: int) -> list[Factor]:
    """Every factor of the pair (a, b), strongest contribution first."""
    factors: list[Factor] = []
    for term in model.terms:
        if term.weight > 0:
            factors.extend(_term_factors(model, term, a, b))
    bonus = float(model.bonus(np.array([a]), np.array([b]))[0])
    if bonus > 0:
        pa, pb = model.participants[a], model.participants[b]
        a_wants, b_wants = pb.id in pa.preferred, pa.id in pb.preferred
        if a_wants and b_wants:
            text = f"{display(pa)} and {display(pb)} asked for each other"
        elif a_wants:
            text = f"{display(pa)} asked to be matched with {display(pb)}"
        else:
            text = f"{display(pb)} asked to be matched with {display(pa)}"
        factors.append(Factor("preferred", "wish", "both", text, 1.0, round(bonus, 4),
                              round(bonus, 4)))
    factors.sort(key=lambda f: -f.contribution)
    return factors


def explanation_lines(factors: list[Factor]) -> list[str]:
    lines = [f.text for f in factors if f.contribution > 0][:MAX_FACTORS]
    return lines or ["no criterion scores for this pair; it satisfies every hard rule"]


def per_member_lines(model: ScoreModel, a: int, b: int, factors: list[Factor]) -> dict[str, list[str]]:
    """What each member of the pair gets: factors in their direction plus the shared ones."""
    ida, idb = model.ids[a], model.ids[b]
    out: dict[str, list[str]] = {ida: [], idb: []}
    for f in factors:
        if f.contribution <= 0:
            continue
        if f.direction in ("b->a", "both"):
            out[ida].append(f.text)
        if f.direction in ("a->b", "both"):
            out[idb].append(f.text)
    return out


# ---------------------------------------------------------------------------------------------
# Why someone was left out
# ---------------------------------------------------------------------------------------------


def _filters(model: ScoreModel, i: int) -> list[tuple[str, object]]:
    """(phrase, predicate over partner ids) for every hard rule, in reading order."""
    person = model.participants[i]
    filters: list[tuple[str, object]] = []
    for term in model.terms:
        if not term.criterion.must_have:
            continue
        c = term.criterion
        field = c.field.replace("_", " ")
        if isinstance(term, OrderedTerm):
            phrase = f"within {c.max_difference or 0:g} {_plural(c.field)}"
            if np.isnan(term.positions[i]):
                phrase = f"(your {field} is missing)"
        elif isinstance(term, CategoricalTerm):
            phrase = f"in the same {field}" if c.rule == "same" else f"from a different {field}"
        elif isinstance(term, ComplementaryTerm):
            phrase = f"whose {field} complement yours"
        elif isinstance(term, TimezoneTerm):
            phrase = f"with at least {c.min_overlap_hours:g} shared working hours"
        elif isinstance(term, SetOverlapTerm):
            phrase = (f"with at least {c.min_overlap_hours:g} shared available hours"
                      if term.slot_hours else f"who shares one of your {_plural(c.field)}")
        elif isinstance(term, TextTerm):
            phrase = f"with similar {field}"
        else:
            phrase = f"matching your {field}"
        filters.append((phrase, term.must_ok))
    if model.constraints.exclude_same_manager and person.manager_id:
        filters.append(("who does not share your manager", "manager"))
    if len(model.excluded_keys):
        filters.append(("outside your reporting line, past partners and 'please not' lists",
                        "excluded"))
    return filters


def _passes(model: ScoreModel, rule: object, i: int, others: np.ndarray) -> np.ndarray:
    me = np.full(len(others), i, np.int64)
    if rule == "manager":
        mi, mo = model.manager_codes[i], model.manager_codes[others]
        return ~((mi >= 0) & (mo == mi))
    if rule == "excluded":
        keys = pair_keys(me, others, model.n)
        pos = np.searchsorted(model.excluded_keys, keys).clip(0, len(model.excluded_keys) - 1)
        return model.excluded_keys[pos] != keys
    return np.asarray(rule(me, others), bool)  # type: ignore[operator]


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
        filters = _filters(model, i)
        masks = [(phrase, _passes(model, rule, i, others)) for phrase, rule in filters]
        binding = [phrase for phrase, mask in masks if not mask.all()]
        if not binding:
            return prefix + f"no {partner_word} is possible under the program's rules"
        # keep the rules that matter: dropping any one of them would free a partner
        essential = []
        for phrase, mask in masks:
            rest = np.ones(len(others), bool)
            for other_phrase, other_mask in masks:
                if other_phrase != phrase:
                    rest &= other_mask
            if rest.any():
                essential.append(phrase)
        chosen = essential or binding
        return prefix + f"no one {' '.join(chosen)}"
    busy = int(taken[others[feasible]].sum())
    if busy == count:
        who = "mentor" if partner_word == "mentor" else "person"
        plural = "" if count == 1 else "s"
        verb = "is" if count == 1 else "are"
        if partner_word in ("mentor", "buddy"):
            return prefix + (f"all {count} {partner_word}{plural} you could be matched with "
                             f"{verb} at capacity")
        return prefix + (f"the {count} {who}{plural} you could be paired with {verb} already "
                         f"matched, and pairing you instead would leave someone else out or "
                         f"lower the total")
    return prefix + "left over after the best overall arrangement"
