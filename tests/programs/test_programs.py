"""Programs: lifecycle, questionnaire, enrolment, reminders and who sees what."""

from __future__ import annotations

import json
from datetime import timedelta
from itertools import product

import pytest
from django.test import Client
from django.utils import timezone

from tandem.core.errors import ApplicationError
from tandem.notify.models import OutboxMessage
from tandem.people.models import Department
from tandem.programs.models import (
    Enrolment,
    EnrolmentStatus,
    OptOut,
    PrivateAnswer,
    ProgramStatus,
    Question,
    QuestionKind,
    SignupDay,
)
from tandem.programs.questionnaire.enrolment import EnrolmentForm, field_name
from tandem.programs.services.enrolment import enrolment_submit, enrolment_withdraw, opt_out
from tandem.programs.services.mailings import send_due_reminders
from tandem.programs.services.questionnaire import question_save
from tandem.programs.services.setup import program_duplicate
from tandem.programs.services.stages import TRANSITIONS, close_ended_enrolments, program_transition
from tests.conftest import client_for
from tests.factories import PersonFactory, RelationshipFactory, SkillFactory, make_program

S = ProgramStatus


# --- lifecycle ---------------------------------------------------------------------------------

INVALID = [(a, b) for a, b in product(S.values, S.values) if a != b and b not in TRANSITIONS[a]]


@pytest.mark.parametrize(("current", "target"), INVALID)
def test_every_invalid_transition_is_refused_with_a_clear_message(coordinator, current, target):
    program = make_program(coordinator)
    type(program).objects.filter(pk=program.pk).update(status=current)
    program.refresh_from_db()
    with pytest.raises(ApplicationError) as caught:
        program_transition(actor=coordinator, program=program, to=target)
    message = caught.value.message
    labels = dict(S.choices)
    if TRANSITIONS[current]:
        assert message.startswith(
            f"A program that is {labels[current].lower()} cannot become {labels[target].lower()}; "
            "from here it can only become "
        )
    else:
        assert message == "The program is closed; it cannot change stage any more."
    program.refresh_from_db()
    assert program.status == current


def test_the_whole_lifecycle(coordinator, participant, outsider):
    program = make_program(coordinator, status="enrolling")
    assert program.status == S.ENROLLING and program.opened_at is not None
    for user in (participant, outsider):
        enrol(program, user)
    for target in (S.MATCHING, S.ENROLLING, S.MATCHING):
        program = program_transition(actor=coordinator, program=program, to=target)
        assert program.status == target
    RelationshipFactory(program=program)
    for target in (S.ACTIVE, S.MATCHING, S.ACTIVE):
        program = program_transition(actor=coordinator, program=program, to=target)
        assert program.status == target
    program = program_transition(
        actor=coordinator, program=program, to=S.CLOSED, confirmation=program.name
    )
    assert program.status == S.CLOSED


def test_enrolment_cannot_open_without_its_essentials(coordinator):
    program = make_program(coordinator, code_of_conduct="", enrolment_closes_on=None)
    program.questions.all().delete()
    with pytest.raises(ApplicationError) as caught:
        program_transition(actor=coordinator, program=program, to=S.ENROLLING)
    assert caught.value.message == "Enrolment cannot open yet."
    assert [e.message for e in caught.value.errors] == [
        "Add at least one question to the questionnaire.",
        "Set the date enrolment closes.",
        "Write the code of conduct and the confidentiality statement; people accept them when they enrol.",
    ]


def test_matching_needs_two_people(coordinator, participant):
    program = make_program(coordinator, status="enrolling")
    enrol(program, participant)
    with pytest.raises(ApplicationError, match="at least two enrolled people"):
        program_transition(actor=coordinator, program=program, to=S.MATCHING)


def test_a_coordinator_of_another_program_cannot_move_it(coordinator, db):
    from tandem.accounts.models import Role
    from tests.factories import UserFactory

    other = UserFactory(role=Role.COORDINATOR)
    program = make_program(coordinator)
    with pytest.raises(ApplicationError) as caught:
        program_transition(actor=other, program=program, to=S.ENROLLING)
    assert caught.value.status == 403


def test_duplicate_copies_settings_and_questionnaire_as_a_draft(coordinator):
    program = make_program(coordinator, kind="mentor_mentee", status="enrolling", cohort="Q1")
    copy = program_duplicate(actor=coordinator, program=program)
    assert copy.status == S.DRAFT and copy.name.endswith("(copy)") and copy.cohort == "Q1"
    assert list(copy.questions.values_list("key", flat=True)) == list(
        program.questions.values_list("key", flat=True)
    )
    conditional = copy.questions.get(key="skills_offered")
    assert conditional.show_if.program == copy and conditional.show_if.key == "role"
    assert copy.enrolment_closes_on is None


def test_questions_are_locked_once_enrolment_opens(coordinator):
    program = make_program(coordinator, status="enrolling")
    with pytest.raises(ApplicationError, match="Questions are locked once enrolment opens"):
        question_save(actor=coordinator, program=program, kind="text", label="More?")


# --- enrolment ---------------------------------------------------------------------------------


def enrol(program, user, **answers):
    """Enrol through the same form the page uses, with directory prefills."""
    person = user.person
    form = EnrolmentForm(program, person)
    skill = SkillFactory(name="Listening")
    data = {
        "accept": "on",
        "q_goals": "Learn together",
        "q_skills_offered": [skill.pk],
        "q_skills_wanted": [skill.pk],
    }
    for name, value in form.initial.items():
        if name.startswith("q_") and value not in (None, "", []):
            data[name] = value
    data.update({f"q_{key}": value for key, value in answers.items()})
    bound = EnrolmentForm(program, person, data)
    assert bound.is_valid(), bound.errors
    return enrolment_submit(actor=user, program=program, answers=bound.answers(), role=bound.role())


@pytest.fixture
def skills(db):
    return [SkillFactory(name=name) for name in ("SQL", "Public speaking", "Negotiation")]


def test_enrol_edit_and_withdraw(coordinator, participant, skills):
    participant.person.skills.set(skills[:1])
    participant.person.learning.set(skills[1:2])
    participant.person.goals = "Speak at the all-hands"
    participant.person.save()
    program = make_program(coordinator, status="enrolling")

    enrolment = enrol(program, participant)
    answers = {a.question.key: a.value for a in enrolment.answers.select_related("question")}
    assert answers["skills_offered"] == [skills[0].pk]  # prefilled from the directory
    assert answers["skills_wanted"] == [skills[1].pk]
    assert answers["goals"] == "Speak at the all-hands"
    assert answers["level"] == 3 and answers["timezone"] == "Europe/Berlin"
    assert SignupDay.objects.get(program=program).signups == 1
    assert (
        OutboxMessage.objects.filter(
            kind="enrolment_confirmed", recipient=participant.email
        ).count()
        == 1
    )

    enrol(program, participant, goals="Run a workshop")
    enrolment.refresh_from_db()
    assert enrolment.answers.get(question__key="goals").value == "Run a workshop"
    assert SignupDay.objects.get(program=program).signups == 1  # an edit is not a sign-up

    enrolment_withdraw(actor=participant, enrolment=enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.WITHDRAWN
    assert SignupDay.objects.get(program=program).withdrawals == 1


def test_answers_cannot_change_after_matching_starts(coordinator, participant, outsider):
    program = make_program(coordinator, status="enrolling")
    enrol(program, participant)
    enrol(program, outsider)
    program_transition(actor=coordinator, program=program, to=S.MATCHING)
    with pytest.raises(ApplicationError, match="Enrolment for this program is closed"):
        enrol(program, participant, goals="Changed my mind")


def test_ineligible_people_cannot_enrol(coordinator, participant, outsider):
    engineering = Department.objects.get(name="Engineering")
    program = make_program(coordinator, status="enrolling", eligible_departments=[engineering])
    enrol(program, participant)
    with pytest.raises(ApplicationError, match="open to a different group of people"):
        enrol(program, outsider)


def test_required_and_conditional_questions(coordinator, participant, skills):
    program = make_program(coordinator, kind="mentor_mentee", status="enrolling")
    person = participant.person
    data = {
        "accept": "on",
        "q_role": "mentee",
        "q_goals": "Grow",
        "q_level": "3",
        "q_department": person.department_id,
        "q_timezone": "Europe/Berlin",
        "q_languages": ["en"],
    }
    form = EnrolmentForm(program, person, data)
    assert not form.is_valid()
    assert form.errors == {"q_skills_wanted": ["Please answer this question."]}  # offered is hidden

    form = EnrolmentForm(
        program,
        person,
        {**data, "q_skills_wanted": [skills[0].pk], "q_skills_offered": [skills[1].pk]},
    )
    assert form.is_valid(), form.errors
    answers = {q.key: v for q, v in form.answers().items()}
    assert answers["skills_offered"] is None  # a hidden question's answer is discarded
    assert form.role() == "mentee"


def test_background_needs_consent_and_preferred_peers_must_resolve(
    coordinator, participant, outsider
):
    program = make_program(coordinator, status="enrolling")
    PersonFactory(user__email="twin1@example.com", user__name="Sam Same")
    PersonFactory(user__email="twin2@example.com", user__name="Sam Same")
    person = participant.person
    base = {
        field_name(q): v
        for q in program.questions.all()
        if (v := EnrolmentForm(program, person).initial.get(field_name(q))) is not None
    }
    data = {**base, "accept": "on", "q_goals": "x", "q_skills_offered": [], "q_skills_wanted": []}
    program.questions.filter(kind__in=["skills_offered", "skills_wanted"]).update(required=False)
    form = EnrolmentForm(
        program,
        person,
        {
            **data,
            "q_background": ["Career changer"],
            "q_preferred_peers": f"{outsider.email}, Sam Same, nobody@example.com, {participant.email}",
        },
    )
    assert not form.is_valid()
    assert form.errors["q_background_consent"] == [
        "Tick the consent box to share this, or clear your choices."
    ]
    assert form.errors["q_preferred_peers"] == [
        "“Sam Same” matches several people; use their work email.",
        "“nobody@example.com” is not someone in the directory.",
        "You cannot list yourself.",
    ]
    form = EnrolmentForm(
        program,
        person,
        {
            **data,
            "q_background": ["Career changer"],
            "q_background_consent": "on",
            "q_preferred_peers": outsider.email,
        },
    )
    assert form.is_valid(), form.errors
    enrolment = enrolment_submit(actor=participant, program=program, answers=form.answers())
    private = PrivateAnswer.objects.get(enrolment=enrolment)
    assert private.value == ["Career changer"] and private.consented_at is not None


def test_capacity_cannot_exceed_the_cap(coordinator, participant):
    program = make_program(coordinator, status="enrolling", capacity_cap=2)
    with pytest.raises(ApplicationError, match="Choose between 1 and 2 partners"):
        enrolment_submit(actor=participant, program=program, answers={}, capacity=3)


# --- invitations and reminders -----------------------------------------------------------------


def test_opening_invites_every_eligible_person_once(coordinator, participant, outsider, admin):
    engineering = Department.objects.get(name="Engineering")
    program = make_program(coordinator, eligible_departments=[engineering])
    PersonFactory(user__email="left@example.com", department=engineering, status="left")
    program_transition(actor=coordinator, program=program, to=S.ENROLLING)
    invited = OutboxMessage.objects.filter(kind="program_invitation")
    assert list(invited.values_list("recipient", flat=True)) == [participant.email]
    body = invited.get().body_text
    assert f"/programs/{program.pk}/join/" in body and "Not for you right now?" in body


def test_reminders_on_chosen_days_skip_enrolled_withdrawn_and_opted_out(coordinator, db):
    program = make_program(coordinator, reminder_days=[7, 14], last_call_days=2)
    people = {
        name: PersonFactory(user__email=f"{name}@example.com").user
        for name in ("enrolled", "withdrawn", "optedout", "silent")
    }
    program = program_transition(actor=coordinator, program=program, to=S.ENROLLING)
    opened = program.enrolment_opens_on = timezone.localdate()
    program.enrolment_closes_on = opened + timedelta(days=21)
    program.save()
    enrol(program, people["enrolled"])
    enrolment_withdraw(actor=people["withdrawn"], enrolment=enrol(program, people["withdrawn"]))
    opt_out(actor=people["optedout"], program=program)

    def reminded(kind):
        return set(OutboxMessage.objects.filter(kind=kind).values_list("recipient", flat=True))

    assert send_due_reminders(program=program, today=opened + timedelta(days=6)) == 0
    sent = send_due_reminders(program=program, today=opened + timedelta(days=7))
    assert reminded("enrolment_reminder") >= {"silent@example.com"}
    assert not reminded("enrolment_reminder") & {
        "enrolled@example.com",
        "withdrawn@example.com",
        "optedout@example.com",
    }
    assert sent == len(reminded("enrolment_reminder"))
    # running the job twice on the same day sends nothing more
    assert send_due_reminders(program=program, today=opened + timedelta(days=7)) == 0
    send_due_reminders(program=program, today=opened + timedelta(days=19))
    assert "silent@example.com" in reminded("enrolment_last_call")
    assert "optedout@example.com" not in reminded("enrolment_last_call")


def test_enrolment_window_closing_moves_the_program_to_matching(coordinator, participant, outsider):
    program = make_program(coordinator, status="enrolling")
    enrol(program, participant)
    enrol(program, outsider)
    later = program.enrolment_closes_on + timedelta(days=1)
    closed = close_ended_enrolments(today=later)
    assert [p.pk for p in closed] == [program.pk]
    program.refresh_from_db()
    assert program.status == S.MATCHING


# --- privacy -------------------------------------------------------------------------------------

CANARY = "CANARY-BACKGROUND-7731"


def test_private_answers_never_reach_coordinators_or_admins(
    coordinator, participant, outsider, admin
):
    program = make_program(coordinator)
    Question.objects.filter(program=program, kind=QuestionKind.BACKGROUND).update(
        choices=[CANARY, "Career changer"]
    )
    program_transition(actor=coordinator, program=program, to=S.ENROLLING)
    enrol(
        program,
        participant,
        background=[CANARY],
        background_consent="on",
        avoid_peers=outsider.email,
    )
    enrolment = Enrolment.objects.get(person__user=participant)
    assert PrivateAnswer.objects.filter(enrolment=enrolment).count() == 2

    for viewer in (coordinator, admin):
        client = client_for(viewer)
        for url in (
            f"/programs/{program.pk}/",
            f"/programs/{program.pk}/enrolments/",
            f"/api/programs/{program.pk}/enrolments",
            "/audit/",
            "/outbox/",
        ):
            body = client.get(url).content.decode()
            assert CANARY not in body, url
        roster = client.get(f"/api/programs/{program.pk}/enrolments").json()["items"]
        answers = next(r["answers"] for r in roster if r["name"] == participant.name)
        assert "avoid_peers" not in answers and "background" not in answers
    for message in OutboxMessage.objects.all():
        assert CANARY not in message.body_text + message.body_html

    own = client_for(participant).get(f"/api/programs/{program.pk}/enrolment").json()
    assert own["answers"]["background"] == [CANARY]
    assert own["answers"]["avoid_peers"] == [outsider.person.pk]
    assert client_for(outsider).get(f"/api/programs/{program.pk}/enrolment").status_code == 404


def test_withdrawing_deletes_private_answers(coordinator, participant, outsider):
    program = make_program(coordinator, status="enrolling")
    enrolment = enrol(program, participant, avoid_peers=outsider.email)
    enrolment_withdraw(actor=participant, enrolment=enrolment)
    assert not PrivateAnswer.objects.filter(enrolment=enrolment).exists()


def test_a_coordinator_sees_only_their_programs(coordinator, db):
    from tandem.accounts.models import Role
    from tests.factories import UserFactory

    mine = make_program(coordinator, name="Mine")
    other_coordinator = UserFactory(role=Role.COORDINATOR)
    theirs = make_program(other_coordinator, name="Theirs")
    client = client_for(coordinator)
    listed = [p["name"] for p in client.get("/api/programs").json()]
    assert listed == ["Mine"]
    assert client.get(f"/programs/{theirs.pk}/enrolments/").status_code == 404
    assert client.get(f"/api/programs/{theirs.pk}/enrolments").status_code == 404
    assert client.get(f"/programs/{mine.pk}/enrolments/").status_code == 200


# --- API -----------------------------------------------------------------------------------------


def test_enrol_through_the_api_with_names(coordinator, participant, skills):
    program = make_program(coordinator, status="enrolling")
    client = client_for(participant)
    payload = {
        "accept": True,
        "answers": {
            "skills_offered": ["sql"],
            "skills_wanted": ["Public speaking"],
            "goals": "Lead a retro",
            "level": 3,
            "department": "Engineering",
            "timezone": "Europe/Berlin",
            "languages": ["en", "de"],
        },
    }
    response = client.put(
        f"/api/programs/{program.pk}/enrolment",
        json.dumps(payload),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["answers"]["skills_offered"] == [skills[0].pk]

    bad = client.put(
        f"/api/programs/{program.pk}/enrolment",
        json.dumps({"accept": False, "answers": {"goals": ""}}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["errors"]}
    assert {"accept", "goals"} <= fields


def test_invalid_transition_through_the_api(coordinator):
    program = make_program(coordinator)
    response = client_for(coordinator).post(
        f"/api/programs/{program.pk}/transition",
        json.dumps({"to": "active"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "A program that is draft cannot become active; from here it can only become enrolling, "
        "matching or closed."
    )


def test_create_program_validates(coordinator):
    client = client_for(coordinator)
    response = client.post(
        "/api/programs",
        json.dumps(
            {"name": " ", "kind": "peer_pairs", "partners_per_person": 5, "capacity_cap": 2}
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"name", "partners_per_person"}


def test_opt_out_page_stops_reminders(coordinator, participant):
    program = make_program(coordinator, status="enrolling")
    response = client_for(participant).post(f"/programs/{program.pk}/not-interested/")
    assert response.status_code == 302
    assert OptOut.objects.filter(program=program, person=participant.person).exists()
    assert Client().get(f"/programs/{program.pk}/join/").status_code == 302
