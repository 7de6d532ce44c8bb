"""An anonymous response cannot be joined to a person in the schema."""

from __future__ import annotations

import uuid

from django.db import models

from tandem.accounts.models import User
from tandem.audit.models import AuditEntry
from tandem.feedback.models import (
    AttributedResponse,
    Participation,
    Response,
    ResponseAnswer,
    Survey,
    SurveyQuestion,
)
from tandem.feedback.services.answers import response_submit
from tandem.notify.models import OutboxMessage
from tandem.people.models import Person
from tandem.programs.models import Enrolment
from tandem.relationships.models import Membership
from tests.feedback.conftest import answers_for, invited_people, open_survey

PERSONAL = {User, Person, Enrolment, Membership, Participation, AttributedResponse}
PERSONAL_WORDS = ("person", "user", "email", "name", "enrol", "member", "particip", "employee")


def _columns(model):
    return [f for f in model._meta.get_fields() if getattr(f, "concrete", False)]


def test_the_response_tables_have_no_column_that_refers_to_a_person():
    for model, allowed in ((Response, {Survey}), (ResponseAnswer, {Response, SurveyQuestion})):
        for field in _columns(model):
            assert field.related_model is None or field.related_model in allowed, field
            assert not any(word in field.column.lower() for word in PERSONAL_WORDS), field
        related = {f.related_model for f in _columns(model) if f.related_model}
        assert not related & PERSONAL


def test_the_only_way_from_a_response_to_a_person_is_the_attribution_table():
    """Reverse relations: answers (no person) and, for attributed surveys only, attribution."""
    reverse = {
        f.related_model
        for f in Response._meta.get_fields()
        if f.is_relation and not getattr(f, "concrete", False)
    }
    assert reverse == {ResponseAnswer, AttributedResponse}
    assert {f.name for f in _columns(AttributedResponse)} == {"response", "person"}


def test_participation_holds_no_reference_to_a_response():
    related = {f.related_model for f in _columns(Participation) if f.related_model}
    assert related == {Survey, Person}
    assert not any("response" in f.column for f in _columns(Participation))


def test_no_time_of_day_is_stored_anywhere_a_join_could_use_it():
    for model in (Participation, Response, ResponseAnswer):
        for field in _columns(model):
            assert not isinstance(field, models.DateTimeField), field


def test_ids_are_random_so_their_order_says_nothing():
    for model in (Response, ResponseAnswer):
        pk = model._meta.pk
        assert isinstance(pk, models.UUIDField)
        assert pk.default is uuid.uuid4


def test_an_anonymous_answer_is_stored_without_person_time_or_trace(program, coordinator):
    survey = open_survey(coordinator, program)
    person = invited_people(survey)[0]
    audit, outbox = AuditEntry.objects.count(), OutboxMessage.objects.count()

    response_submit(actor=person.user, survey=survey, answers=answers_for(survey, person))

    response = Response.objects.get(survey=survey)
    assert response.submitted_on is None
    assert response.id.version == 4
    assert not AttributedResponse.objects.exists()
    assert Participation.objects.get(survey=survey, person=person).responded_on is not None
    # no audit entry or email that would timestamp the submission
    assert (AuditEntry.objects.count(), OutboxMessage.objects.count()) == (audit, outbox)
    stored = [str(v) for v in Response.objects.filter(pk=response.pk).values().get().values()]
    assert not {str(person.pk), person.user.email, person.user.name} & set(stored)


def test_an_attributed_answer_names_its_author_in_the_separate_table(program, coordinator):
    survey = open_survey(coordinator, program, anonymous=False)
    person = invited_people(survey)[0]
    response_submit(actor=person.user, survey=survey, answers=answers_for(survey, person))
    response = Response.objects.get(survey=survey)
    assert response.submitted_on is not None
    assert response.attribution.person == person
