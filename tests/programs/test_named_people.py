"""A coordinator adds people by name: they can enrol whatever the filters say, are invited once
(now while enrolling, with everyone at opening in a draft), and the directory search is audited."""

from __future__ import annotations

import pytest

from tandem.audit.models import AuditEntry
from tandem.core.errors import ApplicationError
from tandem.notify.models import OutboxMessage
from tandem.people.models import PersonStatus
from tandem.programs.models import NamedInvitation, OptOut
from tandem.programs.selectors import eligibility_problem, eligible_people
from tandem.programs.services.mailings import send_invitations
from tandem.programs.services.named import invite_named_people
from tests.conftest import client_for
from tests.factories import DepartmentFactory, EnrolmentFactory, PersonFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales_only(coordinator):
    sales = DepartmentFactory(name="Sales")
    program = ProgramFactory(status="enrolling", coordinators=[coordinator])
    program.eligible_departments.set([sales])
    return program


def invitations(person) -> int:
    return OutboxMessage.objects.filter(
        kind="program_invitation", recipient=person.user.email
    ).count()


def test_a_named_person_outside_the_filters_can_enrol_and_is_emailed_once(coordinator, sales_only):
    engineer = PersonFactory(user__name="Noor Haddad")
    assert eligibility_problem(sales_only, engineer)
    result = invite_named_people(actor=coordinator, program=sales_only, people=[engineer])
    assert result.invited == [engineer] and result.emailed == 1
    assert eligibility_problem(sales_only, engineer) == ""
    assert engineer in eligible_people(sales_only)
    assert invitations(engineer) == 1
    again = invite_named_people(actor=coordinator, program=sales_only, people=[engineer])
    assert again.already_invited == [engineer] and again.emailed == 0
    assert invitations(engineer) == 1
    assert AuditEntry.objects.filter(action="programs.people_named").count() == 2


def test_in_a_draft_they_are_invited_with_everyone_when_enrolment_opens(coordinator):
    program = ProgramFactory(status="draft", coordinators=[coordinator])
    program.eligible_departments.set([DepartmentFactory(name="Legal")])
    outsider = PersonFactory()
    invite_named_people(actor=coordinator, program=program, people=[outsider])
    assert invitations(outsider) == 0
    send_invitations(program=program)
    assert invitations(outsider) == 1


def test_leavers_enrolled_and_declined_people_are_handled_by_name(coordinator, sales_only):
    left = PersonFactory(user__name="Lee Left", status=PersonStatus.LEFT)
    with pytest.raises(ApplicationError, match="Lee Left no longer work"):
        invite_named_people(actor=coordinator, program=sales_only, people=[left])
    assert not NamedInvitation.objects.exists()
    enrolled = EnrolmentFactory(program=sales_only).person
    declined = PersonFactory()
    OptOut.objects.create(program=sales_only, person=declined)
    result = invite_named_people(actor=coordinator, program=sales_only, people=[enrolled, declined])
    assert result.already_enrolled == [enrolled]
    assert result.not_interested == [declined] and result.emailed == 0
    assert invitations(declined) == 0


def test_closed_enrolment_refuses_with_the_way_forward(coordinator, sales_only):
    sales_only.status = "matching"
    sales_only.save(update_fields=["status"])
    with pytest.raises(ApplicationError, match="Re-open enrolment first"):
        invite_named_people(actor=coordinator, program=sales_only, people=[PersonFactory()])


def test_search_pick_invite_in_the_page(coordinator, sales_only):
    noor = PersonFactory(user__name="Noor Haddad", job_title="Data engineer")
    PersonFactory(user__name="Noor Left", status=PersonStatus.LEFT)
    client = client_for(coordinator)
    url = f"/programs/{sales_only.pk}/people/"
    page = client.get(url, {"q": "noor"}).content.decode()
    assert "Noor Haddad" in page and "Noor Left" not in page
    assert AuditEntry.objects.filter(
        action="people.directory_searched", data__query="noor"
    ).exists()
    response = client.post(
        url, {"people": [str(noor.pk), "99999999999999999999", "x"]}, follow=True
    )
    assert "1 person added and emailed the invitation now." in response.content.decode()
    assert NamedInvitation.objects.filter(program=sales_only, person=noor).exists()


def test_the_api_adds_by_email_and_lists(coordinator, sales_only):
    noor = PersonFactory()
    client = client_for(coordinator)
    url = f"/api/programs/{sales_only.pk}/invitations"
    unknown = client.post(
        url, {"emails": ["nobody@example.com", noor.user.email]}, content_type="application/json"
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["value"] == "nobody@example.com"
    assert not NamedInvitation.objects.exists()
    added = client.post(url, {"emails": [noor.user.email.upper()]}, content_type="application/json")
    assert added.status_code == 200 and added.json()["invited"] == [noor.user.email]
    listed = client.get(url).json()
    assert listed[0]["email"] == noor.user.email and listed[0]["enrolled"] is False
