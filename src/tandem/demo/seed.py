from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import Role, User
from tandem.demo.cohort import seed_cohort_import, seed_named_people
from tandem.demo.community import seed_community
from tandem.demo.feedback import seed_feedback
from tandem.demo.history import seed_coffee_meetings, seed_history
from tandem.demo.learning import seed_learning
from tandem.demo.matching import seed_matching
from tandem.demo.notifications import seed_notifications
from tandem.demo.org import (
    DEMO_PASSWORD,
    DOMAIN,
    OrgGenerator,
    SeedPerson,
    hr_export_csv,
    named_email,
)
from tandem.demo.privacy import seed_privacy
from tandem.demo.programs import _quiet_history, seed_programs
from tandem.demo.skills_data import SKILL_CATEGORIES, SYNONYMS
from tandem.demo.slack import seed_slack, seed_slack_people
from tandem.people.models import Person, Skill
from tandem.people.services import import_people
from tandem.programs.models import Program


@dataclass
class DemoLogins:
    admin: str
    coordinator: str
    participant: str
    password: str = DEMO_PASSWORD


def is_seeded() -> bool:
    return Person.objects.filter(user__email__endswith=f"@{DOMAIN}").exists()


def seed_demo(*, size: int = 560, seed: int = 7) -> DemoLogins:
    today = timezone.localdate()
    generator = OrgGenerator(size=size, seed=seed, today=today)
    people = list(generator.generate())
    new_hires = _new_hires(generator, people, today)
    logins = DemoLogins(
        admin=named_email("admin", people),
        coordinator=named_email("coordinator", people),
        participant=named_email("participant", people),
    )
    with transaction.atomic():
        _skills()
        admin = User.objects.create_superuser(logins.admin, "Amira Haddad", DEMO_PASSWORD)
        import_people(
            data=hr_export_csv(people),
            file_name="northwind-hris-export.csv",
            actor=admin,
            full_export=True,
            source="web",
        )
        _profiles(people)
        _sign_ins(people, logins, seed)
        User.objects.filter(email=logins.coordinator).update(role=Role.COORDINATOR)
        import_people(
            data=hr_export_csv(new_hires, delimiter=";"),
            file_name="new-hires.csv",
            actor=admin,
            send_invitations=True,
            source="web",
        )
        _profiles(new_hires)
        seed_slack_people()
        programs = seed_programs(
            coordinator_email=logins.coordinator, participant_email=logins.participant
        )
        seed_matching(
            coordinator_email=logins.coordinator,
            participant_email=logins.participant,
            programs_=programs,
        )
        seed_history(coordinator_email=logins.coordinator)
        seed_coffee_meetings(program=next(p for p in programs if p.kind == "coffee_rotation"))
        seed_feedback(coordinator_email=logins.coordinator, participant_email=logins.participant)
        seed_community(coordinator_email=logins.coordinator, participant_email=logins.participant)
        seed_notifications(
            pilot=Program.objects.get(name="Peer Mentoring Pilot"),
            coffee=next(p for p in programs if p.kind == "coffee_rotation"),
            participant_email=logins.participant,
        )
        seed_cohort_import(coordinator_email=logins.coordinator)
        seed_named_people(coordinator_email=logins.coordinator)
        seed_learning(
            admin_email=logins.admin,
            coordinator_email=logins.coordinator,
            participant_email=logins.participant,
        )
        _quiet_history()
        seed_slack()
        seed_privacy(keep_emails=(logins.admin, logins.coordinator, logins.participant))
    return logins


def _new_hires(generator: OrgGenerator, people: list[SeedPerson], today: date) -> list[SeedPerson]:
    managers = [p for p in people if p.level in (5, 6) and p.status == "Active"]
    hires = []
    for i in range(12):
        manager = generator.rng.choice(managers)
        hire = generator.add(
            generator.name_for(manager.office),
            manager.department,
            manager.team,
            "New Hire",
            generator.rng.choice([1, 2, 2, 3]),
            manager.office,
            manager,
        )
        hire.hire_date = today - timedelta(days=3 + i * 2)
        hires.append(hire)
    generator._profiles()
    return hires


def _skills() -> None:
    Skill.objects.bulk_create(
        [
            Skill(name=name, category=category, synonyms=SYNONYMS.get(name, []))
            for category, names in SKILL_CATEGORIES.items()
            for name in names
        ],
        ignore_conflicts=True,
    )


def _profiles(people: list[SeedPerson]) -> None:
    skills = {s.name: s.pk for s in Skill.objects.all()}
    persons = dict(
        Person.objects.filter(user__email__in=[p.email for p in people]).values_list(
            "user__email", "pk"
        )
    )
    offered = Person.skills.through
    wanted = Person.learning.through
    offered.objects.bulk_create(
        [offered(person_id=persons[p.email], skill_id=skills[s]) for p in people for s in p.skills],
        ignore_conflicts=True,
    )
    wanted.objects.bulk_create(
        [
            wanted(person_id=persons[p.email], skill_id=skills[s])
            for p in people
            for s in p.learning
        ],
        ignore_conflicts=True,
    )
    for p in people:
        Person.objects.filter(pk=persons[p.email]).update(goals=p.goals)


def _sign_ins(people: list[SeedPerson], logins: DemoLogins, seed: int) -> None:
    """Two thirds of active staff have accepted their invitation; all use the demo password."""
    rng = random.Random(seed)
    password = make_password(DEMO_PASSWORD)
    now = timezone.now()
    active = [p.email for p in people if p.status == "Active"]
    chosen = set(rng.sample(active, k=len(active) * 2 // 3)) | {
        logins.admin,
        logins.coordinator,
        logins.participant,
    }
    for email in chosen:
        User.objects.filter(email=email).update(
            password=password, last_login=now - timedelta(hours=rng.randint(1, 24 * 40))
        )
