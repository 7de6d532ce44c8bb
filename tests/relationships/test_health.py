"""Health and reciprocity rules on fixed timelines (no database, no clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tandem.relationships.health import (
    AT_RISK,
    ATTENTION,
    ON_TRACK,
    Facts,
    HealthSettings,
    assess,
    balance,
    one_sided_streak,
)

T0 = datetime(2026, 1, 5, 10, tzinfo=UTC)
BIWEEKLY = HealthSettings(cadence_days=14, grace_days=7, inactivity_warning_days=60)


def day(n: int) -> datetime:
    return T0 + timedelta(days=n)


def test_a_pair_meeting_on_cadence_is_on_track():
    facts = Facts(activated_at=T0, held=[day(3), day(17), day(31)], goals=2, upcoming=[day(45)])
    assert assess(facts, day(40), BIWEEKLY).status == ON_TRACK


def test_overdue_needs_attention_then_inactivity_is_at_risk():
    facts = Facts(activated_at=T0, held=[day(3)], goals=1)
    assert assess(facts, day(20), BIWEEKLY).status == ON_TRACK  # within cadence + grace
    late = assess(facts, day(30), BIWEEKLY)
    assert late.status == ATTENTION and late.reasons[0].startswith("No meeting for 27 days")
    assert assess(facts, day(70), BIWEEKLY).status == AT_RISK
    planned = Facts(activated_at=T0, held=[day(3)], goals=1, upcoming=[day(35)])
    assert assess(planned, day(30), BIWEEKLY).status == ON_TRACK  # a meeting is planned


def test_no_goals_two_weeks_after_the_kickoff():
    facts = Facts(activated_at=T0, held=[day(2), day(15)], upcoming=[day(29)])
    assert assess(facts, day(10), BIWEEKLY).status == ON_TRACK
    result = assess(facts, day(17), BIWEEKLY)
    assert (
        result.status == ATTENTION
        and "No goals set 15 days after the first meeting" in result.reasons
    )


def test_missed_meetings():
    one = Facts(
        activated_at=T0, held=[day(3), day(17)], missed=[day(31)], goals=1, upcoming=[day(45)]
    )
    assert assess(one, day(33), BIWEEKLY).status == ATTENTION
    two = Facts(
        activated_at=T0, held=[day(3)], missed=[day(17), day(31)], goals=1, upcoming=[day(45)]
    )
    result = assess(two, day(33), BIWEEKLY)
    assert result.status == AT_RISK and result.reasons == ["2 of the last 3 meetings were missed"]


def test_one_sided_topics_and_unmarked_meetings():
    facts = Facts(
        activated_at=T0,
        held=[day(3), day(10), day(17)],
        goals=2,
        upcoming=[day(24)],
        topic_bringers=[[1], [1], [1]],
        unmarked=[day(19)],
    )
    result = assess(facts, day(23), BIWEEKLY)
    assert result.status == ATTENTION
    assert result.reasons == [
        "One person has brought every topic for 3 meetings in a row",
        "1 past meeting not marked as held or missed",
    ]


def test_streak_needs_three_meetings_by_the_same_person():
    assert one_sided_streak([[1], [1]]) is None
    assert one_sided_streak([[2], [1], [1], [1]]) == 1
    assert one_sided_streak([[1], [1, 2], [1]]) is None
    assert one_sided_streak([[1], [], [2], [2], [2]]) == 2


def test_balance_verdicts():
    assert balance([{1: 3, 2: 2}], [1, 2]).verdict.startswith("Balanced")
    assert balance([{1: 4, 2: 1}], [1, 2]).verdict == "Leaning to one side"
    assert balance([{1: 9}], [1, 2]).verdict == "One-sided: something needs to shift"
    assert balance([], [1, 2]).verdict == "No topics logged yet"
    assert balance([{1: 1, 2: 1, 3: 1}], [1, 2, 3]).shares == {1: 1 / 3, 2: 1 / 3, 3: 1 / 3}


def test_no_first_meeting_three_weeks_in_is_at_risk_unless_one_is_planned():
    new = Facts(activated_at=T0)
    assert assess(new, day(21), BIWEEKLY).status == ON_TRACK
    late = assess(new, day(22), BIWEEKLY)
    assert late.status == AT_RISK
    assert late.reasons == ["No first meeting 22 days after the match started, and none planned"]
    planned = Facts(activated_at=T0, upcoming=[day(25)])
    assert assess(planned, day(22), BIWEEKLY).status == ON_TRACK


def test_a_match_waiting_for_answers_needs_attention_then_is_late():
    waiting = Facts(activated_at=T0, proposed=True, unanswered=1, respond_by=day(7).date())
    soon = assess(waiting, day(3), BIWEEKLY)
    assert soon.status == ATTENTION
    assert soon.reasons == ["Waiting for answers: 1 person has not accepted yet (3 days)"]
    late = assess(waiting, day(8), BIWEEKLY)
    assert late.status == AT_RISK
    assert late.reasons == ["1 person has not answered the match; the answer was due 12 Jan"]


def test_at_risk_since_is_when_the_rule_started_to_hold():
    assert assess(Facts(activated_at=T0), day(30), BIWEEKLY).at_risk_since == day(21)
    idle = Facts(activated_at=T0, held=[day(3)], goals=1)
    assert assess(idle, day(70), BIWEEKLY).at_risk_since == day(63)
    missing = Facts(
        activated_at=T0, held=[day(3)], missed=[day(17), day(31)], goals=1, upcoming=[day(45)]
    )
    assert assess(missing, day(33), BIWEEKLY).at_risk_since == day(31)
    assert assess(missing, day(33), BIWEEKLY).status == AT_RISK
    assert assess(Facts(activated_at=T0, upcoming=[day(2)]), day(1), BIWEEKLY).at_risk_since is None
