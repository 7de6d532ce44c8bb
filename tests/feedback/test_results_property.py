"""The acceptance property at the level of survey results.

Whatever the responses (random departments, level bands and roles), the threshold k and the way a
coordinator looks at them (no breakdown, or one dimension, with or without a filter on another),
everything a results page can display, taken together across all of those views:

* never shows a group of fewer than k responses, and shows true numbers;
* never lets a hidden group, or any group of 1..k-1 responses, be worked out by adding and
  subtracting what is displayed.

The reader is the independent one from ``tests.privacy.test_suppression.py``; here it sees only
what ``select_view`` (the function behind the page and the API) hands out.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.feedback import results
from tandem.feedback.models import Response, ResponseAnswer, SurveyQuestion
from tandem.feedback.results import DIMENSIONS, Record
from tandem.privacy import (
    ALL,
    Aggregate,
    AggregateTable,
    PublishedTable,
    Withheld,
    WithheldReason,
)
from tests.privacy.test_suppression import Reader

pytestmark = pytest.mark.slow  # hundreds of generated response sets per property

DEPARTMENTS = ("Sales", "Legal", "Data", "Ops", "Design", "")
BANDS = ("1-2", "3-4", "5-6", "7-8", "")
ROLES = ("peer", "mentor", "mentee")


@st.composite
def response_sets(draw, max_size: int = 45):
    """Responses from a random organisation: a few departments, bands and roles in use."""
    departments = draw(st.lists(st.sampled_from(DEPARTMENTS), min_size=1, max_size=5, unique=True))
    bands = draw(st.lists(st.sampled_from(BANDS), min_size=1, max_size=4, unique=True))
    roles = draw(st.lists(st.sampled_from(ROLES), min_size=1, max_size=3, unique=True))
    size = draw(st.integers(0, max_size))
    records = [
        Record(
            f"r{i:03d}",
            draw(st.sampled_from(departments)),
            draw(st.sampled_from(bands)),
            draw(st.sampled_from(roles)),
            draw(st.integers(1, 5)),
        )
        for i in range(size)
    ]
    # invited people in groups nobody answered from
    extra = draw(
        st.lists(
            st.tuples(st.sampled_from(DEPARTMENTS), st.sampled_from(BANDS), st.sampled_from(ROLES)),
            max_size=3,
        )
    )
    return records, {(r.department, r.level_band, r.role) for r in records} | set(extra)


def every_selection(published: PublishedTable):
    """Every (breakdown, filter) a coordinator can ask for on this survey."""
    values = {
        d: sorted({key[i] for key in published.cells() if key[i] is not ALL}, key=str)
        for i, d in enumerate(DIMENSIONS)
    }
    for breakdown in (None, *DIMENSIONS):
        yield breakdown, None
        for dimension in DIMENSIONS:
            if dimension != breakdown:
                for value in values[dimension]:
                    yield breakdown, (dimension, value)


def displayed(published: PublishedTable, selections):
    """Everything the views display, by its key in the full table: shown cells, and cells
    displayed as hidden (withheld ones, and empty ones, which look the same)."""
    shown: dict[tuple, Aggregate] = {}
    hidden: set[tuple] = set()
    for breakdown, only in selections:
        view = results.select_view(published, breakdown=breakdown, only=only)
        base = {d: ALL for d in DIMENSIONS}
        if only:
            base[only[0]] = only[1]
        cells = [(tuple(base[d] for d in DIMENSIONS), view.total)]
        for cell in view.groups:
            key = {**base, breakdown: cell.value}
            cells.append((tuple(key[d] for d in DIMENSIONS), cell))
        for key, cell in cells:
            if cell.shown:
                assert cell.aggregate is not None
                shown[key] = cell.aggregate
            else:
                assert cell.hidden_text, "a hidden group must say why"
                assert cell.n is None and cell.mean is None
                hidden.add(key)
    return shown, hidden


def assert_nothing_small_is_revealed(table: AggregateTable, published: PublishedTable, k: int):
    truth = table.groups()
    shown, hidden = displayed(published, list(every_selection(published)))
    assert not set(shown) & hidden, "a group is shown in one view and hidden in another"
    for key, aggregate in shown.items():
        assert aggregate.n >= k, key
        assert aggregate == truth[key], key
    # The reader sees only what was displayed; every other group is unknown to it.
    entries = {
        key: shown.get(key, Withheld(WithheldReason.SMALL_GROUP, k)) for key in published.entries
    }
    reader = Reader(PublishedTable(published.dimensions, k, entries))
    # Empty groups are displayed like hidden ones, but a reader may still work out that one is
    # empty (zero describes nobody), so the property is about groups with answers in them.
    for key, aggregate in truth.items():
        if key not in shown and aggregate.n > 0 and (key in hidden or aggregate.n < k):
            assert reader.derive(key) is None, (key, aggregate.n, reader.derive(key))
    sizes = {key: truth[key].n for key in reader.unknown}
    leaks = [s for s in reader.derivable_cell_sets(sizes, k) or [] if sum(sizes[c] for c in s)]
    assert not leaks, leaks


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=response_sets(), k=st.sampled_from([3, 5, 10]))
def test_no_displayed_group_is_small_and_no_hidden_group_is_derivable(data, k):
    records, groups = data
    table = AggregateTable.from_records(records, DIMENSIONS, value=lambda r: r.value, keys=groups)
    published = results.publish_table(records, k, groups=groups)
    assert_nothing_small_is_revealed(table, published, k)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=response_sets(), k=st.sampled_from([3, 5, 10]))
def test_respondent_counts_follow_the_same_rule(data, k):
    records, groups = data
    table = AggregateTable.from_records(records, DIMENSIONS, keys=groups)
    published = results.publish_table(records, k, counting=True, groups=groups)
    assert_nothing_small_is_revealed(table, published, k)


def test_a_filter_that_would_isolate_a_small_group_is_refused():
    records = [Record(f"s{i}", "Sales", "3-4", "peer", 4) for i in range(9)]
    records += [Record(f"l{i}", "Legal", "3-4", "peer", 1) for i in range(2)]
    published = results.publish_table(records, 5)
    view = results.select_view(published, breakdown=None, only=("department", "Legal"))
    assert view.refused is not None
    assert view.total.n is None
    # Sales alone is refused too: the total minus Sales would be Legal's two answers.
    sales = results.select_view(published, breakdown=None, only=("department", "Sales"))
    assert not sales.total.shown
    everyone = results.select_view(published, breakdown="department", only=None)
    assert everyone.total.n == 11
    assert [c.shown for c in everyone.groups] == [False, False]


# --- the same property through the database and the page's selector --------------------------


@pytest.fixture
def scored_survey(coordinator):
    from tests.feedback.conftest import open_survey, started_program

    program = started_program(coordinator, 6)
    survey = open_survey(coordinator, program, "checkin")
    question = survey.questions.filter(kind="likert").first()
    return survey, question


def _store(survey, question: SurveyQuestion, records: list[Record]) -> None:
    Response.objects.filter(survey=survey).delete()
    responses = [
        Response(
            survey=survey,
            department=r.department,
            level_band=r.level_band,
            role=r.role,
            released=True,
        )
        for r in records
    ]
    Response.objects.bulk_create(responses)
    ResponseAnswer.objects.bulk_create(
        ResponseAnswer(response=response, question=question, number=r.value)
        for response, r in zip(responses, records, strict=True)
    )


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=response_sets(max_size=30), k=st.sampled_from([5, 10]), choice=st.data())
def test_the_results_page_selector_displays_only_what_the_property_allows(
    scored_survey, coordinator, data, k, choice
):
    from tandem.feedback.models import Survey
    from tandem.feedback.selectors import survey_results

    survey, question = scored_survey
    records, _ = data
    Survey.objects.filter(pk=survey.pk).update(
        k_scores=k,
        k_comments=max(k, 10),
        status="closed",  # breakdowns once closed
    )
    _store(survey, question, records)
    values = {d: sorted({getattr(r, d) for r in records}) for d in DIMENSIONS}
    breakdown = choice.draw(st.sampled_from([None, *DIMENSIONS]))
    filters = [(d, v) for d in DIMENSIONS if d != breakdown for v in values[d]] or [None]
    only = choice.draw(st.sampled_from([None, *filters]))
    result = survey_results(user=coordinator, survey_id=survey.pk, breakdown=breakdown, only=only)
    view = next(q.view for q in result.questions if q.question.pk == question.pk)
    assert view is not None
    selected = [r for r in records if only is None or getattr(r, only[0]) == only[1]]
    cells = [(view.total, selected)]
    cells += [(c, [r for r in selected if getattr(r, breakdown) == c.value]) for c in view.groups]
    for cell, members in cells:
        if cell.shown:
            assert cell.aggregate is not None
            assert cell.n == len(members) >= k
            assert cell.aggregate.total == sum(r.value for r in members)
        else:
            assert cell.n is None and cell.hidden_text
