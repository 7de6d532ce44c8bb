"""Issue 17: the quasi-identifiers kept with anonymous responses are coarsened until every
combination is shared by k (``tandem.privacy.choose_recoding``)."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.privacy import ABSENT, NOTHING, Recoding, choose_recoding, k_anonymous
from tandem.privacy.recoding import OTHER_DEPARTMENTS

DEPARTMENTS = ("Sales", "Legal", "Data", "Ops", "Design", "Finance", "")
BANDS = ("1-2", "3-4", "5-6", "7-8", "")
ROLES = ("peer", "mentor", "mentee")


@st.composite
def organisations(draw, max_size: int = 60):
    """The groups of the people who answered, in a random organisation (skewed: some
    departments and bands much larger than others)."""
    departments = draw(st.lists(st.sampled_from(DEPARTMENTS), min_size=1, max_size=6, unique=True))
    bands = draw(st.lists(st.sampled_from(BANDS), min_size=1, max_size=5, unique=True))
    roles = draw(st.lists(st.sampled_from(ROLES), min_size=1, max_size=3, unique=True))
    size = draw(st.integers(0, max_size))
    return [
        (
            draw(st.sampled_from(departments)),
            draw(st.sampled_from(bands)),
            draw(st.sampled_from(roles)),
        )
        for _ in range(size)
    ]


def unique_by_department_and_band(stored) -> float:
    """The attack from the issue: the share of responses alone in their (department, band)."""
    present = [g for g in stored if g != ABSENT]
    counts = Counter((d, b) for d, b, _ in present)
    return sum(counts[(d, b)] == 1 for d, b, _ in present) / len(stored) if stored else 0.0


@settings(max_examples=60, deadline=None)
@given(records=organisations(), k=st.sampled_from([3, 5, 10]))
def test_every_stored_combination_is_shared_by_k_and_only_coarsened(records, k):
    recoding = choose_recoding(records, k)
    stored = [recoding.apply(g) for g in records]
    assert k_anonymous(stored, k)
    assert unique_by_department_and_band(stored) == 0
    for (department, band, role), (d, b, r) in zip(records, stored, strict=True):
        # every stored value is the true one or an ancestor of it in its hierarchy
        assert d in (department, OTHER_DEPARTMENTS, "")
        assert b in (band, {"1-2": "1-4", "3-4": "1-4", "5-6": "5-8", "7-8": "5-8"}.get(band), "")
        assert r in (role, "")
    if len(records) < k:
        assert recoding == NOTHING and all(g == ABSENT for g in stored)


@settings(max_examples=40, deadline=None)
@given(records=organisations(max_size=40), k=st.sampled_from([3, 5]))
def test_no_finer_recoding_would_do(records, k):
    """Minimal: making any one dimension of the chosen recoding one step finer breaks k."""
    recoding = choose_recoding(records, k)
    if not records:
        return
    kept = frozenset(d for d, n in Counter(g[0] for g in records).items() if n >= k)
    for finer in (
        Recoding(recoding.department - 1, recoding.band, recoding.role, kept),
        Recoding(recoding.department, recoding.band - 1, recoding.role, recoding.kept),
        Recoding(recoding.department, recoding.band, recoding.role - 1, recoding.kept),
    ):
        if min(finer.department, finer.band, finer.role) < 0:
            continue
        if finer.department == 1 and not kept:
            continue  # not a recoding the algorithm offers (everyone "Other departments")
        coded = Counter(finer.apply(g) for g in records)
        assert any(n < k for n in coded.values()), (recoding, finer)


def test_the_issue_attack_finds_nothing():
    """As in the issue: a survey where most responses are unique by department and level band."""
    records = [("Sales", "1-2", "peer")] * 6 + [("Data", "3-4", "peer")] * 5
    records += [(d, b, "peer") for d in ("Legal", "Ops", "Design") for b in ("5-6", "7-8")]
    before = unique_by_department_and_band(records)
    assert before > 0.3
    recoding = choose_recoding(records, 5)
    stored = [recoding.apply(g) for g in records]
    assert unique_by_department_and_band(stored) == 0 and k_anonymous(stored, 5)
    # the two large departments keep their names; the small ones are combined
    assert {d for d, _, _ in stored} == {"Sales", "Data", OTHER_DEPARTMENTS}


def test_a_recoding_survives_its_json_and_bad_json_means_nothing():
    recoding = Recoding(1, 1, 0, frozenset({"Sales"}))
    assert Recoding.from_json(recoding.to_json()) == recoding
    assert Recoding.from_json({}) == NOTHING
    assert Recoding.from_json({"department": "x"}) == NOTHING
    assert recoding.apply(("Legal", "3-4", "mentor")) == (OTHER_DEPARTMENTS, "1-4", "mentor")
