"""Tandem's matching engine: explainable, certified or near-optimal matching. No Django here.

Stable API (the web side and the ``tandem match`` CLI use only these names):

Records (``tandem.matching.records``)
    ``Participant(id, name, department, manager_id, manager_chain, level, timezone,
    working_hours, languages, skills_offered, skills_wanted, goals, availability, interests,
    preferred, avoid, past_partners, capacity, role, hire_date, ranking, custom, email)``,
    ``PastPartner(id, round, date)``, ``TimeWindow(day, start, end)``,
    ``Criterion(field, rule, weight, must_have, max_difference, order, min_overlap_hours,
    min_similarity, label)``, ``Constraints(exclude_same_manager, exclude_reporting_line,
    avoid_repeat_pairs, repeat_cooldown_rounds, repeat_cooldown_days, respect_avoid_lists, locks,
    forbids, allow_trio, group_size, mutual_wish_bonus, one_sided_wish_bonus, new_hire_days,
    stable)``, ``Problem(kind, participants, criteria, constraints, round_number,
    reference_date, text_backend, candidates_k, exact_limit)``.

Solving
    ``solve(problem, *, seed=0, progress=None) -> Solution``; ``progress(fraction, phase)``.
    ``Solution(kind, groups: list[Group], unmatched: list[Unmatched], stats: SolveStats, notes)``.
    ``Group(members, score, pair_scores, explanation, factors, per_member, roles, locked)``.
    ``SolveStats(objective, bound, gap, matched, unmatched, worst_off, mean_score, histogram,
    quantiles, seconds, solver, bound_method, certified_optimal, candidates_k, phases)``.

Review screen
    ``compile_problem(problem, seed=0) -> ScoreModel`` (reuse it across many calls),
    ``score_group(problem_or_model, member_ids) -> GroupEvaluation`` (score, explanation,
    violations of one given pair or group), ``check_solution(problem_or_model, solution) ->
    list[str]`` (every broken rule; empty when valid).

Configuration
    ``load_config(mapping) -> ProgramConfig`` (a parsed TOML document or form data; raises
    ``ConfigError`` listing every problem), ``build_problem(participants, config) -> Problem``.

Errors: ``MatchingError`` (base), ``ConfigError``, ``ProblemError``; each has ``problems``.
"""

from tandem.matching.config import ProgramConfig, build_problem, load_config
from tandem.matching.engine import solve
from tandem.matching.records import (
    PROGRAM_KINDS,
    RULES,
    ConfigError,
    Constraints,
    Criterion,
    Factor,
    Group,
    GroupEvaluation,
    MatchingError,
    Participant,
    PastPartner,
    Problem,
    ProblemError,
    Solution,
    SolveStats,
    TimeWindow,
    Unmatched,
)
from tandem.matching.review import check_solution, score_group
from tandem.matching.scoring import ScoreModel, compile_problem

__all__ = [
    "PROGRAM_KINDS",
    "RULES",
    "ConfigError",
    "Constraints",
    "Criterion",
    "Factor",
    "Group",
    "GroupEvaluation",
    "MatchingError",
    "Participant",
    "PastPartner",
    "Problem",
    "ProblemError",
    "ProgramConfig",
    "ScoreModel",
    "Solution",
    "SolveStats",
    "TimeWindow",
    "Unmatched",
    "build_problem",
    "check_solution",
    "compile_problem",
    "load_config",
    "score_group",
    "solve",
]
