"""The demo's library and trainings: the starter library loaded by the admin, a few items of
the programs' own, weeks of reading and helpful marks by people in the pilot, and required
training before matching in the enrolling Cross-Team program — which most have finished, some
after a failed first try, and the demo participant has not (their home says so)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from tandem.accounts.models import User
from tandem.learning.models import (
    Completion,
    HelpfulMark,
    Requirement,
    Resource,
    ResourceView,
    Training,
)
from tandem.learning.services.resources import Upload, resource_save
from tandem.learning.services.starter import starter_library_load
from tandem.learning.services.trainings import requirement_add
from tandem.people.models import Skill
from tandem.programs.models import Enrolment, EnrolmentStatus, Program
from tandem.relationships.models import Membership

NOTES_TEMPLATE = b"""# Meeting notes

Date:
Whose topic first (mentee hat):

## What's going well, and what's not?

## Topic 1

## Topic 2

## Next steps (who, what, by when)

## Next meeting
"""


def seed_learning(
    *, admin_email: str, coordinator_email: str, participant_email: str, seed: int = 17
) -> None:
    rng = random.Random(seed)
    admin = User.objects.get(email=admin_email)
    coordinator = User.objects.get(email=coordinator_email)
    starter_library_load(actor=admin)
    peer = Program.objects.get(name="Cross-Team Peer Mentoring")
    engineering = Program.objects.get(name="Engineering Mentoring: Staff+ to Mid-level")
    _program_items(coordinator, peer, engineering)
    _reading(Program.objects.get(name="Peer Mentoring Pilot"), rng)
    _required_training(coordinator, peer, participant_email, rng)
    _mentor_pledge(coordinator, engineering, rng)


def _program_items(coordinator: User, peer: Program, engineering: Program) -> None:
    review = list(Skill.objects.filter(name__in=["Code review", "System design"]))
    resource_save(
        actor=coordinator,
        program=engineering,
        kind="link",
        title="Google's engineering practices: how to do a code review",
        summary="A public guide to read with your mentee before your first review together.",
        url="https://google.github.io/eng-practices/review/reviewer/",
        audience="mentor",
        skills=review,
        stages=["first_month"],
    )
    resource_save(
        actor=coordinator,
        program=peer,
        kind="file",
        title="Meeting notes template",
        summary="A one-page Markdown template: opener, two topics, next steps.",
        upload=Upload("meeting-notes-template.md", NOTES_TEMPLATE),
        stages=["before_kickoff", "first_month"],
    )


def _reading(pilot: Program, rng: random.Random) -> None:
    """People in the pilot read a few items each over the last six weeks; about a third of
    what they read they found helpful."""
    items = list(Resource.objects.filter(program__isnull=True))
    people = sorted(
        set(
            Membership.objects.filter(relationship__program=pilot).values_list(
                "person_id", flat=True
            )
        )
    )
    now = timezone.now()
    views, marks = [], []
    for person_id in people:
        for item in rng.sample(items, k=rng.randint(1, min(4, len(items)))):
            when = now - timedelta(days=rng.randint(1, 42), hours=rng.randint(0, 9))
            views.append(ResourceView(resource=item, person_id=person_id, first_seen_at=when))
            if rng.random() < 0.35:
                marks.append(HelpfulMark(resource=item, person_id=person_id, created_at=when))
    ResourceView.objects.bulk_create(views, ignore_conflicts=True)
    HelpfulMark.objects.bulk_create(marks, ignore_conflicts=True)


def _required_training(
    coordinator: User, peer: Program, participant_email: str, rng: random.Random
) -> None:
    module = Training.objects.get(program__isnull=True, kind="module")
    agreement = Training.objects.get(program__isnull=True, kind="agreement")
    opened = peer.opened_at or timezone.now() - timedelta(days=12)
    for training in (module, agreement):
        requirement_add(actor=coordinator, program=peer, training=training)
    Requirement.objects.filter(program=peer).update(created_at=opened)
    now = timezone.now()
    rows = []
    enrolments = Enrolment.objects.filter(program=peer, status=EnrolmentStatus.ACTIVE)
    for enrolment in enrolments.select_related("person__user"):
        start = max(enrolment.created_at, opened)
        mine = enrolment.person.user.email == participant_email
        for training, share in ((agreement, 0.85), (module, 0.7)):
            if mine and training is module:
                rows.append(  # tried once, not passed yet: "Finish … to enter matching"
                    Completion(
                        training=training,
                        person=enrolment.person,
                        started_at=now - timedelta(days=1),
                        attempts=1,
                        last_score=50,
                    )
                )
                continue
            if not mine and rng.random() > share:
                continue
            hours = rng.uniform(0.2, 96)
            done = min(now, start + timedelta(hours=hours))
            attempts = 1 if training is agreement or rng.random() > 0.2 else 2
            rows.append(
                Completion(
                    training=training,
                    person=enrolment.person,
                    started_at=done - timedelta(minutes=12 * attempts),
                    attempts=attempts,
                    last_score=None if training is agreement else rng.choice([75, 100]),
                    completed_at=done,
                )
            )
    Completion.objects.bulk_create(rows, ignore_conflicts=True)


def _mentor_pledge(coordinator: User, engineering: Program, rng: random.Random) -> None:
    """Mentors only: a pledge most mentors acknowledged when they enrolled; three have not."""
    pledge = Training.objects.create(
        program=engineering,
        kind="agreement",
        title="Mentor pledge: capacity and confidentiality",
        summary="Two mentees at most; what a mentee shares stays with you.",
        body="As a mentor in this program I will:\n\n1. Take on no more mentees than I can "
        "meet every two weeks.\n2. Keep what my mentee shares confidential.\n3. Tell the "
        "coordinator early if I can no longer make the time.\n",
        minutes=2,
        created_by=coordinator,
    )
    requirement_add(actor=coordinator, program=engineering, training=pledge, role="mentor")
    mentors = list(
        Enrolment.objects.filter(program=engineering, role="mentor").order_by("person_id")
    )
    Completion.objects.bulk_create(
        Completion(
            training=pledge,
            person_id=e.person_id,
            attempts=1,
            completed_at=e.created_at + timedelta(hours=rng.uniform(0.1, 30)),
        )
        for e in mentors[3:]
    )
