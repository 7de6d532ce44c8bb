"""Issue 17: leavers (HR import, SCIM, an admin — all through ``people.services.mark_left``) are never
proposed again, their matches end through the normal end path, and partners are offered a new
match in the next run."""

from __future__ import annotations

from django.db import transaction

from tandem.matches.engine_input import participants
from tandem.matches.services.publish import run_publish
from tandem.notify.models import OutboxMessage
from tandem.people.models import PersonStatus
from tandem.people.services import mark_left
from tandem.programs.models import EnrolmentStatus, PrivateAnswer, QuestionKind
from tandem.relationships.models import EndReason, Relationship, RelationshipStatus
from tests.matches.conftest import enrolled, groups, run_now


def test_a_leaver_is_never_in_a_later_run_and_their_partner_gets_a_new_match(
    coordinator, program_factory, admin
):
    program = program_factory(6)
    run = run_now(coordinator, program)
    run_publish(actor=coordinator, run=run)
    program.status = "active"
    program.save(update_fields=["status"])
    leaver = enrolled(program)[0]
    relationship = Relationship.objects.get(program=program, members__person=leaver)
    partner = relationship.members.exclude(person=leaver).get().person
    other = Relationship.objects.exclude(pk=relationship.pk).filter(program=program).first()
    second_leaver, second_partner = (m.person for m in other.members.order_by("pk"))
    question = program.questions.get(kind=QuestionKind.AVOID_PEERS)
    PrivateAnswer.objects.update_or_create(
        enrolment=program.enrolments.get(person=leaver), question=question, defaults={"value": []}
    )

    with transaction.atomic():
        mark_left(person_ids=[leaver.pk, second_leaver.pk], actor=admin, reason="hr_import")

    relationship.refresh_from_db()
    assert relationship.status == RelationshipStatus.ENDED
    assert relationship.end_reason == EndReason.LEFT
    assert program.enrolments.get(person=leaver).status == EnrolmentStatus.WITHDRAWN
    assert not PrivateAnswer.objects.filter(enrolment__person=leaver).exists()
    assert program.enrolments.get(person=partner).status == EnrolmentStatus.ACTIVE
    notice = OutboxMessage.objects.get(kind="match_ended", user=partner.user)
    assert "match you with someone new" in notice.body_text
    assert not OutboxMessage.objects.filter(kind="match_ended", user=leaver.user).exists()

    rematch = run_now(coordinator, program, purpose="rematch")
    assert groups(rematch) == [{partner.pk, second_partner.pk}]  # the partners, never a leaver


def test_the_engine_input_drops_leavers_even_from_a_stale_list(coordinator, program_factory):
    program = program_factory(4)
    enrolments = list(program.enrolments.select_related("person__user", "person__department"))
    gone = enrolments[0].person
    gone.status = PersonStatus.LEFT
    gone.save(update_fields=["status"])
    assert str(gone.pk) not in {p.id for p in participants(program, enrolments)}


def test_leaving_rolls_back_with_everything_it_ended(coordinator, program_factory, admin):
    program = program_factory(4)
    run_publish(actor=coordinator, run=run_now(coordinator, program))
    leaver = enrolled(program)[0]
    try:
        with transaction.atomic():
            mark_left(person_ids=[leaver.pk], actor=admin, reason="scim")
            raise RuntimeError("the import failed later")
    except RuntimeError:
        pass
    assert Relationship.objects.get(program=program, members__person=leaver).status != "ended"
    assert program.enrolments.get(person=leaver).status == EnrolmentStatus.ACTIVE
