"""Demo surveys: the pilot and the coffee rotation each have a kickoff pulse (closed, about 70%
answered, one reminder sent) and a check-in that is open now with some answers, so the results
pages show charts, a comment list and hidden small groups. Answers go through the real service,
so they are stored exactly as a participant's would be."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from tandem.accounts.models import User
from tandem.feedback import selectors
from tandem.feedback.models import Measure, QuestionKind, Survey, SurveyQuestion
from tandem.feedback.services.answers import response_submit
from tandem.feedback.services.schedule import send_reminders
from tandem.feedback.services.stages import survey_transition
from tandem.feedback.services.surveys import survey_from_template, survey_update
from tandem.people.models import Person
from tandem.programs.models import Program

KICKOFF_COMMENTS = [
    "A few example agendas for the first meeting would help a lot.",
    "Clear so far. Finding a slot across time zones is the hard part.",
    "I wasn't sure whether we should tell our managers what we talk about.",
    "A short guide on how to switch hats would be useful.",
    "Could you share a list of conversation starters?",
    "All clear, looking forward to it!",
    "How often are we expected to meet in busy months?",
    "What should I do if my partner cancels twice?",
    "More clarity on confidentiality, please: what stays between us?",
    "The guidelines were helpful and short enough to actually read.",
    "A channel for participants to swap tips would be nice.",
    "Next time, maybe pair people in closer time zones.",
    "A reminder a day before the first meeting would help.",
    "I'm not sure what I can offer yet, but I'm excited to try.",
    "Tips for making video meetings less awkward, please.",
    "Everything is clear, thanks.",
    "I'd like a template for setting goals together.",
    "Is it fine to meet less often during the quarter close?",
    "We already had a great first chat, thanks for the match.",
    "Not sure what counts as a good question to bring.",
    "Could coordinators check in after the first month?",
    "Please make the calendar invites work with our room booking.",
]
CHECKIN_COMMENTS = [
    "Agreeing on one topic before we meet.",
    "Meeting in person once, if we can.",
    "Swapping who brings the topic — I have been asking most of the time.",
    "A shared doc for notes between sessions.",
    "Less small talk, more of the real questions.",
    "Keeping our time slot fixed instead of rescheduling every time.",
]
EVALUATION_COMMENTS = [
    "The best thing I did for my career this year.",
    "Switching hats felt odd at first and then completely natural.",
    "I wish we had started with goals in the first meeting, not the third.",
    "Six months felt right. Any longer and we would have drifted.",
    "I now know who to call in Finance, which alone was worth it.",
    "The reminders were a bit frequent in the summer.",
    "We will keep meeting once a month on our own.",
    "I learned as much from the questions I was asked as from the ones I asked.",
    "Please keep matching across departments; it made all the difference.",
]
DEPARTMENT_MOOD = {"Engineering": -0.3, "Sales": 0.3, "Customer Success": 0.2, "Finance": -0.1}


def seed_feedback(*, coordinator_email: str, participant_email: str, seed: int = 11) -> None:
    rng = random.Random(seed)
    coordinator = User.objects.get(email=coordinator_email)
    participant = Person.objects.get(user__email=participant_email)
    for name, kickoff_day, checkin_day in (
        ("Peer Mentoring Pilot", 5, 16),
        ("Coffee Roulette", 7, 24),
    ):
        program = Program.objects.filter(name=name).first()
        start = selectors.program_start(program) if program else None
        if program is None or start is None:
            continue
        _kickoff(program, coordinator, participant, start, kickoff_day, rng)
        _checkin(program, coordinator, participant, start, checkin_day, rng)
    history = Program.objects.filter(name="Peer Mentoring", status="closed").first()
    if history is not None and history.closed_at is not None:
        _evaluation(history, coordinator, timezone.localdate(history.closed_at), rng)


def _evaluation(program: Program, coordinator: User, ended: date, rng: random.Random) -> None:
    """The finished cohort's end-of-program evaluation: NPS, partner recommendation and the
    culture items, answered by about three in four people over ten days."""
    survey = survey_from_template(actor=coordinator, program=program, kind="end_of_program")
    survey_update(
        actor=coordinator,
        survey=survey,
        anchor="end",
        day_offset=-7,
        open_days=14,
        reminder_days=[7],
    )
    opened = ended - timedelta(days=7)
    survey = survey_transition(actor=coordinator, survey=survey, to="open", now=_at(opened))
    comments = rng.sample(EVALUATION_COMMENTS, k=len(EVALUATION_COMMENTS))
    for person in _invited(survey):
        if rng.random() < 0.76:
            _answer(survey, person, opened + timedelta(days=rng.randint(0, 10)), rng, comments)
    survey_transition(actor=None, survey=survey, to="closed", now=_at(opened + timedelta(days=14)))


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def _kickoff(
    program: Program,
    coordinator: User,
    participant: Person,
    start: date,
    day: int,
    rng: random.Random,
) -> None:
    survey = survey_from_template(actor=coordinator, program=program, kind="kickoff_pulse")
    survey_update(actor=coordinator, survey=survey, day_offset=day, open_days=7, reminder_days=[4])
    opened = start + timedelta(days=day)
    survey = survey_transition(actor=coordinator, survey=survey, to="open", now=_at(opened))
    people = _invited(survey)
    answering = [p for p in people if p == participant or rng.random() < 0.7]
    late = set(rng.sample(answering, k=len(answering) // 4))
    comments = rng.sample(KICKOFF_COMMENTS, k=len(KICKOFF_COMMENTS))
    for person in answering:
        if person not in late:
            _answer(survey, person, opened + timedelta(days=rng.randint(0, 3)), rng, comments)
    send_reminders(survey=survey, today=opened + timedelta(days=4))
    for person in late:
        _answer(survey, person, opened + timedelta(days=rng.randint(4, 6)), rng, comments)
    survey_transition(actor=None, survey=survey, to="closed", now=_at(opened + timedelta(days=7)))


def _checkin(
    program: Program,
    coordinator: User,
    participant: Person,
    start: date,
    day: int,
    rng: random.Random,
) -> None:
    survey = survey_from_template(actor=coordinator, program=program, kind="checkin")
    survey_update(actor=coordinator, survey=survey, day_offset=day)
    opened = start + timedelta(days=day)
    today = timezone.localdate()
    survey = survey_transition(
        actor=coordinator, survey=survey, to="open", now=_at(min(opened, today))
    )
    comments = rng.sample(CHECKIN_COMMENTS, k=len(CHECKIN_COMMENTS))
    for person in _invited(survey):
        if person != participant and rng.random() < 0.35:
            answered = min(today, opened + timedelta(days=rng.randint(0, 3)))
            _answer(survey, person, answered, rng, comments)


def _invited(survey: Survey) -> list[Person]:
    return list(
        Person.objects.filter(pk__in=survey.participations.values("person_id"))
        .select_related("user", "department")
        .order_by("user__email")
    )


def _answer(
    survey: Survey,
    person: Person,
    day: date,
    rng: random.Random,
    comments: list[str],
) -> None:
    """Believable answers: a personal mood, a department lean, a little noise per question;
    a comment now and then, taken from ``comments`` (so no two people write the same one)."""
    department = person.department.name if person.department else ""
    mood = rng.gauss(0.35, 0.75) + DEPARTMENT_MOOD.get(department, 0.0)
    answers: dict[int, Any] = {}
    for question in selectors.questions_for(survey, person):
        answer = _one(question, mood, rng, comments)
        if answer is not None:
            answers[question.pk] = answer
    response_submit(actor=person.user, survey=survey, answers=answers, today=day)


def _weights(question: SurveyQuestion, mood: float) -> list[float]:
    """Happier people met more often and had their first meeting sooner."""
    if question.measure == Measure.MEETING_FREQUENCY and len(question.choices) == 4:
        weights = [0.4 - 0.3 * mood, 2.0, 2.5 + mood, 0.8 + mood]
    elif question.measure == Measure.MEETING_FREQUENCY and len(question.choices) == 3:
        weights = [2.0 + mood, 1.5, 0.5 - 0.4 * mood]
    elif len(question.choices) == 3:
        weights = [2.5 + mood, 1.0, 0.3]
    else:
        weights = [1.0] * len(question.choices)
    return [max(0.05, w) for w in weights]


def _one(
    question: SurveyQuestion, mood: float, rng: random.Random, comments: list[str]
) -> int | str | list[str] | None:
    if question.kind == QuestionKind.LIKERT:
        return max(1, min(5, round(3.6 + mood + rng.gauss(0, 0.6))))
    if question.kind == QuestionKind.NPS:
        return max(0, min(10, round(7.8 + 1.6 * mood + rng.gauss(0, 1.2))))
    if question.kind == QuestionKind.SINGLE:
        return rng.choices(question.choices, weights=_weights(question, mood))[0]
    if question.kind == QuestionKind.MULTI:
        return rng.sample(question.choices, k=rng.randint(1, 2))
    return comments.pop() if comments and rng.random() < 0.45 else None  # each one written once
