"""The attacker property test: random organisations, every reachable view, the linear system solved.

The release plan (``tandem.privacy.plan_release``) decides which filters the dashboards, exports,
report and KPI API answer. The attacker opens every one it can (the total, each department, each
level, each department × level), writes one equation per view and looks for any group of fewer
than k people — or a single person — whose figures the equations determine.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.privacy import plan_release
from tests.privacy.attacker import every_selection, pinned_small_groups

DIMS = ("department", "level")


def naive_refusal(people, selection, k):
    """The rule the dashboards used before: refuse a filter of < k people or leaving out < k."""
    chosen = sum(1 for p in people if all(p[DIMS.index(d)] == v for d, v in selection.items()))
    rest = len(people) - chosen
    return 0 < chosen < k or 0 < rest < k


def opened_views(people, k):
    plan = plan_release(people, DIMS, k)
    values = {
        "department": sorted({p[0] for p in people if p[0] is not None}),
        "level": sorted({p[1] for p in people if p[1] is not None}),
    }
    return [s for s in every_selection(DIMS, values) if plan.refusal(s) is None], values


def test_the_coffee_roulette_attack_worked_before_and_extracts_nothing_now():
    # Levels 1-7 have six people each; level 8 has two. The old rule refused level 8 alone
    # but showed the total and levels 1-7, whose difference is level 8.
    people = [(d, level) for level in range(1, 8) for d in (1, 2) for _ in range(3)]
    people += [(1, 8), (2, 8)]
    values = {"department": [1, 2], "level": list(range(1, 9))}
    naive = [s for s in every_selection(DIMS, values) if not naive_refusal(people, s, 5)]
    leaked = pinned_small_groups(people, DIMS, naive, 5)
    assert ((1, 8), (2, 8)) in leaked  # the level-8 pair, and more
    opened, _ = opened_views(people, 5)
    assert pinned_small_groups(people, DIMS, opened, 5) == []
    assert {} in opened and len(opened) > 1  # still useful: the total and some filters answer


def test_overlapping_filters_attack_worked_before_and_extracts_nothing_now():
    # export.csv?level=1 minus ?level=1&department=4: one person in level 1 outside department 4.
    people = [(4, 1)] * 6 + [(5, 1)] + [(5, 2)] * 7 + [(4, 2)] * 6
    values = {"department": [4, 5], "level": [1, 2]}
    naive = [s for s in every_selection(DIMS, values) if not naive_refusal(people, s, 5)]
    assert ((5, 1),) in pinned_small_groups(people, DIMS, naive, 5)
    opened, _ = opened_views(people, 5)
    assert pinned_small_groups(people, DIMS, opened, 5) == []


organisations = st.integers(1, 4).flatmap(
    lambda departments: st.integers(1, 4).flatmap(
        lambda levels: st.lists(
            st.tuples(
                st.one_of(st.none(), st.integers(1, departments)),
                st.one_of(st.none(), st.integers(1, levels)),
            ),
            max_size=45,
        )
    )
)


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(people=organisations, k=st.sampled_from([3, 5, 10]))
def test_no_reachable_set_of_views_pins_down_a_small_group_or_a_person(people, k):
    opened, _ = opened_views(people, k)
    assert ({} in opened) == (not 0 < len(people) < k)  # the total answers unless it is small
    assert pinned_small_groups(people, DIMS, opened, k) == []
