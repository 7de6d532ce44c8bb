"""Small-group suppression: golden cases and the product's acceptance property.

``Reader`` is written independently of the module: it sees only a PublishedTable (shown numbers
and the table's structure) and solves the equations "a margin is the sum of its cells" with
exact fractions, the way a curious reader with a spreadsheet would.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.privacy import (
    ALL,
    Aggregate,
    AggregateTable,
    Comment,
    NoResponses,
    PublishedComments,
    PublishedTable,
    Withheld,
    WithheldReason,
    publish_comments,
    suppress,
    suppress_filtered,
    validate_threshold,
)

# --- An independent reader -------------------------------------------------------------------


def covers(group, cell):
    return all(g is ALL or g == c for g, c in zip(group, cell, strict=True))


def known(entry):
    """(n, sum of answers) of a shown entry."""
    if isinstance(entry, NoResponses):
        return Fraction(0), Fraction(0)
    return Fraction(entry.n), Fraction(entry.total or 0)


def reduced_row_echelon(rows, width):
    """Rows (lists of Fractions, coefficients then right-hand sides) in reduced echelon form."""
    rows = [list(row) for row in rows]
    pivots = []
    top = 0
    for column in range(width):
        found = next((r for r in range(top, len(rows)) if rows[r][column] != 0), None)
        if found is None:
            continue
        rows[top], rows[found] = rows[found], rows[top]
        lead = rows[top][column]
        rows[top] = [value / lead for value in rows[top]]
        for r in range(len(rows)):
            if r != top and rows[r][column] != 0:
                factor = rows[r][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[top], strict=True)]
        pivots.append(column)
        top += 1
    return rows[:top], pivots


class Reader:
    """What a reader can work out from the published entries alone."""

    def __init__(self, published: PublishedTable):
        self.entries = published.entries
        self.cells = [key for key in self.entries if ALL not in key]
        self.unknown = [key for key in self.cells if isinstance(self.entries[key], Withheld)]
        self.column = {key: i for i, key in enumerate(self.unknown)}
        equations = []
        for key, entry in self.entries.items():
            if isinstance(entry, Withheld):
                continue
            coefficients, constant_n, constant_sum = self._linear_form(key)
            n, total = known(entry)
            equations.append([*coefficients, n - constant_n, total - constant_sum])
        self.rows, self.pivots = reduced_row_echelon(equations, len(self.unknown))

    def _linear_form(self, key):
        coefficients = [Fraction(0)] * len(self.unknown)
        constant_n = constant_sum = Fraction(0)
        for cell in self.cells:
            if not covers(key, cell):
                continue
            if cell in self.column:
                coefficients[self.column[cell]] = Fraction(1)
            else:
                n, total = known(self.entries[cell])
                constant_n += n
                constant_sum += total
        return coefficients, constant_n, constant_sum

    def derive(self, key):
        """(n, sum) of a hidden entry if the shown numbers determine it, else None."""
        target, constant_n, constant_sum = self._linear_form(key)
        combination = [Fraction(0)] * (len(self.unknown) + 2)
        for row, pivot in zip(self.rows, self.pivots, strict=True):
            combination = [c + target[pivot] * v for c, v in zip(combination, row, strict=True)]
        if combination[: len(self.unknown)] != target:
            return None
        return combination[-2] + constant_n, combination[-1] + constant_sum

    def derivable_cell_sets(self, true_n, k, limit=14):
        """Sets of hidden cells with 1..k-1 responses whose total the equations determine.

        Brute force over the small hidden cells (skipped when there are more than ``limit``).
        """
        width = len(self.unknown)
        free = [c for c in range(width) if c not in self.pivots]
        null_vectors = []
        for f in free:
            vector = [Fraction(0)] * width
            vector[f] = Fraction(1)
            for row, pivot in zip(self.rows, self.pivots, strict=True):
                vector[pivot] = -row[f]
            null_vectors.append(vector)
        small = [key for key in self.unknown if true_n[key] < k]
        if len(small) > limit:
            return None
        found = []
        for size in range(1, len(small) + 1):
            for chosen in itertools.combinations(small, size):
                if sum(true_n[key] for key in chosen) >= k:
                    continue
                columns = [self.column[key] for key in chosen]
                if all(sum(vector[c] for c in columns) == 0 for vector in null_vectors):
                    found.append(chosen)
        return found


def true_sizes(table: AggregateTable):
    return {key: aggregate.n for key, aggregate in table.groups().items()}


def assert_safe(table: AggregateTable, published: PublishedTable, k: int, *, strict_sets=True):
    truth = table.groups()
    assert set(published.entries) == set(truth)
    for key, entry in published.entries.items():
        if isinstance(entry, Aggregate):
            assert entry.n >= k, key
            assert entry == truth[key], key
        elif isinstance(entry, NoResponses):
            assert truth[key].n == 0, key
        else:
            assert truth[key].n > 0, key
    reader = Reader(published)
    for key, entry in published.entries.items():
        if isinstance(entry, Withheld):
            assert reader.derive(key) is None, (key, reader.derive(key), truth[key])
    if strict_sets:
        sizes = {key: truth[key].n for key in reader.unknown}
        leaks = reader.derivable_cell_sets(sizes, k)
        assert not leaks, leaks


def records_from_counts(counts, dimensions, scores=(1, 2, 3, 4, 5)):
    records = []
    for key, n in counts.items():
        for i in range(n):
            records.append({**dict(zip(dimensions, key, strict=True)), "score": scores[i % 5]})
    return records


def table_from_counts(counts, dimensions, **kwargs):
    records = records_from_counts(counts, dimensions)
    keys = [key for key, n in counts.items() if n == 0]
    return AggregateTable.from_records(
        records, dimensions, value=lambda r: r["score"], keys=keys, **kwargs
    )


def hidden_keys(published):
    return {key for key, entry in published.entries.items() if isinstance(entry, Withheld)}


def naive(table: AggregateTable, k: int) -> PublishedTable:
    """Hide only the groups below k: what complementary suppression is there to prevent."""
    entries = {
        key: (
            NoResponses()
            if aggregate.n == 0
            else aggregate
            if aggregate.n >= k
            else Withheld(WithheldReason.SMALL_GROUP, k)
        )
        for key, aggregate in table.groups().items()
    }
    return PublishedTable(table.dimensions, k, entries, table.nested_in)


# --- Golden cases ----------------------------------------------------------------------------


def test_one_dimension_two_small_teams_protect_each_other():
    table = table_from_counts({("A",): 7, ("B",): 3, ("C",): 2}, ["team"])
    published = suppress(table, 5)
    assert hidden_keys(published) == {("B",), ("C",)}
    assert published.total == table.groups()[(ALL,)]
    assert_safe(table, published, 5)


def test_one_dimension_a_lone_small_team_takes_the_next_smallest_with_it():
    table = table_from_counts({("A",): 7, ("B",): 3, ("C",): 5, ("D",): 9}, ["team"])
    naive_reader = Reader(naive(table, 5))
    assert naive_reader.derive(("B",)) == (3, 1 + 2 + 3)  # total - A - C - D
    published = suppress(table, 5, explain_reasons=True)
    assert published[("B",)] == Withheld(WithheldReason.FEWER_THAN_K, 5)
    assert published[("C",)] == Withheld(WithheldReason.PROTECTS_OTHERS, 5)
    assert published[("B",)].text == "Hidden: fewer than 5 responses"
    assert published[("C",)].text == "Hidden to protect a small group elsewhere in this table"
    assert isinstance(published[("A",)], Aggregate)
    assert_safe(table, published, 5)


def test_two_dimensions_suppression_cascades_through_rows_and_columns():
    counts = {
        ("X", "junior"): 2, ("X", "mid"): 10, ("X", "senior"): 11,
        ("Y", "junior"): 12, ("Y", "mid"): 13, ("Y", "senior"): 14,
        ("Z", "junior"): 15, ("Z", "mid"): 16, ("Z", "senior"): 17,
    }  # fmt: skip
    table = table_from_counts(counts, ["department", "level"])
    assert Reader(naive(table, 5)).derive(("X", "junior")) is not None
    published = suppress(table, 5)
    # X/junior needs a partner in its row (X/mid) and in its column (Y/junior); those two need
    # partners in their own column and row, which closes the rectangle at Y/mid.
    assert hidden_keys(published) == {
        ("X", "junior"),
        ("X", "mid"),
        ("Y", "junior"),
        ("Y", "mid"),
    }
    assert all(isinstance(published[key], Aggregate) for key in published.entries if ALL in key)
    assert_safe(table, published, 5)


def test_two_dimensions_a_pooled_group_of_three_is_not_derivable():
    """Every row and column keeps >= 5 hidden responses, yet row 1 + row 2 - column 1 would
    pool three people (b, d, e); the audit must catch what the sibling rule cannot see."""
    grid = [[4, 1, 1, 10], [4, 1, 10, 10], [10, 4, 4, 10], [10, 10, 10, 10]]
    counts = {(f"r{r}", f"c{c}"): n for r, row in enumerate(grid) for c, n in enumerate(row)}
    table = table_from_counts(counts, ["row", "column"])
    reader = Reader(naive(table, 5))
    assert all(reader.derive(key) is None for key in hidden_keys(naive(table, 5)))
    sizes = {key: counts[key] for key in reader.unknown}
    assert (("r0", "c1"), ("r0", "c2"), ("r1", "c1")) in reader.derivable_cell_sets(sizes, 5)
    published = suppress(table, 5)
    assert_safe(table, published, 5)


def test_hierarchy_parent_with_one_small_child():
    counts = {("Sales", "a"): 6, ("Sales", "b"): 2, ("Ops", "c"): 9, ("Ops", "d"): 8}
    table = table_from_counts(counts, ["department", "team"], nested_in={"team": "department"})
    published = suppress(table, 5)
    assert hidden_keys(published) == {("Sales", "a"), ("Sales", "b")}
    assert published[("Sales", ALL)].n == 8
    assert (ALL, "a") not in published.entries  # teams are never added up across departments
    assert_safe(table, published, 5)


def test_hierarchy_department_with_a_single_small_team_hides_a_sibling_department():
    counts = {("Legal", "l1"): 3, ("Sales", "s1"): 6, ("Sales", "s2"): 7, ("Ops", "o1"): 20}
    table = table_from_counts(counts, ["department", "team"], nested_in={"team": "department"})
    published = suppress(table, 5)
    assert {("Legal", "l1"), ("Legal", ALL), ("Sales", ALL)} <= hidden_keys(published)
    assert isinstance(published.total, Aggregate)
    assert_safe(table, published, 5)


def test_all_small_table_hides_everything_including_the_total():
    table = table_from_counts({("A",): 1, ("B",): 2, ("C",): 0}, ["team"])
    published = suppress(table, 5)
    assert hidden_keys(published) == {("A",), ("B",), (ALL,)}
    assert published[("C",)] == NoResponses()
    assert published[("C",)].text == "No responses"
    assert_safe(table, published, 5)


def test_empty_cells_are_shown_as_no_responses_and_never_hidden():
    counts = {("A",): 6, ("B",): 0, ("C",): 3, ("D",): 4}
    table = table_from_counts(counts, ["team"])
    published = suppress(table, 5)
    assert published[("B",)] == NoResponses()
    assert hidden_keys(published) == {("C",), ("D",)}
    assert_safe(table, published, 5)


def test_withheld_entries_carry_one_reason_by_default():
    table = table_from_counts({("A",): 7, ("B",): 3, ("C",): 5}, ["team"])
    published = suppress(table, 5)
    reasons = {published[key].reason for key in hidden_keys(published)}
    assert reasons == {WithheldReason.SMALL_GROUP}
    assert str(published[("B",)]) == (
        "Hidden to protect small groups: fewer than 5 responses here or in a related group"
    )


def test_filter_that_isolates_a_group_of_three_is_refused():
    counts = {
        ("Legal", "junior"): 1, ("Legal", "senior"): 2,
        ("Sales", "junior"): 8, ("Sales", "senior"): 9,
        ("Ops", "junior"): 7, ("Ops", "senior"): 6,
    }  # fmt: skip
    table = table_from_counts(counts, ["department", "level"])
    refused = suppress_filtered(table, {"department": "Legal"}, 5, explain_reasons=True)
    assert refused == Withheld(WithheldReason.FILTER_FEWER_THAN_K, 5)
    assert refused.text == "This filter selects fewer than 5 responses"
    assert suppress_filtered(table, {"department": "Legal"}, 5) == Withheld(
        WithheldReason.FILTER_SMALL_GROUP, 5
    )
    # Ops (13) is the partner that keeps Legal from being total - Sales - Ops.
    assert suppress_filtered(table, {"department": "Ops"}, 5, explain_reasons=True) == Withheld(
        WithheldReason.FILTER_PROTECTS_OTHERS, 5
    )
    view = suppress_filtered(table, {"department": "Sales"}, 5)
    assert isinstance(view, PublishedTable)
    assert view.dimensions == ("level",)
    assert view[("junior",)].n == 8
    assert view.total.n == 17


def test_filter_whose_complement_is_small_is_refused():
    table = table_from_counts({("Sales",): 10, ("Ops",): 2}, ["department"])
    published = suppress(table, 5, explain_reasons=True)
    assert published.total.n == 12
    assert published.select({"department": "Sales"}) == Withheld(
        WithheldReason.FILTER_PROTECTS_OTHERS, 5
    )


def test_select_checks_the_complement_against_every_wider_shown_group():
    """Second line of defence, for a table that did not come from suppress()."""
    entries = {("Sales",): Aggregate(10), ("Ops",): Aggregate(5), (ALL,): Aggregate(12)}
    hand_made = PublishedTable(("department",), 5, entries)
    refused = hand_made.select({"department": "Sales"})
    assert refused == Withheld(WithheldReason.FILTER_PROTECTS_OTHERS, 5)
    assert "outside it" in refused.text


def test_unfiltered_and_filtered_views_come_from_one_pattern():
    counts = {
        ("Sales", "2023"): 8, ("Sales", "2024"): 3,
        ("Ops", "2023"): 6, ("Ops", "2024"): 9,
    }  # fmt: skip
    table = table_from_counts(counts, ["department", "cohort"])
    published = suppress(table, 5)
    everyone = published.select({"cohort": ALL})
    cohort_2024 = published.select({"cohort": "2024"})
    assert isinstance(everyone, PublishedTable)
    assert everyone.dimensions == ("department",)
    # Sales in 2023 is shown in neither view where it would let Sales-2024 be subtracted out.
    assert isinstance(everyone[("Sales",)], Aggregate)
    assert isinstance(cohort_2024, PublishedTable)
    assert isinstance(cohort_2024[("Sales",)], Withheld)
    assert_safe(table, published, 5)


def test_select_rejects_unknown_dimensions_values_and_orphan_children():
    counts = {("Sales", "a"): 6, ("Sales", "b"): 7}
    table = table_from_counts(counts, ["department", "team"], nested_in={"team": "department"})
    published = suppress(table, 5)
    with pytest.raises(ValueError, match="Cannot filter on 'cohort'"):
        published.select({"cohort": "2024"})
    with pytest.raises(ValueError, match="needs a value for 'department'"):
        published.select({"team": "a"})
    with pytest.raises(ValueError, match="No group matches"):
        published.select({"department": "Legal"})


def test_from_records_reads_objects_skips_unanswered_and_keeps_known_empty_cells():
    @dataclass
    class Response:
        team: str
        score: int | None

    records = [Response("A", 4), Response("A", None), Response("A", 5), Response("B", 2)]
    table = AggregateTable.from_records(records, ["team"], value=lambda r: r.score, keys=[("C",)])
    assert table.cells[("A",)] == Aggregate(2, {4: 1, 5: 1}, 9.0)
    assert table.cells[("A",)].mean == 4.5
    assert table.cells[("C",)].n == 0
    counts = AggregateTable.from_records(records, ["team"])
    assert counts.cells[("A",)] == Aggregate(3)
    assert counts.cells[("A",)].mean is None


def test_categorical_answers_have_a_distribution_but_no_mean():
    records = [{"team": "A", "answer": answer} for answer in ["yes", "no", "yes", "yes", "no"]]
    table = AggregateTable.from_records(records, ["team"], value=lambda r: r["answer"])
    published = suppress(table, 5)
    assert published.total.distribution == {"yes": 3, "no": 2}
    assert published.total.mean is None


def test_table_rejects_bad_structure():
    with pytest.raises(ValueError, match="unknown dimension"):
        AggregateTable.from_records([], ["department"], nested_in={"team": "department"})
    with pytest.raises(ValueError, match="cycle"):
        AggregateTable.from_records([], ["a", "b"], nested_in={"a": "b", "b": "a"})
    with pytest.raises(ValueError, match="does not match"):
        AggregateTable(("team",), {("A", "x"): Aggregate(1)})


# --- Thresholds and comments -----------------------------------------------------------------


def test_validate_threshold():
    assert validate_threshold(3, "score") == 3
    assert validate_threshold(10, "comment") == 10
    with pytest.raises(ValueError, match="at least 3 responses \\(got 2\\)"):
        validate_threshold(2, "comment")
    with pytest.raises(ValueError, match="whole number"):
        validate_threshold(True, "score")
    with pytest.raises(ValueError, match="Unknown kind"):
        validate_threshold(5, "scores")
    with pytest.raises(ValueError, match="at least 3"):
        suppress(table_from_counts({("A",): 9}, ["team"]), 1)


def comments(n_people, per_person=1):
    return [
        Comment(respondent=f"r{p}", text=f"comment {p}.{i}")
        for p in range(n_people)
        for i in range(per_person)
    ]


def test_comments_need_k_distinct_respondents():
    withheld = publish_comments(comments(9, per_person=2), k=10)
    assert withheld == Withheld(WithheldReason.COMMENTS_FEWER_THAN_K, 10)
    assert withheld.text == "Comments are shown only when at least 10 people have written one"
    blanks = [*comments(9), Comment("r99", "   ")]
    assert isinstance(publish_comments(blanks, k=10), Withheld)
    published = publish_comments(comments(10), k=10)
    assert isinstance(published, PublishedComments)
    assert sorted(published.texts) == sorted(c.text for c in comments(10))


def test_comment_order_ignores_arrival_order_and_depends_on_the_seed():
    arrived = comments(12)
    forward = publish_comments(arrived, k=10, seed="survey-7")
    backward = publish_comments(list(reversed(arrived)), k=10, seed="survey-7")
    assert forward == backward
    assert forward != publish_comments(arrived, k=10, seed="survey-8")
    assert publish_comments(arrived) == publish_comments(list(reversed(arrived)))
    assert [c.text for c in arrived] != list(forward.texts)


def test_comment_threshold_has_a_floor():
    with pytest.raises(ValueError, match="comment results must be at least 3"):
        publish_comments(comments(5), k=2)


# --- The acceptance property -----------------------------------------------------------------

LEVELS = ("junior", "mid", "senior")
SHAPES = ("tree", "tree_by_level", "grid")


@dataclass(frozen=True)
class Person:
    department: str
    team: str
    level: str
    responded: bool
    score: int


@st.composite
def organisations(draw):
    """Departments -> teams of 0-12 people, each with a level, a reply or not, and a score."""
    people = []
    teams = []
    for d in range(draw(st.integers(1, 4))):
        for t in range(draw(st.integers(1, 4))):
            teams.append((f"d{d}", f"t{t}"))
            size = draw(st.integers(0, 12))
            for _ in range(size):
                people.append(
                    Person(
                        f"d{d}",
                        f"t{t}",
                        draw(st.sampled_from(LEVELS)),
                        draw(st.booleans() | st.just(True)),
                        draw(st.integers(1, 5)),
                    )
                )
    return teams, people


def build_table(shape, teams, people):
    responses = [p for p in people if p.responded]
    levels = sorted({p.level for p in people}) or ["junior"]
    if shape == "tree":
        dims, keys = ["department", "team"], teams
    elif shape == "tree_by_level":
        dims = ["department", "team", "level"]
        keys = [(d, t, level) for d, t in teams for level in levels]
    else:
        dims = ["department", "level"]
        keys = [(d, level) for d in sorted({d for d, _ in teams}) for level in levels]
    nested = {"team": "department"} if "team" in dims else {}
    return AggregateTable.from_records(
        responses, dims, value=lambda p: p.score, nested_in=nested, keys=keys
    )


@st.composite
def selections(draw, table: AggregateTable):
    cells = list(table.cells)
    cell = draw(st.sampled_from(cells))
    selection = {}
    for position, dim in enumerate(table.dimensions):
        choice = draw(st.sampled_from(["fixed", "all", "shown"]))
        if choice == "fixed":
            selection[dim] = cell[position]
        elif choice == "all":
            selection[dim] = ALL
    if "team" in selection and selection["team"] is not ALL:
        selection["department"] = cell[0]
    return selection


@pytest.mark.slow
@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    organisation=organisations(),
    shape=st.sampled_from(SHAPES),
    k=st.sampled_from([3, 5, 10]),
    data=st.data(),
)
def test_no_small_group_is_shown_or_derivable(organisation, shape, k, data):
    teams, people = organisation
    table = build_table(shape, teams, people)
    published = suppress(table, k)
    assert_safe(table, published, k)

    selection = data.draw(selections(table))
    view = published.select(selection)
    if isinstance(view, Withheld):
        return
    fixed = {dim: value for dim, value in selection.items() if value is not ALL}
    for view_key, entry in view.entries.items():
        values = iter(view_key)
        full_key = tuple(
            selection[dim] if dim in selection else next(values) for dim in table.dimensions
        )
        assert published.entries[full_key] is entry
    if fixed:
        assert isinstance(view.total, Aggregate | NoResponses)
        assert not isinstance(view.total, Aggregate) or view.total.n >= k


@st.composite
def dense_grids(draw):
    """2-D breakdowns with many small cells: where pooled leftovers across rows and columns
    appear (random org trees rarely produce them)."""
    rows, columns = draw(st.integers(2, 6)), draw(st.integers(2, 6))
    sizes = st.sampled_from([1, 4, 0, 1, 2, 3, 4, 5, 6, 8, 10, 12])
    return {(f"r{r}", f"c{c}"): draw(sizes) for r in range(rows) for c in range(columns)}


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts=dense_grids(), k=st.sampled_from([3, 5, 10]))
def test_dense_grids_leave_no_small_group_shown_or_derivable(counts, k):
    table = table_from_counts(counts, ["row", "column"])
    assert_safe(table, suppress(table, k), k)


class FakeSolverResult:
    def __init__(self, status, x=None):
        self.status, self.x, self.message = status, x, "fake"


def test_if_the_audit_cannot_finish_nothing_is_shown(monkeypatch):
    import tandem.privacy.derivation as module

    monkeypatch.setattr(module, "milp", lambda c, **kwargs: FakeSolverResult(1))
    table = table_from_counts({("A",): 7, ("B",): 3, ("C",): 2, ("D",): 0}, ["team"])
    published = suppress(table, 5)
    assert hidden_keys(published) == {("A",), ("B",), ("C",), (ALL,)}
    assert published[("D",)] == NoResponses()


def test_a_solver_answer_that_fails_exact_checking_only_hides_more(monkeypatch):
    import tandem.privacy.derivation as module

    def claims_everything(c, **kwargs):
        return FakeSolverResult(0, [1.0] * len(c))

    monkeypatch.setattr(module, "milp", claims_everything)
    counts = {
        ("X", "junior"): 2, ("X", "mid"): 10, ("Y", "junior"): 12, ("Y", "mid"): 13,
    }  # fmt: skip
    table = table_from_counts(counts, ["department", "level"])
    published = suppress(table, 5)
    assert all(isinstance(entry, Withheld) for entry in published.entries.values())
