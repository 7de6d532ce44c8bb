"""A small organisation for the fuzzers: every kind of object an API operation or a page can
address exists at least once, for an admin, a coordinator and a participant (and someone else's
objects the participant must not reach)."""

from __future__ import annotations

from typing import Any

from tandem.accounts.models import Role
from tandem.programs.models import ProgramKind, ProgramStatus
from tests.community.access import community_world
from tests.factories import (
    EnrolmentFactory,
    GoalFactory,
    MatchRunFactory,
    MeetingFactory,
    PersonFactory,
    ProgramFactory,
    RelationshipFactory,
    SurveyFactory,
    UserFactory,
    enrolled_program,
    standard_answers,
)


def build_world() -> dict[str, Any]:
    admin = PersonFactory(
        user=UserFactory(email="admin@example.com", name="Ada Admin", role=Role.ADMIN)
    ).user
    coordinator = PersonFactory(
        user=UserFactory(email="coord@example.com", name="Cora Coordinator", role=Role.COORDINATOR)
    ).user
    participant = PersonFactory(
        user=UserFactory(email="pat@example.com", name="Pat Participant")
    ).user
    other = PersonFactory(user=UserFactory(email="olly@example.com", name="Olly Outsider")).user
    partner = PersonFactory(user=UserFactory(email="parker@example.com", name="Parker")).user

    enrolling = enrolled_program(
        6, coordinators=[coordinator], status=ProgramStatus.ENROLLING, name="Enrolling"
    )
    EnrolmentFactory(
        program=enrolling, person=participant.person, answers=standard_answers(enrolling, 1)
    )
    matching = ProgramFactory(
        coordinators=[coordinator], status=ProgramStatus.MATCHING, name="Matching"
    )
    people = [e.person for e in enrolling.enrolments.exclude(person=participant.person)]
    for index, person in enumerate(people):
        EnrolmentFactory(program=matching, person=person, answers=standard_answers(matching, index))
    run = MatchRunFactory(
        program=matching, proposals=[people[0:2], people[2:4]], unmatched=people[4:6]
    )
    active = ProgramFactory(
        coordinators=[coordinator],
        status=ProgramStatus.ACTIVE,
        name="Active",
        kind=ProgramKind.PEER_PAIRS,
    )
    mine = RelationshipFactory(program=active, members=[participant.person, partner.person])
    theirs = RelationshipFactory(program=active, members=[other.person, PersonFactory()])
    meeting = MeetingFactory(relationship=mine)
    MeetingFactory(relationship=theirs)
    goal = GoalFactory(relationship=mine)
    survey = SurveyFactory(
        program=active, status="open", invited=[participant.person, partner.person]
    )
    ProgramFactory(coordinators=[coordinator], name="Draft")
    community = community_world(enrolling, participant, coordinator)
    return {
        "community": community,
        "admin": admin,
        "coordinator": coordinator,
        "participant": participant,
        "other": other,
        "programs": [enrolling, matching, active],
        "run": run,
        "relationship": mine,
        "foreign_relationship": theirs,
        "meeting": meeting,
        "goal": goal,
        "survey": survey,
    }
