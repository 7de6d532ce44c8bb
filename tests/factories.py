from __future__ import annotations

import factory

from tandem.accounts.models import Role, User
from tandem.people.models import Department, Person, Skill

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
    """A program with the standard questionnaire, optionally already open for enrolment."""
    from datetime import timedelta

    from django.utils import timezone

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
