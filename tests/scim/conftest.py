from __future__ import annotations

import json

import pytest
from django.test import Client

from tandem.scim.services.tokens import scim_token_create


@pytest.fixture
def scim_token(db):
    _token, plaintext = scim_token_create(actor=None, name="Entra ID")
    return plaintext


class Scim:
    """A Django test client speaking SCIM with a bearer token."""

    def __init__(self, token: str) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"}

    def request(self, method: str, path: str, body=None, **headers):
        kwargs = {}
        if body is not None:
            kwargs = {"data": json.dumps(body), "content_type": "application/scim+json"}
        return getattr(self.client, method)(
            f"/scim/v2/{path}", headers={**self.headers, **headers}, **kwargs
        )

    def get(self, path, **headers):
        return self.request("get", path, **headers)

    def post(self, path, body, **headers):
        return self.request("post", path, body, **headers)

    def put(self, path, body, **headers):
        return self.request("put", path, body, **headers)

    def patch(self, path, body, **headers):
        return self.request("patch", path, body, **headers)

    def delete(self, path, **headers):
        return self.request("delete", path, **headers)


@pytest.fixture
def scim(scim_token):
    return Scim(scim_token)
