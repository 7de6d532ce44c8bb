"""The domain factories build valid worlds in a line (``tests/factories.py``)."""

from __future__ import annotations

import pytest

from tandem.feedback.selectors import response_rate
from tandem.matches.services.criteria import current_criteria
from tandem.programs.models import Answer, PrivateAnswer
from tests.factories import (
    EnrolmentFactory,
    GoalFactory,
    MatchRunFactory,
    MeetingFactory,
    MeetingSeriesFactory,
    PersonFactory,
    ProgramFactory,
    RelationshipFactory,
    SurveyFactory,
    enrolled_program,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["peer_pairs", "mentor_mentee", "circles", "coffee_rotation"])
@pytest.mark.parametrize("status", ["draft", "enrolling", "matching", "active", "closed"])
def test_programs_of_every_kind_and_stage(kind, status, coordinator):
    program = ProgramFactory(kind=kind, status=status, coordinators=[coordinator])
    assert (program.kind, program.status) == (kind, status)
    assert program.questions.exists() and list(program.coordinators.all()) == [coordinator]
    assert (program.opened_at is None) == (status == "draft")
    assert (program.closed_at is not None) == (status == "closed")


def test_an_enrolment_keeps_private_answers_apart():
    program = ProgramFactory(status="enrolling")
    enrolment = EnrolmentFactory(
        program=program, answers={"goals": "Lead retros", "avoid_peers": ["x@example.com"]}
    )
    assert Answer.objects.get(enrolment=enrolment).value == "Lead retros"
    assert PrivateAnswer.objects.get(enrolment=enrolment).value == ["x@example.com"]


def test_an_enrolled_program_has_mentors_with_room_for_two():
    program = enrolled_program(6, kind="mentor_mentee", status="matching")
    roles = sorted(program.enrolments.values_list("role", "capacity"))
    assert roles == [("mentee", 1)] * 4 + [("mentor", 2)] * 2
    assert all(e.answers.exists() for e in program.enrolments.all())


def test_a_done_run_with_proposals_and_someone_unmatched():
    program = enrolled_program(5, status="matching")
    a, b, c, d, e = (en.person for en in program.enrolments.order_by("person__user__email"))
    run = MatchRunFactory(program=program, proposals=[(a, b), (c, d)], unmatched=[e])
    assert run.status == "done" and run.participants == 4
    assert run.criteria == current_criteria(program)
    assert [p.members.count() for p in run.proposals.all()] == [2, 2]
    assert run.unmatched.get().person == e


@pytest.mark.parametrize(
    ("status", "accepted", "live"),
    [("active", True, True), ("proposed", False, True), ("ended", True, False)],
)
def test_relationships_in_each_state(status, accepted, live):
    relationship = RelationshipFactory(status=status)
    members = list(relationship.members.all())
    assert len(members) == 2 and relationship.is_live == live
    assert all((m.accepted_at is not None) == accepted for m in members)
    assert relationship.program.enrolments.count() == 2


def test_meetings_goals_and_a_series():
    first, second = PersonFactory(), PersonFactory()
    relationship = RelationshipFactory(members=[first, second])
    held = MeetingFactory(relationship=relationship, status="held")
    series = MeetingSeriesFactory(relationship=relationship)
    upcoming = MeetingFactory(relationship=relationship, series=series)
    assert held.starts_at < upcoming.starts_at and held.organiser == first
    assert GoalFactory(relationship=relationship).owner == first


def test_surveys_open_and_closed_with_invitations():
    people = [PersonFactory() for _ in range(3)]
    survey = SurveyFactory(status="open", invited=people)
    assert survey.questions.count() == 3 and survey.closes_at > survey.opens_at
    assert response_rate(survey).invited == 3
    closed = SurveyFactory(status="closed")
    assert closed.closed_at is not None and closed.closes_at <= closed.closed_at
