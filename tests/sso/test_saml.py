"""SAML sign-in with responses minted and signed by pysaml2 acting as the identity provider."""

from __future__ import annotations

import pytest
from django.test import Client

from tandem.accounts.models import Role
from tandem.sso import saml
from tandem.sso.config import saml_acs_url
from tests.factories import PersonFactory, UserFactory
from tests.sso.saml_idp import IDP_SSO, SamlIdentityProvider

pytestmark = pytest.mark.django_db
SP_ENTITY = "https://mentoring.northwind.test/sso/saml/metadata/"


@pytest.fixture
def idp(settings, tmp_path):
    settings.SAML_SP_ENTITY_ID = SP_ENTITY
    settings.SAML_PROVIDER_NAME = "Northwind SAML"
    settings.TANDEM_SSO_ADMIN_GROUPS = ["tandem-admins"]
    settings.SAML_IDP_METADATA_FILE = ""
    sp_metadata = Client().get("/sso/saml/metadata/").content.decode()
    provider = SamlIdentityProvider(tmp_path, sp_metadata)
    metadata = tmp_path / "idp.xml"
    metadata.write_text(provider.metadata())
    settings.SAML_IDP_METADATA_FILE = str(metadata)
    saml._cached.clear()
    PersonFactory(user=UserFactory(email="ravi.k@example.com", name="Ravi K"))
    yield provider
    saml._cached.clear()


def _start(client: Client, idp: SamlIdentityProvider) -> str:
    response = client.post("/sso/saml/start/")
    assert response.status_code == 302
    assert response["Location"].startswith(IDP_SSO)
    return idp.request_id(response["Location"])


def _post(client: Client, encoded: str):
    return client.post("/sso/saml/acs/", {"SAMLResponse": encoded})


def test_sp_metadata_is_published(idp):
    xml = Client().get("/sso/saml/metadata/").content.decode()
    assert SP_ENTITY in xml and saml_acs_url() in xml
    assert 'WantAssertionsSigned="true"' in xml


def test_sign_in_page_offers_saml(idp):
    page = Client().get("/accounts/login/").content.decode()
    assert "Sign in with Northwind SAML" in page


def test_a_signed_assertion_signs_in_with_roles_from_groups(idp):
    client = Client()
    request_id = _start(client, idp)
    encoded = idp.response(
        in_response_to=request_id,
        email="ravi.k@example.com",
        acs_url=saml_acs_url(),
        sp_entity_id=SP_ENTITY,
        groups=["tandem-admins"],
    )
    response = _post(client, encoded)
    assert response.status_code == 302, response.content[:500]
    assert client.get("/").status_code == 200
    from tandem.accounts.models import User

    assert User.objects.get(email="ravi.k@example.com").role == Role.ADMIN


def test_a_replayed_response_is_refused(idp):
    client = Client()
    request_id = _start(client, idp)
    encoded = idp.response(
        in_response_to=request_id,
        email="ravi.k@example.com",
        acs_url=saml_acs_url(),
        sp_entity_id=SP_ENTITY,
    )
    assert _post(client, encoded).status_code == 302
    other = Client()
    replay = _post(other, encoded)
    assert replay.status_code == 403
    assert "_auth_user_id" not in other.session


def test_an_unsigned_assertion_is_refused(idp):
    client = Client()
    encoded = idp.response(
        in_response_to=_start(client, idp),
        email="ravi.k@example.com",
        acs_url=saml_acs_url(),
        sp_entity_id=SP_ENTITY,
        sign_assertion=False,
    )
    assert _post(client, encoded).status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_wrong_audience_is_refused(idp):
    client = Client()
    encoded = idp.response(
        in_response_to=_start(client, idp),
        email="ravi.k@example.com",
        acs_url=saml_acs_url(),
        sp_entity_id="https://some-other-app.example/metadata",
    )
    assert _post(client, encoded).status_code == 403


def test_an_unsolicited_response_is_refused(idp):
    client = Client()
    encoded = idp.response(
        in_response_to=None,
        email="ravi.k@example.com",
        acs_url=saml_acs_url(),
        sp_entity_id=SP_ENTITY,
    )
    assert _post(client, encoded).status_code == 403


def test_an_expired_assertion_is_refused(settings, tmp_path, idp):
    sp_metadata = Client().get("/sso/saml/metadata/").content.decode()
    stale = SamlIdentityProvider(tmp_path, sp_metadata, lifetime_minutes=-10)
    # same entity and the same metadata file, now with the stale IdP's key
    (tmp_path / "idp.xml").write_text(stale.metadata())
    saml._cached.clear()
    client = Client()
    request_id = _start(client, stale)
    encoded = stale.response(
        in_response_to=request_id,
        email="ravi.k@example.com",
        acs_url=saml_acs_url(),
        sp_entity_id=SP_ENTITY,
    )
    assert _post(client, encoded).status_code == 403


def test_an_assertion_signed_by_another_key_is_refused(tmp_path, idp):
    sp_metadata = Client().get("/sso/saml/metadata/").content.decode()
    impostor = SamlIdentityProvider(tmp_path, sp_metadata, key_name="impostor")
    client = Client()
    encoded = impostor.response(
        in_response_to=_start(client, idp),
        email="ravi.k@example.com",
        acs_url=saml_acs_url(),
        sp_entity_id=SP_ENTITY,
    )
    assert _post(client, encoded).status_code == 403
