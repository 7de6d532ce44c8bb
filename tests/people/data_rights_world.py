"""A person with something in every app, and a partner with records of their own."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from tandem.audit.services import log_action
from tandem.feedback.models import Participation
from tandem.notify.models import OutboxMessage
from tandem.people.models import Person
from tandem.relationships.models import (
    AgendaItem,
    ClosingSummary,
    Concern,
    LoggedTopic,
    MeetingLog,
    PrivateNote,
    Relationship,
    RepairRequest,
)
from tests.factories import (
    EnrolmentFactory,
    GoalFactory,
    MeetingFactory,
    PersonFactory,
    ProgramFactory,
    RelationshipFactory,
    SurveyFactory,
    UserFactory,
    standard_answers,
)

NAME, EMAIL = "Zoe Thompson", "zoe.thompson@example.com"
PARTNER_NOTE = "Partner's own note: ask about the conference talk."


@dataclass
class World:
    zoe: Person
    partner: Person
    relationship: Relationship


def build_world(coordinator) -> World:
    program = ProgramFactory(status="active", coordinators=[coordinator])
    zoe = PersonFactory(
        user=UserFactory(email=EMAIL, name=NAME),
        employee_id="E-77881",
        job_title="Staff Cartographer",
        goals="Grow into a staff role",
    )
    partner = PersonFactory(user=UserFactory(email="pat.quinn@example.com", name="Pat Quinn"))
    EnrolmentFactory(program=program, person=zoe, answers=standard_answers(program, 1))
    EnrolmentFactory(program=program, person=partner, answers=standard_answers(program, 2))
    relationship = RelationshipFactory(program=program, members=[zoe, partner])
    relationship.explanation = [f"{NAME} and Pat Quinn both want to grow in SQL."]
    relationship.save(update_fields=["explanation"])
    meeting = MeetingFactory(relationship=relationship, status="held", organiser=zoe)
    AgendaItem.objects.create(meeting=meeting, added_by=zoe, text="Zoe's agenda point")
    zoe_log = MeetingLog.objects.create(
        meeting=meeting, author=zoe, takeaways="Zoe's takeaway", next_steps="Zoe's next step"
    )
    LoggedTopic.objects.create(log=zoe_log, title="Zoe's topic", brought_by=zoe)
    MeetingLog.objects.create(
        meeting=meeting, author=partner, takeaways=f"Talked with {NAME} about maps."
    )
    PrivateNote.objects.create(relationship=relationship, author=zoe, text="Zoe's private note")
    PrivateNote.objects.create(relationship=relationship, author=partner, text=PARTNER_NOTE)
    GoalFactory(relationship=relationship, owner=zoe, title="Zoe's goal", why="Zoe's why")
    GoalFactory(relationship=relationship, owner=partner, title="Pat's goal")
    Concern.objects.create(
        program=program,
        relationship=relationship,
        raised_by=zoe,
        kind="other",
        text="Zoe's concern text",
    )
    RepairRequest.objects.create(relationship=relationship, requested_by=zoe, reason="Zoe's why")
    membership = relationship.members.get(person=zoe)
    ClosingSummary.objects.create(
        membership=membership,
        achieved="Zoe achieved",
        learned="Zoe learned",
        would_recommend_partner=True,
        would_do_again=True,
    )
    survey = SurveyFactory(program=program, status="open")
    Participation.objects.create(survey=survey, person=zoe, invited_on=timezone.localdate())
    OutboxMessage.objects.create(
        event_key="welcome",
        recipient=EMAIL,
        user=zoe.user,
        kind="welcome",
        subject=f"Welcome, {NAME}",
        body_text=f"Hello {NAME}, welcome to Tandem.",
    )
    log_action("people.person_viewed", actor=coordinator, target=zoe)
    log_action("account.updated", actor=zoe.user, target=zoe.user, data={"email": EMAIL})
    return World(zoe=zoe, partner=partner, relationship=relationship)
