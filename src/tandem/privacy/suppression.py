"""Choosing which groups to hide: small ones, then whatever would let them be derived."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from types import MappingProxyType

from tandem.privacy.derivation import AuditUnavailable, System
from tandem.privacy.layout import Layout
from tandem.privacy.records import NoResponses, Published, Withheld, WithheldReason
from tandem.privacy.tables import AggregateTable, PublishedTable
from tandem.privacy.thresholds import validate_threshold


def suppress(
    table: AggregateTable, k: int, *, kind: str = "score", explain_reasons: bool = False
) -> PublishedTable:
    """Publish ``table`` so that no group of fewer than ``k`` responses can be seen or computed.

    By default every hidden entry carries the same reason. ``explain_reasons=True`` tells
    "fewer than k responses" apart from "hidden to protect a small group elsewhere"; that is
    friendlier but tells readers which hidden groups are small, which narrows what they could
    be (e.g. hidden 1-response team next to a hidden 5-response team under a known sum of 6).
    """
    validate_threshold(k, kind)
    layout = Layout.of(table)
    hidden = _choose_hidden(layout, k)
    entries = {
        group.key: _publish_group(table, layout, index, hidden, k, explain_reasons)
        for index, group in enumerate(layout.groups)
    }
    return PublishedTable(
        table.dimensions, k, MappingProxyType(entries), MappingProxyType(dict(table.nested_in))
    )


def suppress_filtered(
    full_table: AggregateTable,
    selection: Mapping[str, Hashable],
    k: int,
    *,
    kind: str = "score",
    explain_reasons: bool = False,
) -> PublishedTable | Withheld:
    """The filtered view (``{"department": "Sales"}``) of the suppressed ``full_table``.

    ``full_table`` must have every dimension a reader can filter on, and the unfiltered view
    must come from the same table (``selection`` values ``ALL``), so all views share one
    suppression pattern and cannot be subtracted from each other.
    """
    published = suppress(full_table, k, kind=kind, explain_reasons=explain_reasons)
    return published.select(selection)


def _publish_group(
    table: AggregateTable,
    layout: Layout,
    index: int,
    hidden: set[int],
    k: int,
    explain_reasons: bool,
) -> Published:
    group = layout.groups[index]
    if group.n == 0:
        return NoResponses()
    if index in hidden:
        if not explain_reasons:
            return Withheld(WithheldReason.SMALL_GROUP, k)
        small = group.n < k
        return Withheld(WithheldReason.FEWER_THAN_K if small else WithheldReason.PROTECTS_OTHERS, k)
    if group.n < k:  # unreachable by construction; never publish a small group by accident
        raise RuntimeError(f"Suppression left a group of {group.n} < {k} visible.")
    return table._aggregate(layout, group)


def _choose_hidden(layout: Layout, k: int) -> set[int]:
    groups = layout.groups
    hidden = {i for i, group in enumerate(groups) if 0 < group.n < k}
    while True:
        _apply_sibling_rule(layout, hidden, k)
        extra = _break_derivations(layout, hidden, k)
        if not extra:
            return hidden
        if extra <= hidden:  # cannot happen: every fix names a shown group
            raise RuntimeError("Suppression stopped making progress.")
        hidden |= extra


def _apply_sibling_rule(layout: Layout, hidden: set[int], k: int) -> None:
    """Under a shown parent, hidden children must be two or more and hold k or more together."""
    groups = layout.groups
    changed = True
    while changed:
        changed = False
        for constraint in layout.constraints:
            if constraint.parent in hidden:
                continue
            hidden_children = [c for c in constraint.children if c in hidden]
            mass = sum(groups[c].n for c in hidden_children)
            if not hidden_children or (len(hidden_children) >= 2 and mass >= k):
                continue
            candidates = [c for c in constraint.children if c not in hidden and groups[c].n > 0]
            hidden.add(min(candidates, key=lambda c: (groups[c].n, c), default=constraint.parent))
            changed = True


def _break_derivations(layout: Layout, hidden: set[int], k: int) -> set[int]:
    """Groups to hide so that derivations found in this round stop working."""
    system = System.of(layout, hidden)
    extra: set[int] = set()
    for target in sorted(hidden):
        unknown_atoms = system.unknown_atoms_of(layout.groups[target])
        certificate = system.span.express(unknown_atoms)
        if certificate is None:
            continue
        candidates = system.breakers(certificate, layout.groups[target].atoms)
        if not candidates & extra:
            extra.add(system.cheapest(candidates))
    if extra:
        return extra
    try:
        small = system.find_small_derivable_set(k)
    except AuditUnavailable:  # fail closed: show nothing rather than something unchecked
        return set(range(len(layout.groups))) - hidden
    if small is None:
        return set()
    atoms, used = small
    certificate = system.span.express(system.unknown[a] for a in atoms)
    if certificate is not None:
        return {system.cheapest(system.breakers(certificate, atoms))}
    # The solver's answer did not survive exact arithmetic: still break what it combined.
    return {system.cheapest(set(used))} if used else set(range(len(layout.groups))) - hidden
