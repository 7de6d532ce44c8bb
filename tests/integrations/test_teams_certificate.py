"""A certificate instead of the client secret: Tandem signs a client assertion with the key in
``TEAMS_APP_CERTIFICATE_PATH`` and the stand-in's token endpoint verifies it against the
certificate uploaded to the app (signature, thumbprint, audience, expiry)."""

from __future__ import annotations

import datetime as dt
import io

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.management import CommandError, call_command

from tandem.integrations.teams import client
from tandem.integrations.teams.standin import thumbprint

pytestmark = pytest.mark.django_db


def _certificate(key: rsa.RSAPrivateKey) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "tandem-teams")])
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )


def _pem(key: rsa.RSAPrivateKey, certificate: x509.Certificate) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ) + certificate.public_bytes(serialization.Encoding.PEM)


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def uploaded(ms, settings, tmp_path):
    """The app's certificate uploaded to Entra (the stand-in) and its PEM given to Tandem."""
    key = _key()
    certificate = _certificate(key)
    ms.certificate = certificate
    path = tmp_path / "teams.pem"
    path.write_bytes(_pem(key, certificate))
    settings.TEAMS_APP_PASSWORD = ""
    settings.TEAMS_APP_CERTIFICATE_PATH = str(path)
    client.forget_tokens()
    return certificate, path


def test_check_signs_in_with_the_certificate(ms, uploaded):
    certificate, _ = uploaded
    out = io.StringIO()
    call_command("teams", "check", stdout=out)
    assert "Credential: certificate." in out.getvalue()
    assert "Bot Connector token OK" in out.getvalue()
    form = ms.calls_to("token")[0].body
    assert "client_secret" not in form
    assert form["client_assertion_type"] == (
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    )
    assertion = jwt.decode_complete(
        form["client_assertion"],
        certificate.public_key(),
        algorithms=["RS256"],
        audience=ms.token_url,
        issuer=form["client_id"],
    )
    assert assertion["header"]["x5t"] == thumbprint(certificate, hashes.SHA1())  # noqa: S303
    assert assertion["header"]["x5t#S256"] == thumbprint(certificate, hashes.SHA256())
    claims = assertion["payload"]
    assert claims["sub"] == form["client_id"] and claims["jti"]
    assert 0 < claims["exp"] - claims["iat"] <= 300


def test_the_admin_page_says_a_certificate_is_used(admin, ms, uploaded):
    from tests.conftest import client_for

    page = client_for(admin).get("/integrations/teams/").content.decode()
    assert "signing in with a certificate" in page
    assert "OK — tokens issued for the Bot Connector and for Graph" in page


def test_a_certificate_entra_does_not_know_is_refused(ms, uploaded, tmp_path, settings):
    other = _key()
    path = tmp_path / "other.pem"
    path.write_bytes(_pem(other, _certificate(other)))
    settings.TEAMS_APP_CERTIFICATE_PATH = str(path)
    with pytest.raises(CommandError, match="invalid_client"):
        call_command("teams", "check", stdout=io.StringIO())


def test_a_file_whose_key_does_not_match_its_certificate_is_named(ms, uploaded, tmp_path, settings):
    certificate, _ = uploaded
    path = tmp_path / "mixed.pem"
    path.write_bytes(_pem(_key(), certificate))
    settings.TEAMS_APP_CERTIFICATE_PATH = str(path)
    with pytest.raises(CommandError, match="certificate_key_mismatch"):
        call_command("teams", "check", stdout=io.StringIO())
    assert ms.calls_to("token") == []  # nothing sent


def test_a_missing_or_unreadable_file_is_named(ms, uploaded, tmp_path, settings):
    settings.TEAMS_APP_CERTIFICATE_PATH = str(tmp_path / "nowhere.pem")
    with pytest.raises(CommandError, match="certificate_unreadable"):
        call_command("teams", "check", stdout=io.StringIO())
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate")
    settings.TEAMS_APP_CERTIFICATE_PATH = str(garbage)
    with pytest.raises(CommandError, match="certificate_invalid"):
        call_command("teams", "check", stdout=io.StringIO())
