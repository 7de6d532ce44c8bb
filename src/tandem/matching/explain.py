"""Plain-language explanations: why a pair or group was made.

One explainer per rule turns that criterion's part of the score into a sentence for a whole
batch of pairs at once; per-person data is prepared once per model, so explaining many pairs
costs Python string work only. Pairs with the same two values share one (immutable) factor.
"""

from __future__ import annotations

import contextlib
import functools
from typing import Generic, NamedTuple, Protocol, TypeVar

import numpy as np

from tandem.matching.fields import as_list, canonical_field, get_value
from tandem.matching.records import Factor, Participant
from tandem.matching.scoring import ScoreModel
from tandem.matching.terms import (
    CategoricalTerm,
    ComplementaryTerm,
    OrderedTerm,
    SetOverlapTerm,
    Term,
    TextTerm,
    TimezoneTerm,
)
from tandem.matching.text import token_tuple
from tandem.matching.timezones import utc_offset_label

MAX_FACTORS = 8
T = TypeVar("T", bound=Term)
Seen = dict[tuple[object, object], Factor]


def display(person: Participant) -> str:
    return person.name or person.id


def _items(items: list[str], limit: int = 3) -> str:
    shown = items[:limit]
    more = len(items) - len(shown)
    text = ", ".join(shown[:-1]) + (" and " if len(shown) > 1 else "") + shown[-1] if shown else ""
    return text + (f" (+{more} more)" if more > 0 else "")


def plural_of(field: str) -> str:
    word = field.replace("_", " ")
    return word if word.endswith("s") else word + "s"


class PairBatch(NamedTuple):
    """The pairs to explain, as arrays (for the terms) and as lists (for the sentences)."""

    a: np.ndarray
    b: np.ndarray
    a_list: list[int]
    b_list: list[int]

    def people(self) -> zip[tuple[int, int]]:
        return zip(self.a_list, self.b_list, strict=True)


class PairExplainer(Protocol):
    """Appends its factors (sentences with their share of the score) to each pair's list."""

    def explain(self, pairs: PairBatch, out: list[list[Factor]]) -> None: ...


class Explainer:
    """The rule explainers of one model and the per-person data they share."""

    def __init__(self, model: ScoreModel) -> None:
        self.model = model
        self.names = [display(p) for p in model.participants]
        self.raw: dict[str, list[object]] = {}
        self.written: dict[tuple[int, str], dict[str, str]] = {}
        self.rules: list[PairExplainer] = [
            r for r in (rule_explainer(t, self) for t in model.terms) if r is not None
        ]
        self.wishes = WishExplainer(self)

    def raw_values(self, field: str) -> list[object]:
        """Each person's value of a field as written (for the sentences), looked up once."""
        values = self.raw.get(field)
        if values is None:
            values = self.raw[field] = [get_value(p, field) for p in self.model.participants]
        return values

    def labels(self, person: int, field: str, normalised: list[str]) -> list[str]:
        """Map normalised tokens back to how the person wrote them."""
        lookup = self.written.get((person, field))
        if lookup is None:
            p = self.model.participants[person]
            if field in ("skills", "skill"):
                raw = list(p.skills_offered) + list(p.skills_wanted)
            else:
                raw = list(as_list(get_value(p, field)))
                raw += list(as_list(p.custom.get(f"{field}_offered"))) + list(
                    as_list(p.custom.get(f"{field}_wanted"))
                )
            lookup = {_normalised(r): r for r in raw}
            self.written[(person, field)] = lookup
        return [lookup.get(x, x) for x in normalised]

    def pairs(self, a_ids: np.ndarray, b_ids: np.ndarray) -> list[list[Factor]]:
        """Every factor of each pair, strongest contribution first."""
        a_ids = np.asarray(a_ids, np.int64)
        b_ids = np.asarray(b_ids, np.int64)
        batch = PairBatch(a_ids, b_ids, a_ids.tolist(), b_ids.tolist())
        out: list[list[Factor]] = [[] for _ in range(len(a_ids))]
        for rule in self.rules:
            rule.explain(batch, out)
        self.wishes.explain(batch, out)
        for factors in out:
            factors.sort(key=_strongest_first)
        return out


def _strongest_first(factor: Factor) -> float:
    return -factor.contribution


def rule_explainer(term: Term, owner: Explainer) -> PairExplainer | None:
    """The explainer for a term that counts in the score (weightless must-haves say nothing)."""
    if term.weight <= 0:
        return None
    made: PairExplainer | None = None
    if isinstance(term, ComplementaryTerm):
        made = ComplementaryExplainer(term, owner)
    elif isinstance(term, TimezoneTerm):
        made = TimezoneExplainer(term, owner)
    elif isinstance(term, SetOverlapTerm):
        made = (
            AvailabilityExplainer(term, owner)
            if term.slot_hours
            else SharedItemsExplainer(term, owner)
        )
    elif isinstance(term, OrderedTerm):
        made = OrderedExplainer(term, owner)
    elif isinstance(term, CategoricalTerm):
        made = CategoricalExplainer(term, owner)
    elif isinstance(term, TextTerm):
        made = TextExplainer(term, owner)
    return made


class RuleExplainer(Generic[T]):
    """One criterion's sentences: ``explain`` appends its factors to each pair's list."""

    def __init__(self, term: T, owner: Explainer) -> None:
        self.term = term
        self.owner = owner
        self.field = term.criterion.field
        self.rule = term.criterion.rule
        self.weight = term.weight
        self.rounded_weight = round(term.weight, 4)

    def factor(self, direction: str, text: str, value: float, share: float = 1.0) -> Factor:
        contribution = round(self.weight * value * share, 4)
        return Factor(
            self.field,
            self.rule,
            direction,
            text,
            round(value, 4),
            self.rounded_weight,
            contribution,
        )

    def explain(self, pairs: PairBatch, out: list[list[Factor]]) -> None:
        raise NotImplementedError


class ComplementaryExplainer(RuleExplainer[ComplementaryTerm]):
    """What each one offers that the other wants: one factor per direction."""

    def __init__(self, term: ComplementaryTerm, owner: Explainer) -> None:
        super().__init__(term, owner)
        self.offered = [frozenset(o) for o in term.offered]
        self.wanted = [frozenset(w) for w in term.wanted]
        self.vocabulary = term.vocabulary
        self.names = owner.names

    def explain(self, pairs: PairBatch, out: list[list[Factor]]) -> None:
        ab = self.term.directional(pairs.a, pairs.b).tolist()
        ba = self.term.directional(pairs.b, pairs.a).tolist()
        direction = self._direction  # bound once: this runs for every pair of a solution
        for i, (a, b) in enumerate(pairs.people()):
            factors = out[i]
            factors.append(direction(a, b, ab[i], "a->b"))
            factors.append(direction(b, a, ba[i], "b->a"))

    def _direction(self, src: int, dst: int, share: float, direction: str) -> Factor:
        names = self.names
        given = sorted(self.offered[src] & self.wanted[dst])
        if given:
            labels = self.owner.labels(src, self.field, [self.vocabulary[c] for c in given])
            text = f"{names[src]} offers {_items(labels)}, which {names[dst]} wants"
        else:
            text = f"{names[src]} offers nothing {names[dst]} listed as wanted"
        return self.factor(direction, text, share, 0.5)


class TimezoneExplainer(RuleExplainer[TimezoneTerm]):
    """Shared working hours; the two zone profiles decide the sentence."""

    def __init__(self, term: TimezoneTerm, owner: Explainer) -> None:
        super().__init__(term, owner)
        day = owner.model.reference_date
        self.zone_labels = [utc_offset_label(zone, day) for zone, _ in term.profiles]

    def explain(self, pairs: PairBatch, out: list[list[Factor]]) -> None:
        values = self.term.values(pairs.a, pairs.b).tolist()
        hours = self.term.overlap(pairs.a, pairs.b).tolist()
        codes_a, codes_b = self.term.codes[pairs.a].tolist(), self.term.codes[pairs.b].tolist()
        made: dict[tuple[int, int], Factor] = {}
        for i, (a, b) in enumerate(pairs.people()):
            key = (codes_a[i], codes_b[i])
            done = made.get(key)
            if done is None:
                done = made[key] = self._sentence(a, b, key, hours[i], values[i])
            out[i].append(done)

    def _sentence(self, a: int, b: int, key: tuple[int, int], hours: float, value: float) -> Factor:
        people = self.owner.model.participants
        za, zb = people[a].timezone, people[b].timezone
        if za == zb:
            where = f"both in {za}"
        else:
            where = f"{self.zone_labels[key[0]]} and {self.zone_labels[key[1]]}"
        return self.factor("both", f"{hours:g} shared working hours ({where})", value)


class AvailabilityExplainer(RuleExplainer[SetOverlapTerm]):
    """Shared available hours in the week (half-hour slots)."""

    def explain(self, pairs: PairBatch, out: list[list[Factor]]) -> None:
        values = self.term.values(pairs.a, pairs.b).tolist()
        shared = self.term.shared(pairs.a, pairs.b).tolist()
        for i in range(len(pairs.a_list)):
            text = f"{shared[i] * self.term.slot_hours:g} shared available hours a week"
            out[i].append(self.factor("both", text, values[i]))


class SharedItemsExplainer(RuleExplainer[SetOverlapTerm]):
    """Shared items of a list field (languages, interests, ...), as each person wrote them."""

    def __init__(self, term: SetOverlapTerm, owner: Explainer) -> None:
        super().__init__(term, owner)
        self.items = [frozenset(i) for i in term.items]
        self.word = self.field.replace("_", " ")
        self.languages = canonical_field(self.field) == "languages"

    def explain(self, pairs: PairBatch, out: list[list[Factor]]) -> None:
        values = self.term.values(pairs.a, pairs.b).tolist()
        for i, (a, b) in enumerate(pairs.people()):
            common = sorted(self.items[a] & self.items[b])
            words = [self.term.vocabulary[c] for c in common]
            labels = self.owner.labels(a, self.field, words)
            out[i].append(self.factor("both", self._sentence(labels), values[i]))

    def _sentence(self, labels: list[str]) -> str:
        if self.languages:
            return f"both speak {_items(labels)}" if labels else "no shared language"
        return f"shared {self.word}: {_items(labels)}" if labels else f"no shared {self.word}"


class OrderedExplainer(RuleExplainer[OrderedTerm]):
    """How far apart two values are on the scale, as written (e.g. "level 3 and 4")."""

    def explain(self, pairs: PairBatch, out: list[list[Factor]]) -> None:
        values = self.term.values(pairs.a, pairs.b).tolist()
        raw = self.owner.raw_values(self.field)
        seen: Seen = {}
        for i, (a, b) in enumerate(pairs.people()):
            xa, xb = raw[a], raw[b]
            done = _cached(seen, (xa, xb))
            if done is None:
                text = self._sentence(a, b, xa, xb)
                done = _remember(seen, (xa, xb), self.factor("both", text, values[i]))
            out[i].append(done)

    def _sentence(self, a: int, b: int, xa: object, xb: object) -> str:
        field = self.field
        diff = self.term.positions[a] - self.term.positions[b]
        if np.isnan(diff):
            return f"{field} unknown"
        if diff == 0:
            return f"same {field} ({xa})"
        return f"{field} {xa} and {xb} ({abs(float(diff)):g} apart)"


class CategoricalExplainer(RuleExplainer[CategoricalTerm]):
    """Same or different values, as written (e.g. "different departments (Data, Sales)")."""

    def explain(self, pairs: PairBatch, out: list[list[Factor]]) -> None:
        values = self.term.values(pairs.a, pairs.b).tolist()
        raw = self.owner.raw_values(self.field)
        seen: Seen = {}
        for i, (a, b) in enumerate(pairs.people()):
            xa, xb = raw[a], raw[b]
            done = _cached(seen, (xa, xb))
            if done is None:
                text = self._sentence(xa, xb, values[i])
                done = _remember(seen, (xa, xb), self.factor("both", text, values[i]))
            out[i].append(done)

    def _sentence(self, xa: object, xb: object, value: float) -> str:
        label = self.field.replace("_", " ")
        different = f"different {plural_of(self.field)} ({xa}, {xb})"
        if self.rule == "same":
            return f"both in {label} {xa}" if value else different
        return different if value else f"same {label} ({xa})"


class TextExplainer(RuleExplainer[TextTerm]):
    """How similar two statements are, with up to three words they share."""

    def __init__(self, term: TextTerm, owner: Explainer) -> None:
        super().__init__(term, owner)
        people = owner.model.participants
        self.words_of = [token_tuple(str(get_value(p, self.field) or "")) for p in people]
        self.label = self.field.replace("_", " ")

    def explain(self, pairs: PairBatch, out: list[list[Factor]]) -> None:
        values = self.term.values(pairs.a, pairs.b).tolist()
        for i, (a, b) in enumerate(pairs.people()):
            value = values[i]
            out[i].append(self.factor("both", self._sentence(a, b, value), max(0.0, value)))

    def _sentence(self, a: int, b: int, value: float) -> str:
        if value >= 0.5:
            text = f"very similar {self.label}"
        elif value >= 0.2:
            text = f"similar {self.label}"
        else:
            text = f"different {self.label}"
        if value >= 0.2:
            other = set(self.words_of[b])
            common = list(dict.fromkeys(w for w in self.words_of[a] if w in other))[:3]
            if common:
                text += f" ({', '.join(common)})"
        return text


class WishExplainer:
    """Who asked for whom: the wish bonus is a factor of its own."""

    def __init__(self, owner: Explainer) -> None:
        self.owner = owner

    def explain(self, pairs: PairBatch, out: list[list[Factor]]) -> None:
        bonus = self.owner.model.bonus(pairs.a, pairs.b).tolist()
        for i, (a, b) in enumerate(pairs.people()):
            if bonus[i] > 0:
                value = round(bonus[i], 4)
                text = self._sentence(a, b)
                out[i].append(Factor("preferred", "wish", "both", text, 1.0, value, value))

    def _sentence(self, a: int, b: int) -> str:
        names = self.owner.names
        pa, pb = self.owner.model.participants[a], self.owner.model.participants[b]
        a_wants, b_wants = pb.id in pa.preferred, pa.id in pb.preferred
        if a_wants and b_wants:
            return f"{names[a]} and {names[b]} asked for each other"
        if a_wants:
            return f"{names[a]} asked to be matched with {names[b]}"
        return f"{names[b]} asked to be matched with {names[a]}"


def _cached(seen: Seen, key: tuple[object, object]) -> Factor | None:
    try:
        return seen.get(key)
    except TypeError:  # an unhashable value: no reuse
        return None


def _remember(seen: Seen, key: tuple[object, object], made: Factor) -> Factor:
    """Factors are immutable, so pairs with the same two values share one."""
    with contextlib.suppress(TypeError):
        seen[key] = made
    return made


@functools.lru_cache(maxsize=1 << 16)
def _normalised(text: str) -> str:
    return " ".join(text.lower().split())


def explainer(model: ScoreModel) -> Explainer:
    """The model's explainer, built once and kept with the model."""
    cached = model.memo.get("explainer")
    if isinstance(cached, Explainer):
        return cached
    made = Explainer(model)
    model.memo["explainer"] = made
    return made


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
