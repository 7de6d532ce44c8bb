"""SCIM Users as Entra ID and Okta send them, the leaver path, filters, errors and ETags."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from tandem.accounts.models import ApiToken, Role, User, UserSession
from tandem.accounts.services import api_token_create
from tandem.audit.models import AuditEntry
from tandem.people.models import Person, PersonStatus
from tandem.scim.models import ScimToken
from tandem.scim.schema import ENTERPRISE, PATCH, USER
from tests.conftest import client_for
from tests.factories import PASSWORD, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def entra_user(**overrides):
    """The body Entra ID's provisioning service POSTs for a new user."""
    body = {
        "schemas": [USER, ENTERPRISE],
        "externalId": "e1a2b3",
        "userName": "amal.farouk@northwind.example",
        "active": True,
        "displayName": "Amal Farouk",
        "title": "Data Engineer",
        "emails": [{"primary": True, "type": "work", "value": "amal.farouk@northwind.example"}],
        "name": {"formatted": "Amal Farouk", "familyName": "Farouk", "givenName": "Amal"},
        ENTERPRISE: {"employeeNumber": "N-1042", "department": "Data Platform"},
    }
    body.update(overrides)
    return body


def test_a_token_is_required(db):
    response = Client().get("/scim/v2/Users")
    assert response.status_code == 401
    assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert (
        Client().get("/scim/v2/Users", headers={"Authorization": "Bearer tdm_x"}).status_code == 401
    )


def test_a_revoked_token_stops_working(scim):
    assert scim.get("Users").status_code == 200
    ScimToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    assert scim.get("Users").status_code == 401


def test_entra_create_writes_the_directory_like_an_hr_import(scim):
    manager = PersonFactory(user=UserFactory(email="lead@northwind.example", name="Lead"))
    body = entra_user()
    body[ENTERPRISE]["manager"] = {"value": str(manager.pk)}
    response = scim.post("Users", body)
    assert response.status_code == 201, response.content
    data = response.json()
    person = Person.objects.select_related("user", "department").get(pk=int(data["id"]))
    assert person.user.email == "amal.farouk@northwind.example"
    assert person.user.name == "Amal Farouk"
    assert person.job_title == "Data Engineer" and person.employee_id == "N-1042"
    assert person.department.name == "Data Platform" and person.manager == manager
    assert response["Location"].endswith(f"/scim/v2/Users/{person.pk}")
    assert data["meta"]["version"] == response["ETag"]
    assert data[ENTERPRISE]["manager"]["value"] == str(manager.pk)
    assert AuditEntry.objects.filter(action="people.person_created").exists()
    assert scim.post("Users", entra_user()).status_code == 409


def test_bad_values_get_the_hr_import_validation_and_nothing_is_written(scim):
    response = scim.post(
        "Users",
        entra_user(
            emails=[{"type": "work", "value": "not-an-email"}],
            userName="someone",
            title='=HYPERLINK("http://x")',
        ),
    )
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "not a valid email address" in detail and "formula" in detail
    assert response.json()["scimType"] == "invalidValue"
    assert not User.objects.filter(email="not-an-email").exists()
    unknown_manager = entra_user()
    unknown_manager[ENTERPRISE]["manager"] = {"value": "999999"}
    assert scim.post("Users", unknown_manager).status_code == 400
    assert not Person.objects.exists()
    assert scim.post("Users", {"userName": "x"}).status_code == 400
    bad_json = scim.client.post(
        "/scim/v2/Users", "{", content_type="application/scim+json", headers=scim.headers
    )
    assert bad_json.status_code == 400 and bad_json.json()["scimType"] == "invalidSyntax"


def test_filters_that_identity_providers_send(scim):
    created = scim.post("Users", entra_user()).json()
    hr_person = PersonFactory(user=UserFactory(email="hr.only@northwind.example"))
    for query, expected in [
        ('userName eq "AMAL.FAROUK@northwind.example"', created["id"]),
        ('externalId eq "e1a2b3"', created["id"]),
        ('emails[type eq "work"].value eq "amal.farouk@northwind.example"', created["id"]),
        ('userName eq "hr.only@northwind.example"', str(hr_person.pk)),
    ]:
        found = scim.get(f"Users?filter={query}").json()
        assert found["totalResults"] == 1, query
        assert found["Resources"][0]["id"] == expected
    assert scim.get('Users?filter=userName eq "nobody@x.test"').json()["totalResults"] == 0
    bad = scim.get('Users?filter=userName co "amal"')
    assert bad.status_code == 400 and bad.json()["scimType"] == "invalidFilter"


def test_pagination(scim):
    for n in range(5):
        PersonFactory(user=UserFactory(email=f"p{n}@northwind.example"))
    page = scim.get("Users?startIndex=2&count=2").json()
    assert page["totalResults"] == 5 and page["startIndex"] == 2 and page["itemsPerPage"] == 2


def test_entra_patch_shapes(scim):
    user_id = scim.post("Users", entra_user()).json()["id"]
    response = scim.patch(
        f"Users/{user_id}",
        {
            "schemas": [PATCH],
            "Operations": [
                {"op": "Replace", "path": "displayName", "value": "Amal F."},
                {"op": "Replace", "path": "name.formatted", "value": "Amal F."},
                {
                    "op": "Add",
                    "path": 'emails[type eq "work"].value',
                    "value": "amal.f@northwind.example",
                },
                {"op": "Replace", "path": f"{ENTERPRISE}:department", "value": "Analytics"},
                {"op": "Add", "path": "title", "value": "Staff Data Engineer"},
            ],
        },
    )
    assert response.status_code == 200, response.content
    person = Person.objects.select_related("user", "department").get(pk=int(user_id))
    assert person.user.email == "amal.f@northwind.example" and person.user.name == "Amal F."
    assert person.department.name == "Analytics" and person.job_title == "Staff Data Engineer"
    assert AuditEntry.objects.filter(action="people.email_changed").exists()


def test_okta_patch_shapes(scim):
    user_id = scim.post("Users", entra_user()).json()["id"]
    response = scim.patch(
        f"Users/{user_id}",
        {
            "schemas": [PATCH],
            "Operations": [
                {
                    "op": "replace",
                    "value": {
                        "name": {"givenName": "Amal", "familyName": "Farouk-Ali"},
                        "title": "Lead",
                        f"{ENTERPRISE}:employeeNumber": "N-2000",
                    },
                }
            ],
        },
    )
    assert response.status_code == 200, response.content
    person = Person.objects.select_related("user").get(pk=int(user_id))
    assert person.job_title == "Lead" and person.employee_id == "N-2000"
    # formatted was sent before and is kept by a replace of other name parts
    assert person.user.name == "Amal Farouk"


@pytest.mark.parametrize(
    "operation",
    [
        {"op": "Replace", "path": "active", "value": "False"},  # Entra: a string
        {"op": "replace", "value": {"active": False}},  # Okta
    ],
)
def test_deactivation_is_the_leaver_path(scim, operation):
    user_id = scim.post("Users", entra_user()).json()["id"]
    person = Person.objects.get(pk=int(user_id))
    user = person.user
    user.set_password(PASSWORD)
    user.save()
    session_client = client_for(user)
    assert UserSession.objects.filter(user=user).exists()
    _, plaintext = api_token_create(user=user, name="notebook")
    response = scim.patch(f"Users/{user_id}", {"schemas": [PATCH], "Operations": [operation]})
    assert response.status_code == 200 and response.json()["active"] is False
    person.refresh_from_db()
    user.refresh_from_db()
    assert person.status == PersonStatus.LEFT and not user.is_active
    assert not UserSession.objects.filter(user=user).exists()
    assert session_client.get("/").status_code == 302  # signed out at once
    assert ApiToken.objects.get(user=user).revoked_at is not None
    api = Client().get("/api/me", headers={"Authorization": f"Bearer {plaintext}"})
    assert api.status_code == 401
    back = scim.patch(
        f"Users/{user_id}",
        {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "active", "value": True}]},
    )
    assert back.status_code == 200
    person.refresh_from_db()
    assert person.status == PersonStatus.ACTIVE and User.objects.get(pk=user.pk).is_active


def test_delete_is_the_leaver_path_and_keeps_the_row(scim):
    user_id = scim.post("Users", entra_user()).json()["id"]
    assert scim.delete(f"Users/{user_id}").status_code == 204
    assert scim.get(f"Users/{user_id}").status_code == 404
    person = Person.objects.get(pk=int(user_id))
    assert person.status == PersonStatus.LEFT and not person.user.is_active
    assert AuditEntry.objects.filter(action="scim.user_deleted").exists()
    assert scim.post("Users", entra_user()).status_code == 201  # rehired: same person, active
    person.refresh_from_db()
    assert person.status == PersonStatus.ACTIVE


def test_etags(scim):
    created = scim.post("Users", entra_user())
    user_id, etag = created.json()["id"], created["ETag"]
    assert scim.get(f"Users/{user_id}", HTTP_IF_NONE_MATCH=etag).status_code in (200, 304)
    assert (
        scim.client.get(
            f"/scim/v2/Users/{user_id}", headers={**scim.headers, "If-None-Match": etag}
        ).status_code
        == 304
    )
    changed = scim.put(f"Users/{user_id}", entra_user(title="Other"), **{"If-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    stale = scim.put(f"Users/{user_id}", entra_user(title="Again"), **{"If-Match": etag})
    assert stale.status_code == 412


def test_hr_changes_win_on_read(scim):
    user_id = scim.post("Users", entra_user()).json()["id"]
    Person.objects.filter(pk=int(user_id)).update(job_title="Principal Engineer")
    assert scim.get(f"Users/{user_id}").json()["title"] == "Principal Engineer"


def test_groups_grant_roles(scim, settings):
    settings.TANDEM_SSO_ADMIN_GROUPS = ["Tandem Admins"]
    user_id = scim.post("Users", entra_user()).json()["id"]
    group = scim.post(
        "Groups",
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "Tandem Admins",
            "members": [],
        },
    )
    assert group.status_code == 201
    group_id = group.json()["id"]
    add = scim.patch(
        f"Groups/{group_id}",
        {
            "schemas": [PATCH],
            "Operations": [{"op": "Add", "path": "members", "value": [{"value": user_id}]}],
        },
    )
    assert add.status_code == 200
    assert User.objects.get(person__pk=int(user_id)).role == Role.ADMIN
    found = scim.get(
        'Groups?filter=displayName eq "Tandem Admins"&excludedAttributes=members'
    ).json()
    assert found["totalResults"] == 1 and "members" not in found["Resources"][0]
    member_of = scim.get(f'Groups?filter=members[value eq "{user_id}"]').json()
    assert [g["id"] for g in member_of["Resources"]] == [group_id]
    remove = scim.patch(
        f"Groups/{group_id}",
        {
            "schemas": [PATCH],
            "Operations": [{"op": "Remove", "path": f'members[value eq "{user_id}"]'}],
        },
    )
    assert remove.status_code == 200 and remove.json()["members"] == []
    assert User.objects.get(person__pk=int(user_id)).role == Role.PARTICIPANT


def test_scim_token_command(capsys, db):
    call_command("scim_token", "create", "--name", "Okta")
    out = capsys.readouterr()
    plaintext = out.out.strip()
    assert plaintext.startswith("tdm_scim_") and "shown only once" in out.err
    token = ScimToken.objects.get(name="Okta")
    assert plaintext not in token.key_hash and len(token.key_hash) == 64
    assert AuditEntry.objects.filter(action="scim_token.created").exists()
    call_command("scim_token", "revoke", str(token.pk))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_admin_token_page(admin):
    client = client_for(admin)
    response = client.post("/scim/tokens/", {"name": "Entra ID provisioning"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "shown only once" in page and "tdm_scim_" in page
    token = ScimToken.objects.get()
    assert client.post(f"/scim/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="scim_token.revoked", actor=admin).exists()


def test_a_directory_group_can_open_a_program_to_its_members_only(scim, coordinator):
    from django.urls import reverse

    from tandem.programs.selectors import eligibility_problem, eligible_people
    from tests.conftest import client_for
    from tests.factories import make_program

    member_id = scim.post("Users", entra_user()).json()["id"]
    outsider_id = scim.post(
        "Users",
        entra_user(
            userName="sam@northwind.example",
            externalId="sam-1",
            displayName="Sam Roe",
            emails=[{"primary": True, "type": "work", "value": "sam@northwind.example"}],
            name={"formatted": "Sam Roe", "familyName": "Roe", "givenName": "Sam"},
            **{ENTERPRISE: {"employeeNumber": "N-2001", "department": "Data Platform"}},
        ),
    ).json()["id"]
    scim.post(
        "Groups",
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "Sales Leaders",
            "members": [{"value": member_id}],
        },
    )
    page = client_for(coordinator).get(reverse("programs:create")).content.decode()
    assert "Directory groups" in page and "Sales Leaders" in page

    program = make_program(coordinator, eligible_groups=["Sales Leaders"])
    member, outsider = Person.objects.get(pk=member_id), Person.objects.get(pk=outsider_id)
    assert list(eligible_people(program)) == [member]
    assert eligibility_problem(program, member) == ""
    assert eligibility_problem(program, outsider) == (
        "This program is open to members of Sales Leaders in the company directory."
    )
    refused = client_for(coordinator).patch(
        f"/api/programs/{program.pk}", {"eligible_groups": [""]}, content_type="application/json"
    )
    assert refused.status_code == 422
