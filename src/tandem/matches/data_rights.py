"""What matching holds about a person: proposals, reasons, rules (``core.personal_data``)."""

from __future__ import annotations

from tandem.core.personal_data import Section, Subject, register
from tandem.matches.models import PairRule, ProposalMember, RotationStanding, UnmatchedPerson


def export(subject: Subject) -> dict[str, Section]:
    pid = subject.person_id
    if pid is None:
        return {}
    proposals = ProposalMember.objects.filter(person_id=pid).select_related(
        "proposal__run__program"
    )
    unmatched = UnmatchedPerson.objects.filter(person_id=pid).select_related("run__program")
    standings = RotationStanding.objects.filter(person_id=pid).select_related("program")
    return {
        "proposals": Section(
            "Match proposals",
            "Proposals of the matching runs you were part of, as coordinators reviewed them.",
            [
                {
                    "program": m.proposal.run.program.name,
                    "run": m.proposal.run_id,
                    "run_status": m.proposal.run.get_status_display(),
                    "proposed": m.proposal.run.created_at,
                    "score": round(m.proposal.score, 3),
                    "why_this_match": m.proposal.explanation,
                    "what_it_offers_you": m.explanation,
                }
                for m in proposals
            ],
        ),
        "unmatched": Section(
            "Runs that left you unmatched",
            "Why a matching run found no partner for you.",
            [
                {"program": u.run.program.name, "run": u.run_id, "reason": u.reason}
                for u in unmatched
            ],
        ),
        "rotation": Section(
            "Coffee rotation standing",
            "Rounds you skip or sit out.",
            [
                {
                    "program": s.program.name,
                    "skip_rounds": s.skip_rounds,
                    "paused_until": s.paused_until,
                    "first_in_line": s.first_in_line,
                }
                for s in standings
            ],
        ),
    }


def erase(subject: Subject) -> dict[str, int]:
    pid = subject.person_id
    if pid is None:
        return {}
    return {
        "proposal_explanations": ProposalMember.objects.filter(person_id=pid).update(
            explanation=[]
        ),
        "unmatched_reasons": UnmatchedPerson.objects.filter(person_id=pid).update(reason=""),
        "pair_rules": PairRule.objects.filter(first_id=pid).delete()[0]
        + PairRule.objects.filter(second_id=pid).delete()[0],
        "rotation_standings": RotationStanding.objects.filter(person_id=pid).delete()[0],
    }


register("matches", export=export, erase=erase, order=20)
