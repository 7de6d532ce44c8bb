from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from tandem.accounts.models import Role, User
from tandem.feedback.models import (
    Measure,
    Participation,
    Survey,
    SurveyKind,
    SurveyQuestion,
    SurveyStatus,
)
from tandem.feedback.models import QuestionKind as SurveyQuestionKind
from tandem.matches import engine_input
from tandem.matches.models import (
    CriteriaVersion,
    MatchRun,
    Proposal,
    ProposalMember,
    RunStatus,
    UnmatchedPerson,
)
from tandem.people.models import Department, Person, Skill
from tandem.programs.models import (
    PRIVATE_KINDS,
    Answer,
    Enrolment,
    EnrolmentRole,
    PrivateAnswer,
    Program,
    ProgramKind,
    ProgramStatus,
)
from tandem.programs.services.questionnaire import questionnaire_reset
from tandem.relationships.models import (
    Goal,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    Membership,
    Relationship,
    RelationshipStatus,
)

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    name = factory.Sequence(lambda n: f"Person {n}")
    role = Role.PARTICIPANT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Department {n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    team = "Platform"
    job_title = "Engineer"
    level = 3
    location = "Berlin"
    timezone = "Europe/Berlin"
    languages = factory.LazyFunction(lambda: ["en"])


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Skill {n}")
    category = "Communication"


def make_program(
    coordinator, *, name="Peer Mentoring", kind="peer_pairs", status="draft", **fields
):
    """A program made through the service (audited, questionnaire, coordinator), optionally
    already opened for enrolment (which sends the invitations)."""
    from tandem.programs.services.setup import program_create
    from tandem.programs.services.stages import program_transition

    defaults = {
        "code_of_conduct": "Be kind.",
        "confidentiality": "What is said stays between you.",
        "enrolment_closes_on": timezone.localdate() + timedelta(days=14),
    }
    defaults.update(fields)
    program = program_create(actor=coordinator, name=name, kind=kind, **defaults)
    if status in ("enrolling", "matching", "active", "closed"):
        program = program_transition(actor=coordinator, program=program, to="enrolling")
    return program


# --- the domain: programs, enrolments, matching, relationships, feedback -------------------------
#
# Each factory builds a valid row in one line; keyword arguments choose the state a test needs,
# e.g. ``ProgramFactory(kind="coffee_rotation", status="active", coordinators=[coordinator])``,
# ``RelationshipFactory(program=p, members=[a, b], status="proposed")``,
# ``SurveyFactory(program=p, status="open", invited=[a, b])``. Rows are written directly (no
# emails, no audit entries); the services under test do the rest.

SKILLS = ("SQL", "Public speaking", "Negotiation", "Python", "Design", "Coaching")
ZONES = ("Europe/Berlin", "Europe/London", "America/New_York", "Asia/Kolkata")


def _now():
    return timezone.now()


def _in_days(days: int):
    return lambda: timezone.localdate() + timedelta(days=days)


class ProgramFactory(factory.django.DjangoModelFactory):
    """A program with the standard questionnaire of its kind, in any stage.

    ``status`` sets the stage directly (``opened_at``/``closed_at`` follow); ``coordinators``
    is a list of users; ``questionnaire=False`` leaves it without questions.
    """

    class Meta:
        model = Program
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Program {n}")
    kind = ProgramKind.PEER_PAIRS
    status = ProgramStatus.DRAFT
    code_of_conduct = "Be kind."
    confidentiality = "What is said stays between you."
    enrolment_closes_on = factory.LazyFunction(_in_days(14))
    opened_at = factory.LazyAttribute(
        lambda o: None if o.status == ProgramStatus.DRAFT else timezone.now()
    )
    enrolment_opens_on = factory.LazyAttribute(
        lambda o: None if o.status == ProgramStatus.DRAFT else timezone.localdate()
    )
    closed_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == ProgramStatus.CLOSED else None
    )
    hired_within_days = factory.LazyAttribute(
        lambda o: 90 if o.kind == ProgramKind.ONBOARDING_BUDDY else None
    )

    @factory.post_generation
    def coordinators(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.coordinators.set(extracted)

    @factory.post_generation
    def questionnaire(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            questionnaire_reset(obj)


def standard_answers(program: Program, index: int) -> dict[str, object]:
    """Varied answers to the standard questionnaire for the ``index``-th person: two skills
    offered, one wanted, a goal and (in mentoring programs) every third person a mentor."""
    skills = [SkillFactory(name=name) for name in SKILLS]
    keys = set(program.questions.values_list("key", flat=True))
    answers: dict[str, object] = {
        "skills_offered": [skills[index % 6].pk, skills[(index + 1) % 6].pk],
        "skills_wanted": [skills[(index + 3) % 6].pk],
        "goals": f"Get better at {SKILLS[(index + 3) % 6].lower()}",
        "role": "mentor" if index % 3 == 0 else "mentee",
    }
    return {key: value for key, value in answers.items() if key in keys}


class EnrolmentFactory(factory.django.DjangoModelFactory):
    """Someone enrolled in a program; ``answers`` maps question keys to stored values
    (private kinds go to ``PrivateAnswer``)."""

    class Meta:
        model = Enrolment
        skip_postgeneration_save = True

    program = factory.SubFactory(ProgramFactory, status=ProgramStatus.ENROLLING)
    person = factory.SubFactory(PersonFactory)
    role = factory.LazyAttribute(
        lambda o: (
            EnrolmentRole.MENTEE
            if o.program.kind == ProgramKind.MENTOR_MENTEE
            else EnrolmentRole.PEER
        )
    )
    capacity = 1
    accepted_guidelines_at = factory.LazyFunction(_now)
    created_at = factory.LazyAttribute(lambda o: o.accepted_guidelines_at)

    @factory.post_generation
    def answers(obj, create, extracted, **kwargs):
        if not (create and extracted):
            return
        questions = {q.key: q for q in obj.program.questions.all()}
        for key, value in extracted.items():
            question = questions[key]
            model = PrivateAnswer if question.kind in PRIVATE_KINDS else Answer
            model.objects.update_or_create(
                enrolment=obj, question=question, defaults={"value": value}
            )


def enrolled_program(n: int, *, coordinators=(), **fields) -> Program:
    """A program with ``n`` people enrolled with varied levels, zones, departments and standard
    answers; in a mentoring program every third person is a mentor for two."""
    program = ProgramFactory(coordinators=list(coordinators), **fields)
    for index in range(n):
        person = PersonFactory(
            user__email=f"p{index}@example.com",
            user__name=f"Person {index:02d}",
            level=2 + index % 4,
            timezone=ZONES[index % len(ZONES)],
            department__name=f"Dept {index % 5}",
        )
        mentor = program.kind == ProgramKind.MENTOR_MENTEE and index % 3 == 0
        EnrolmentFactory(
            program=program,
            person=person,
            answers=standard_answers(program, index),
            **({"role": EnrolmentRole.MENTOR, "capacity": 2} if mentor else {}),
        )
    return program


class CriteriaVersionFactory(factory.django.DjangoModelFactory):
    """The next criteria version of a program; the defaults for its kind unless ``config``."""

    class Meta:
        model = CriteriaVersion

    program = factory.SubFactory(ProgramFactory, status=ProgramStatus.MATCHING)
    number = factory.LazyAttribute(lambda o: o.program.criteria_versions.count() + 1)
    config = factory.LazyAttribute(lambda o: engine_input.default_config(o.program))
    note = ""


class MatchRunFactory(factory.django.DjangoModelFactory):
    """A finished run ready for review. ``proposals`` is a list of groups of people (each a
    proposal scored 0.8), ``unmatched`` a list of people left over."""

    class Meta:
        model = MatchRun
        skip_postgeneration_save = True

    program = factory.SubFactory(ProgramFactory, status=ProgramStatus.MATCHING)
    criteria = factory.SubFactory(
        CriteriaVersionFactory, program=factory.SelfAttribute("..program")
    )
    status = RunStatus.DONE
    progress = factory.LazyAttribute(lambda o: 1.0 if o.status == RunStatus.DONE else 0.0)
    phase = factory.LazyAttribute(lambda o: "done" if o.status == RunStatus.DONE else "")
    rules = factory.LazyFunction(lambda: {"locks": [], "forbids": []})
    stats = factory.LazyAttribute(
        lambda o: (
            {
                "matched": 0,
                "gap": 0.0,
                "objective": 0.0,
                "bound": 0.0,
                "bound_method": "lp",
                "worst_off": 0.8,
                "seconds": 0.01,
                "solver": "factory",
                "certified_optimal": True,
            }
            if o.status in (RunStatus.DONE, RunStatus.PUBLISHED)
            else {}
        )
    )
    finished_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == RunStatus.DONE else None
    )

    @factory.post_generation
    def proposals(obj, create, extracted, **kwargs):
        if not (create and extracted):
            return
        roles = dict(Enrolment.objects.filter(program=obj.program).values_list("person_id", "role"))
        for group in extracted:
            proposal = Proposal.objects.create(
                run=obj, score=0.8, min_pair_score=0.8, explanation=["Both want to grow"]
            )
            for person in group:
                ProposalMember.objects.create(
                    proposal=proposal, person=person, role=roles.get(person.pk, EnrolmentRole.PEER)
                )
        obj.participants = sum(len(g) for g in extracted)
        if obj.stats:
            obj.stats["matched"] = obj.participants
        obj.save(update_fields=["participants", "stats"])

    @factory.post_generation
    def unmatched(obj, create, extracted, **kwargs):
        if create and extracted:
            for person in extracted:
                UnmatchedPerson.objects.create(run=obj, person=person, reason="Nobody fitted.")


class RelationshipFactory(factory.django.DjangoModelFactory):
    """A match of ``members`` (people; two new ones by default), enrolled in its program.

    ``status``: ``active`` (everyone accepted), ``proposed`` (waiting for answers, respond by
    the program's deadline) or ``ended``/``declined`` (with ``ended_at`` and ``end_reason``).
    ``members__accepted_at`` and ``members__respond_by`` set when everyone answered and by when.
    """

    class Meta:
        model = Relationship
        skip_postgeneration_save = True

    program = factory.SubFactory(ProgramFactory, status=ProgramStatus.ACTIVE)
    status = RelationshipStatus.ACTIVE
    score = 0.8
    created_at = factory.LazyFunction(_now)
    activated_at = factory.LazyAttribute(
        lambda o: None if o.status in (RelationshipStatus.PROPOSED, "declined") else o.created_at
    )
    ended_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status in (RelationshipStatus.ENDED, "declined") else None
    )
    end_reason = factory.LazyAttribute(
        lambda o: {"ended": "completed", "declined": "declined"}.get(o.status, "")
    )

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if not create:
            return
        people = list(extracted) if extracted else [PersonFactory(), PersonFactory()]
        accepted = kwargs.get(
            "accepted_at", None if obj.status == RelationshipStatus.PROPOSED else obj.created_at
        )
        respond_by = kwargs.get(
            "respond_by", timezone.localdate() + timedelta(days=obj.program.response_days)
        )
        for person in people:
            enrolment = Enrolment.objects.filter(program=obj.program, person=person).first()
            if enrolment is None and kwargs.get("enrol", True):
                enrolment = EnrolmentFactory(program=obj.program, person=person)
            Membership.objects.create(
                relationship=obj,
                person=person,
                role=enrolment.role if enrolment else EnrolmentRole.PEER,
                accepted_at=accepted,
                respond_by=respond_by if accepted is None or "respond_by" in kwargs else None,
            )
        obj.crosses_departments = len({p.department_id for p in people} - {None}) > 1
        obj.save(update_fields=["crosses_departments"])


class MeetingSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingSeries

    relationship = factory.SubFactory(RelationshipFactory)
    cadence = "biweekly"
    first_start = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))
    count = 4
    uid = factory.Sequence(lambda n: f"series-{n}@tandem.test")


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting of a relationship, organised by its first member; ``status="held"`` puts it
    three days in the past, otherwise two days ahead."""

    class Meta:
        model = Meeting

    relationship = factory.SubFactory(RelationshipFactory)
    status = MeetingStatus.SCHEDULED
    starts_at = factory.LazyAttribute(
        lambda o: (
            timezone.now()
            + (timedelta(days=2) if o.status == MeetingStatus.SCHEDULED else -timedelta(days=3))
        )
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    timezone = "Europe/Berlin"
    uid = factory.Sequence(lambda n: f"meeting-{n}@tandem.test")
    organiser = factory.LazyAttribute(lambda o: o.relationship.members.first().person)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    relationship = factory.SubFactory(RelationshipFactory)
    owner = factory.LazyAttribute(lambda o: o.relationship.members.first().person)
    title = "Give two talks"
    metric = "talks given"
    target = "2"
    target_date = factory.LazyFunction(_in_days(60))


class SurveyQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyQuestion

    survey = factory.SubFactory("tests.factories.SurveyFactory", questions=False)
    position = factory.Sequence(int)
    kind = SurveyQuestionKind.LIKERT
    text = factory.Sequence(lambda n: f"Question {n}")


class SurveyFactory(factory.django.DjangoModelFactory):
    """A check-in survey with an agreement, a recommend and a free-text question.

    ``status="open"`` opens it now for two weeks, ``"closed"`` closes it; ``invited`` is a
    list of people asked to answer; ``questions=False`` leaves it empty.
    """

    class Meta:
        model = Survey
        skip_postgeneration_save = True

    program = factory.SubFactory(ProgramFactory, status=ProgramStatus.ACTIVE)
    kind = SurveyKind.CHECKIN
    title = factory.Sequence(lambda n: f"Check-in {n}")
    status = SurveyStatus.DRAFT
    open_days = 14
    opens_at = factory.LazyAttribute(
        lambda o: (
            None
            if o.status in (SurveyStatus.DRAFT, SurveyStatus.SCHEDULED)
            else timezone.now() - timedelta(days=15 if o.status == SurveyStatus.CLOSED else 0)
        )
    )
    closes_at = factory.LazyAttribute(
        lambda o: o.opens_at + timedelta(days=o.open_days) if o.opens_at else None
    )
    closed_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == SurveyStatus.CLOSED else None
    )

    @factory.post_generation
    def questions(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        for position, (kind, text, measure) in enumerate(
            extracted
            or [
                (SurveyQuestionKind.LIKERT, "The conversations are useful.", Measure.USEFULNESS),
                (SurveyQuestionKind.NPS, "Would you recommend the program?", Measure.PROGRAM_NPS),
                (SurveyQuestionKind.TEXT, "Anything else?", Measure.NONE),
            ]
        ):
            SurveyQuestion.objects.create(
                survey=obj,
                position=position,
                kind=kind,
                text=text,
                measure=measure,
                required=kind != SurveyQuestionKind.TEXT,
            )

    @factory.post_generation
    def invited(obj, create, extracted, **kwargs):
        if create and extracted:
            invited_on = (obj.opens_at or timezone.now()).date()
            Participation.objects.bulk_create(
                [Participation(survey=obj, person=p, invited_on=invited_on) for p in extracted]
            )
