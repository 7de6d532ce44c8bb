"""Re-matching the pool into existing pairs: in a peer-pair program that allows trios, someone the
re-match could not pair (an odd one out after a decline) is proposed as the third member of the
live pair they fit best, instead of being left waiting.

Each pair takes at most one newcomer; a trio must pass every hard rule (please-not lists, same
manager, must-have criteria) for all three. The proposal names the pair it joins and is reviewed
and published with the rest of the run.
"""

from __future__ import annotations

from dataclasses import asdict

from django.db.models import Count

from tandem.core.words import plural
from tandem.matches.models import MatchRun, Proposal, ProposalMember, UnmatchedPerson
from tandem.matches.selectors import has_live_relationships
from tandem.matches.services.review import problem_for_scoring
from tandem.matching import score_group
from tandem.matching.records import GroupEvaluation
from tandem.matching.scoring import ScoreModel, compile_problem
from tandem.programs.models import Enrolment, ProgramKind
from tandem.relationships.models import Relationship, RelationshipStatus


def wants_trios(run: MatchRun) -> bool:
    program = run.program
    return (
        program.kind == ProgramKind.PEER_PAIRS
        and program.allow_trio
        and run.round is None
        and has_live_relationships(program)
    )


def _best_pair(
    model: ScoreModel, pairs: list[Relationship], person_id: int
) -> tuple[Relationship, GroupEvaluation] | None:
    """The pair this person adds most to, where all three pass every hard rule."""
    best: tuple[Relationship, GroupEvaluation] | None = None
    newcomer = str(person_id)
    for pair in pairs:
        members = [str(m.person_id) for m in pair.members.all()]
        # The pair's own history (they were matched before: they are) is no objection; every
        # hard rule between the newcomer and each of them is.
        if any(score_group(model, [m, newcomer]).violations for m in members):
            continue
        evaluation = score_group(model, [*members, newcomer])
        if best is None or evaluation.score > best[1].score:
            best = (pair, evaluation)
    return best


def place_odd_ones_in_pairs(run: MatchRun) -> int:
    """Turn unmatched people of a re-match into proposals that join a live pair. Returns how
    many were placed. Runs inside the caller's transaction (the run's store)."""
    if not wants_trios(run):
        return 0
    waiting = list(UnmatchedPerson.objects.filter(run=run))
    if not waiting:
        return 0
    pairs = list(
        Relationship.objects.filter(program=run.program, status=RelationshipStatus.ACTIVE)
        .annotate(size=Count("members"))
        .filter(size=2)
        .prefetch_related("members")
    )
    if not pairs:
        return 0
    model = compile_problem(problem_for_scoring(run))
    roles = dict(Enrolment.objects.filter(program=run.program).values_list("person_id", "role"))
    taken: set[int] = set()
    placed = 0
    for unmatched in waiting:
        best = _best_pair(model, [p for p in pairs if p.pk not in taken], unmatched.person_id)
        if best is None:
            continue
        pair, evaluation = best
        taken.add(pair.pk)
        proposal = Proposal.objects.create(
            run=run,
            joins=pair,
            score=round(evaluation.score, 4),
            min_pair_score=round(
                min((s for _, _, s in evaluation.pair_scores), default=evaluation.score), 4
            ),
            explanation=list(evaluation.explanation),
            factors=[asdict(f) for f in evaluation.factors],
        )
        ProposalMember.objects.create(
            proposal=proposal,
            person_id=unmatched.person_id,
            role=roles.get(unmatched.person_id, "peer"),
            explanation=list(evaluation.per_member.get(str(unmatched.person_id), [])),
        )
        unmatched.delete()
        placed += 1
    if placed:
        run.refresh_from_db(fields=["notes"])
        run.notes = [
            *run.notes,
            f"{plural(placed, 'person', 'people')} join a live pair as its third member.",
        ]
        run.save(update_fields=["notes"])
    return placed
