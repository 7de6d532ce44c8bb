"""pysaml2 acting as the identity provider: real, signed SAML responses for Tandem's SP."""

from __future__ import annotations

import base64
import datetime as dt
import zlib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server

IDP_ENTITY = "https://idp.northwind.test/saml/metadata"
IDP_SSO = "https://idp.northwind.test/saml/sso"


def write_key_pair(folder: Path, name: str) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = folder / f"{name}.key", folder / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


class SamlIdentityProvider:
    def __init__(
        self, folder: Path, sp_metadata: str, *, lifetime_minutes: int = 15, key_name: str = "idp"
    ) -> None:
        key, cert = write_key_pair(folder, key_name)
        self.config = IdPConfig()
        self.config.load(
            {
                "entityid": IDP_ENTITY,
                "xmlsec_binary": "/usr/bin/xmlsec1",
                "key_file": str(key),
                "cert_file": str(cert),
                "service": {
                    "idp": {
                        "endpoints": {"single_sign_on_service": [(IDP_SSO, BINDING_HTTP_REDIRECT)]},
                        "policy": {
                            "default": {
                                "lifetime": {"minutes": lifetime_minutes},
                                "attribute_restrictions": None,
                                "name_form": NAME_FORMAT_URI,
                            }
                        },
                        "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                    }
                },
                "metadata": {"inline": [sp_metadata]},
            }
        )
        self.server = Server(config=self.config)

    def metadata(self) -> str:
        xml = create_metadata_string(None, config=self.config, valid=None)
        return xml.decode() if isinstance(xml, bytes) else str(xml)

    def request_id(self, redirect_url: str) -> str:
        """The AuthnRequest's id, from the HTTP-Redirect binding URL Tandem sent the browser to."""
        query = parse_qs(urlsplit(redirect_url).query)
        xml = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15).decode()
        request = self.server.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
        assert request.message.id in xml
        return str(request.message.id)

    def response(
        self,
        *,
        in_response_to: str | None,
        email: str,
        acs_url: str,
        sp_entity_id: str,
        name: str = "",
        groups: list[str] | None = None,
        sign_assertion: bool = True,
    ) -> str:
        identity = {"email": [email], "name": [name or email], "groups": groups or []}
        xml = self.server.create_authn_response(
            identity=identity,
            in_response_to=in_response_to,
            destination=acs_url,
            sp_entity_id=sp_entity_id,
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email),
            userid=email,
            sign_assertion=sign_assertion,
            sign_response=False,
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
            binding=BINDING_HTTP_POST,
        )
        return base64.b64encode(str(xml).encode()).decode()
