"""Plain-language explanations: why a pair or group was made, why someone was left out."""

from __future__ import annotations

import contextlib
import functools

import numpy as np

from tandem.matching.fields import as_list, canonical_field, get_value
from tandem.matching.records import Factor, Participant
from tandem.matching.scoring import ScoreModel, pair_keys
from tandem.matching.terms import (
    CategoricalTerm,
    ComplementaryTerm,
    OrderedTerm,
    SetOverlapTerm,
    TextTerm,
    TimezoneTerm,
)
from tandem.matching.text import token_tuple
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


class Explainer:
    """Per-person data prepared once, so explaining many pairs costs Python string work only."""

    def __init__(self, model: ScoreModel) -> None:
        self.model = model
        self.names = [display(p) for p in model.participants]
        self.sets: dict[int, tuple[list[frozenset[int]], list[frozenset[int]]]] = {}
        self.tokens: dict[int, list[tuple[str, ...]]] = {}
        self.labels: dict[int, list[str]] = {}
        self.raw: dict[str, list[object]] = {}
        for t, term in enumerate(model.terms):
            if isinstance(term, ComplementaryTerm):
                self.sets[t] = (
                    [frozenset(o) for o in term.offered],
                    [frozenset(w) for w in term.wanted],
                )
            elif isinstance(term, SetOverlapTerm) and not term.slot_hours:
                self.sets[t] = ([frozenset(i) for i in term.items], [])
            elif isinstance(term, TextTerm):
                field = term.criterion.field
                self.tokens[t] = [
                    token_tuple(str(get_value(p, field) or "")) for p in model.participants
                ]
            elif isinstance(term, TimezoneTerm):
                self.labels[t] = [
                    utc_offset_label(z, model.reference_date) for z, _ in term.profiles
                ]

    def raw_values(self, field: str) -> list[object]:
        """Each person's value of a field as written (for the sentences), looked up once."""
        values = self.raw.get(field)
        if values is None:
            values = self.raw[field] = [get_value(p, field) for p in self.model.participants]
        return values

    def pairs(self, a_ids: np.ndarray, b_ids: np.ndarray) -> list[list[Factor]]:
        """Every factor of each pair, strongest contribution first."""
        model = self.model
        a_ids = np.asarray(a_ids, np.int64)
        b_ids = np.asarray(b_ids, np.int64)
        out: list[list[Factor]] = [[] for _ in range(len(a_ids))]
        al, bl = a_ids.tolist(), b_ids.tolist()
        for t, term in enumerate(model.terms):
            if term.weight <= 0:
                continue
            field, rule, weight = term.criterion.field, term.criterion.rule, term.weight
            values = term.values(a_ids, b_ids).tolist()
            w4 = round(weight, 4)

            def factor(
                direction: str,
                text: str,
                val: float,
                share: float = 1.0,
                field: str = field,
                rule: str = rule,
                weight: float = weight,
                w4: float = w4,
            ) -> Factor:
                return Factor(
                    field, rule, direction, text, round(val, 4), w4, round(weight * val * share, 4)
                )

            if isinstance(term, ComplementaryTerm):
                offered, wanted = self.sets[t]
                ab = term.directional(a_ids, b_ids).tolist()
                ba = term.directional(b_ids, a_ids).tolist()
                for i, (a, b) in enumerate(zip(al, bl, strict=True)):
                    for src, dst, share, direction in (
                        (a, b, ab[i], "a->b"),
                        (b, a, ba[i], "b->a"),
                    ):
                        given = sorted(offered[src] & wanted[dst])
                        if given:
                            labels = _labels(model, src, field, [term.vocabulary[c] for c in given])
                            text = (
                                f"{self.names[src]} offers {_items(labels)}, "
                                f"which {self.names[dst]} wants"
                            )
                        else:
                            text = (
                                f"{self.names[src]} offers nothing {self.names[dst]} "
                                "listed as wanted"
                            )
                        out[i].append(factor(direction, text, share, 0.5))
            elif isinstance(term, TimezoneTerm):
                hours = term.overlap(a_ids, b_ids).tolist()
                labels = self.labels[t]
                codes = term.codes[a_ids].tolist(), term.codes[b_ids].tolist()
                made: dict[tuple[int, int], Factor] = {}  # the zone profiles decide the factor
                for i, (a, b) in enumerate(zip(al, bl, strict=True)):
                    key = (codes[0][i], codes[1][i])
                    done = made.get(key)
                    if done is None:
                        za, zb = model.participants[a].timezone, model.participants[b].timezone
                        if za == zb:
                            where = f"both in {za}"
                        else:
                            where = f"{labels[key[0]]} and {labels[key[1]]}"
                        text = f"{hours[i]:g} shared working hours ({where})"
                        done = made[key] = factor("both", text, values[i])
                    out[i].append(done)
            elif isinstance(term, SetOverlapTerm):
                shared = term.shared(a_ids, b_ids).tolist()
                for i, (a, b) in enumerate(zip(al, bl, strict=True)):
                    if term.slot_hours:
                        text = f"{shared[i] * term.slot_hours:g} shared available hours a week"
                    else:
                        items = self.sets[t][0]
                        common = sorted(items[a] & items[b])
                        labels = _labels(model, a, field, [term.vocabulary[c] for c in common])
                        word = field.replace("_", " ")
                        if canonical_field(field) == "languages":
                            text = (
                                f"both speak {_items(labels)}" if labels else "no shared language"
                            )
                        else:
                            text = (
                                f"shared {word}: {_items(labels)}"
                                if labels
                                else f"no shared {word}"
                            )
                    out[i].append(factor("both", text, values[i]))
            elif isinstance(term, OrderedTerm):
                raw = self.raw_values(field)
                seen_o: dict[tuple[object, object], Factor] = {}  # the two values decide it
                for i, (a, b) in enumerate(zip(al, bl, strict=True)):
                    xa, xb = raw[a], raw[b]
                    key_o = (xa, xb)
                    done = _cached(seen_o, key_o)
                    if done is None:
                        diff = term.positions[a] - term.positions[b]
                        if np.isnan(diff):
                            text = f"{field} unknown"
                        elif diff == 0:
                            text = f"same {field} ({xa})"
                        else:
                            text = f"{field} {xa} and {xb} ({abs(float(diff)):g} apart)"
                        done = _remember(seen_o, key_o, factor("both", text, values[i]))
                    out[i].append(done)
            elif isinstance(term, CategoricalTerm):
                label = field.replace("_", " ")
                raw = self.raw_values(field)
                seen_c: dict[tuple[object, object], Factor] = {}  # the two values decide it
                for i, (a, b) in enumerate(zip(al, bl, strict=True)):
                    xa, xb = raw[a], raw[b]
                    done = _cached(seen_c, (xa, xb))
                    if done is not None:
                        out[i].append(done)
                        continue
                    if rule == "same":
                        text = (
                            f"both in {label} {xa}"
                            if values[i]
                            else f"different {_plural(field)} ({xa}, {xb})"
                        )
                    else:
                        text = (
                            f"different {_plural(field)} ({xa}, {xb})"
                            if values[i]
                            else f"same {label} ({xa})"
                        )
                    out[i].append(_remember(seen_c, (xa, xb), factor("both", text, values[i])))
            elif isinstance(term, TextTerm):
                words_of = self.tokens[t]
                label = field.replace("_", " ")
                for i, (a, b) in enumerate(zip(al, bl, strict=True)):
                    value = values[i]
                    if value >= 0.5:
                        text = f"very similar {label}"
                    elif value >= 0.2:
                        text = f"similar {label}"
                    else:
                        text = f"different {label}"
                    if value >= 0.2:
                        other = set(words_of[b])
                        common = list(dict.fromkeys(w for w in words_of[a] if w in other))[:3]
                        if common:
                            text += f" ({', '.join(common)})"
                    out[i].append(factor("both", text, max(0.0, value)))
        bonus = model.bonus(a_ids, b_ids).tolist()
        for i, (a, b) in enumerate(zip(al, bl, strict=True)):
            if bonus[i] > 0:
                pa, pb = model.participants[a], model.participants[b]
                a_wants, b_wants = pb.id in pa.preferred, pa.id in pb.preferred
                if a_wants and b_wants:
                    text = f"{self.names[a]} and {self.names[b]} asked for each other"
                elif a_wants:
                    text = f"{self.names[a]} asked to be matched with {self.names[b]}"
                else:
                    text = f"{self.names[b]} asked to be matched with {self.names[a]}"
                out[i].append(
                    Factor(
                        "preferred",
                        "wish",
                        "both",
                        text,
                        1.0,
                        round(bonus[i], 4),
                        round(bonus[i], 4),
                    )
                )
            out[i].sort(key=lambda f: -f.contribution)
        return out


def _cached(seen: dict[tuple[object, object], Factor], key: tuple[object, object]) -> Factor | None:
    try:
        return seen.get(key)
    except TypeError:  # an unhashable value: no reuse
        return None


def _remember(
    seen: dict[tuple[object, object], Factor], key: tuple[object, object], made: Factor
) -> Factor:
    """Factors are immutable, so pairs with the same two values share one."""
    with contextlib.suppress(TypeError):
        seen[key] = made
    return made


def _labels(model: ScoreModel, person: int, field: str, normalised: list[str]) -> list[str]:
    """Map normalised tokens back to how the person wrote them."""
    cache: dict[tuple[int, str], dict[str, str]] = model.__dict__.setdefault("_label_cache", {})
    lookup = cache.get((person, field))
    if lookup is None:
        p = model.participants[person]
        if field in ("skills", "skill"):
            raw = list(p.skills_offered) + list(p.skills_wanted)
        else:
            raw = list(as_list(get_value(p, field)))
            raw += list(as_list(p.custom.get(f"{field}_offered"))) + list(
                as_list(p.custom.get(f"{field}_wanted"))
            )
        lookup = {_normalised(r): r for r in raw}
        cache[(person, field)] = lookup
    return [lookup.get(x, x) for x in normalised]


@functools.lru_cache(maxsize=1 << 16)
def _normalised(text: str) -> str:
    return " ".join(text.lower().split())


def explainer(model: ScoreModel) -> Explainer:
    cached = getattr(model, "_explainer", None)
    if cached is None:
        cached = Explainer(model)
        model._explainer = cached  # type: ignore[attr-defined]
    return cached


def pair_factors(model: ScoreModel, a: int, b: int) -> list[Factor]:
    """Every factor of the pair (a, b), strongest contribution first."""
    return explainer(model).pairs(np.array([a]), np.array([b]))[0]


def explanation_lines(factors: list[Factor]) -> list[str]:
    lines = [f.text for f in factors if f.contribution > 0][:MAX_FACTORS]
    return lines or ["no criterion scores for this pair; it satisfies every hard rule"]


def per_member_lines(
    model: ScoreModel, a: int, b: int, factors: list[Factor]
) -> dict[str, list[str]]:
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
            phrase = (
                f"with at least {c.min_overlap_hours:g} shared available hours"
                if term.slot_hours
                else f"who shares one of your {_plural(c.field)}"
            )
        elif isinstance(term, TextTerm):
            phrase = f"with similar {field}"
        else:
            phrase = f"matching your {field}"
        filters.append((phrase, term.must_ok))
    if model.constraints.exclude_same_manager and person.manager_id:
        filters.append(("who does not share your manager", "manager"))
    if len(model.excluded_keys):
        filters.append(
            ("outside your reporting line, past partners and 'please not' lists", "excluded")
        )
    return filters


def _missing_must_haves(model: ScoreModel, i: int) -> list[str]:
    """Must-have fields this person left empty (nobody can match them on it)."""
    out = []
    for term in model.terms:
        c = term.criterion
        if not c.must_have:
            continue
        field = c.field.replace("_", " ")
        empty = (
            (isinstance(term, OrderedTerm) and bool(np.isnan(term.positions[i])))
            or (isinstance(term, CategoricalTerm) and c.rule == "same" and term.codes[i] < 0)
            or (isinstance(term, SetOverlapTerm) and term.counts[i] == 0)
            or (isinstance(term, ComplementaryTerm) and not term.offered[i] and not term.wanted[i])
        )
        if empty:
            out.append(field)
    return out


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
        missing = _missing_must_haves(model, i)
        if missing:
            return prefix + (
                f"your {' and '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} missing, and the program "
                "requires a match on it"
            )
        filters = _filters(model, i)
        masks = [(phrase, _passes(model, rule, i, others)) for phrase, rule in filters]
        binding = [phrase for phrase, mask in masks if not mask.all()]
        if not binding:
            return prefix + f"no {partner_word} is possible under the program's rules"
        # keep the rules that matter: dropping any one of them would free a partner
        essential = []
        for phrase, _mask in masks:
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
            return prefix + (
                f"all {count} {partner_word}{plural} you could be matched with {verb} at capacity"
            )
        return prefix + (
            f"the {count} {who}{plural} you could be paired with {verb} already "
            f"matched, and pairing you instead would leave someone else out or "
            f"lower the total"
        )
    return prefix + "left over after the best overall arrangement"
