"""Time zones, text similarity, configuration loading, progress reporting."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from matching_helpers import make_problem, random_people

from tandem.matching import (
    ConfigError,
    Constraints,
    Criterion,
    Participant,
    ProblemError,
    build_problem,
    compile_problem,
    load_config,
    solve,
)
from tandem.matching.text import choose_backend, embedding_available, tfidf_vectors
from tandem.matching.timezones import overlap_hours, resolve_zone

DAY = (dt.time(9), dt.time(17))


def test_overlap_uses_real_zones_and_dst():
    winter = dt.date(2026, 1, 15)
    assert overlap_hours("Europe/Berlin", DAY, "America/New_York", DAY, winter) == 2
    # mid-March: New York is on summer time, Berlin not yet -> one more shared hour
    march = dt.date(2026, 3, 16)
    assert overlap_hours("Europe/Berlin", DAY, "America/New_York", DAY, march) == 3
    assert overlap_hours("Asia/Kolkata", DAY, "Europe/London", DAY, winter) == 2.5
    assert overlap_hours("Pacific/Auckland", DAY, "America/Los_Angeles", DAY, winter) == 5
    assert overlap_hours("Asia/Tokyo", DAY, "America/New_York", DAY, winter) == 0
    assert overlap_hours("UTC+5:30", DAY, "Asia/Kolkata", DAY, winter) == 8
    assert resolve_zone("Mars/Olympus") is None


def test_custom_working_hours_change_the_overlap():
    late = (dt.time(13), dt.time(21))
    winter = dt.date(2026, 1, 15)
    assert overlap_hours("Europe/Berlin", late, "America/New_York", DAY, winter) == 6


def test_tfidf_similarity_is_offline_and_sensible():
    vectors = tfidf_vectors(
        [
            "learn python and sql for data analysis",
            "I want to learn sql and python",
            "become a better public speaker",
            "",
        ]
    )
    sims = vectors @ vectors.T
    assert sims[0, 1] > 0.5
    assert sims[0, 2] == pytest.approx(0.0)
    assert not vectors[3].any()
    assert choose_backend("tfidf", 10) == "tfidf"
    if not embedding_available():
        assert choose_backend("auto", 10) == "tfidf"
        with pytest.raises(RuntimeError, match=r"tandem\[ai\]"):
            choose_backend("embedding", 10)


@pytest.mark.slow
def test_tfidf_projection_keeps_neighbours_for_large_vocabularies():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(400)]
    texts = [" ".join(rng.choice(words, 12)) for _ in range(300)]
    texts.append(texts[0] + " extra")
    vectors = tfidf_vectors(texts)
    assert vectors.shape[1] == 64
    assert int(np.argmax(vectors[:-1] @ vectors[-1])) == 0


@pytest.mark.skipif(not embedding_available(), reason="optional extra tandem[ai] not installed")
def test_embedding_backend_loads_offline():
    from tandem.matching.text import embedding_vectors

    vectors = embedding_vectors(["learn python", "get better at python", ""])
    assert vectors.shape == (3, 384)
    assert float(vectors[0] @ vectors[1]) > 0.5


def test_load_config_example_and_errors():
    config = load_config(
        {
            "kind": "circles",
            "criteria": [
                {
                    "field": "level",
                    "rule": "close",
                    "max_difference": 1,
                    "must_have": True,
                    "order": ["junior", "mid", "senior"],
                }
            ],
            "constraints": {"group_size": 5, "locks": [["a", "b"]], "repeat_cooldown_rounds": 3},
            "round": 4,
            "reference_date": "2026-01-05",
        }
    )
    assert config.kind == "circles"
    assert config.constraints.group_size == 5
    assert config.constraints.locks == (("a", "b"),)
    assert config.round_number == 4
    assert config.reference_date == dt.date(2026, 1, 5)
    with pytest.raises(ConfigError) as info:
        load_config(
            {
                "kind": "peer_pairs",
                "criteria": [
                    {"field": "skills", "rule": "close"},
                    {"field": "level", "rule": "close", "weight": "heavy"},
                    {"rule": "same"},
                ],
                "constraints": {"exclude_same_manager": "yes", "colour": 1},
                "bogus": 1,
            }
        )
    problems = "\n".join(info.value.problems)
    for fragment in (
        "'close' does not apply to 'skills'",
        "weight must be a number",
        "'field' is required",
        "exclude_same_manager must be true or false",
        "unknown key 'colour'",
        "unknown setting 'bogus'",
    ):
        assert fragment in problems


def test_labels_in_order_and_bad_levels():
    config = load_config(
        {
            "criteria": [
                {
                    "field": "level",
                    "rule": "close",
                    "order": ["junior", "mid", "senior"],
                    "max_difference": 1,
                    "must_have": True,
                }
            ]
        }
    )
    people = [
        Participant(id="a", level="Junior"),
        Participant(id="b", level="mid"),
        Participant(id="c", level="senior"),
    ]
    solution = solve(build_problem(people, config))
    assert len(solution.groups) == 1
    with pytest.raises(ProblemError, match="not one of"):
        compile_problem(build_problem([Participant(id="x", level="boss")], config))


def test_missing_must_have_value_is_the_reason():
    people = [
        Participant(id="a", level=1),
        Participant(id="b", level=2),
        Participant(id="c", level=None),
    ]
    criteria = [Criterion("level", "close", 1, must_have=True, max_difference=2)]
    solution = solve(make_problem(people, criteria=criteria))
    assert solution.unmatched[0].id == "c"
    assert solution.unmatched[0].reason.startswith("your level is missing")


def test_progress_is_reported_monotonically():
    seen: list[tuple[float, str]] = []
    solve(make_problem(random_people(60, 1)), progress=lambda f, phase: seen.append((f, phase)))
    fractions = [f for f, _ in seen]
    assert fractions[0] == 0.0
    assert fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert {"compiling", "done"} <= {phase for _, phase in seen}


def test_reporting_line_and_same_manager_are_excluded_by_default():
    people = [
        Participant(id="boss", level=5),
        Participant(id="lead", level=4, manager_id="boss"),
        Participant(id="dev", level=3, manager_id="lead"),
        Participant(id="peer", level=3, manager_id="lead"),
    ]
    model = compile_problem(make_problem(people, criteria=[Criterion("level", "close", 1)]))
    idx = model.index
    pairs = np.array(
        [
            [idx["boss"], idx["dev"]],
            [idx["dev"], idx["peer"]],
            [idx["boss"], idx["peer"]],
            [idx["lead"], idx["peer"]],
        ]
    )
    assert not model.feasible(pairs[:, 0], pairs[:, 1]).any()
    relaxed = compile_problem(
        make_problem(
            people,
            criteria=[Criterion("level", "close", 1)],
            constraints=Constraints(exclude_same_manager=False, exclude_reporting_line=False),
        )
    )
    assert relaxed.feasible(pairs[:, 0], pairs[:, 1]).all()
