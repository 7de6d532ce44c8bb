"""The messaging endpoint checks the Bot Framework's JWT for real (RS256 against the keys the
stand-in issuer publishes behind its OpenID configuration) before it reads anything: a good token
is accepted; a wrong key, audience, issuer, an expired or missing token, or a serviceUrl the token
was not issued for get 401 and nothing is stored."""

from __future__ import annotations

import time

import pytest

from tandem.integrations.teams.models import TeamsIdentity, TeamsInbound
from tandem.integrations.teams.standin import new_rsa_key
from tests.factories import PersonFactory
from tests.integrations.conftest import TEAMS_APP_ID, post_teams, teams_activity

pytestmark = pytest.mark.django_db


def _installed(ms, aad: str) -> dict:
    return teams_activity(
        ms,
        type="installationUpdate",
        action="add",
        id="inst:1",
        **{"from": {"id": "29:x", "aadObjectId": aad}},
    )


def test_a_good_token_is_accepted_and_the_activity_handled(ms):
    user = PersonFactory(user__email="ana@example.com").user
    aad = ms.add_user("ana@example.com")
    TeamsIdentity.objects.create(user=user, aad_object_id=aad)
    response = post_teams(_installed(ms, aad), token=ms.activity_token())
    assert response.status_code == 200
    identity = TeamsIdentity.objects.get(user=user)
    assert (identity.chat_id, identity.service_url) == ("a:personal", ms.service_url)
    assert TeamsInbound.objects.get().result == "personal chat remembered"


def _hs256(ms) -> str:
    import jwt

    return jwt.encode(
        {"iss": "https://api.botframework.com", "aud": TEAMS_APP_ID, "exp": time.time() + 60},
        "a-shared-secret-of-at-least-32-bytes!",
        algorithm="HS256",
        headers={"kid": ms.kid},
    )


# case → (the Authorization header, a change to the activity)
BAD = {
    "missing": (lambda ms: None, None),
    "not_bearer": (lambda ms: "Basic " + ms.activity_token(), None),
    "garbage": (lambda ms: "Bearer not.a.jwt", None),
    "wrong_key": (lambda ms: "Bearer " + ms.activity_token(key=new_rsa_key(), kid="other"), None),
    "wrong_key_same_kid": (lambda ms: "Bearer " + ms.activity_token(key=new_rsa_key()), None),
    "wrong_audience": (lambda ms: "Bearer " + ms.activity_token(audience="another-bot"), None),
    "wrong_issuer": (
        lambda ms: "Bearer " + ms.activity_token(issuer="https://evil.example.com"),
        None,
    ),
    # expired an hour ago: beyond the five minutes of clock skew allowed
    "expired": (lambda ms: "Bearer " + ms.activity_token(now=time.time() - 7200), None),
    "service_url": (
        lambda ms: "Bearer " + ms.activity_token(service_url="https://smba.evil.example.com/"),
        None,
    ),
    "not_endorsed": (lambda ms: "Bearer " + ms.activity_token(), {"channelId": "webchat"}),
    "hs256": (lambda ms: "Bearer " + _hs256(ms), None),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_token_gets_401_and_touches_nothing(ms, case):
    user = PersonFactory(user__email="ana@example.com").user
    aad = ms.add_user("ana@example.com")
    TeamsIdentity.objects.create(user=user, aad_object_id=aad)
    header, change = BAD[case]
    activity = {**_installed(ms, aad), **(change or {})}
    authorization = header(ms)
    response = post_teams(
        activity, token=None if authorization is None else "", authorization=authorization
    )
    assert response.status_code == 401
    assert response.json() == {"error": "unauthorized"}
    assert not TeamsInbound.objects.exists()
    assert TeamsIdentity.objects.get(user=user).chat_id == ""


def test_without_teams_configured_every_request_is_refused(settings, db):
    settings.TEAMS_APP_ID = ""
    response = post_teams({"type": "message"}, token="anything")
    assert response.status_code == 401 and not TeamsInbound.objects.exists()


def test_keys_are_fetched_once_and_again_only_for_an_unknown_key_id(ms):
    for n in range(3):
        assert (
            post_teams(teams_activity(ms, id=f"m:{n}"), token=ms.activity_token()).status_code
            == 200
        )
    assert len(ms.calls_to("keys")) == 1 and len(ms.calls_to("openid")) == 1
    # Microsoft rolls its key: the new kid is unknown, the keys are fetched again (once a minute
    # at most, so forged key ids cannot make us hammer the endpoint).
    from tandem.integrations.teams import auth

    with auth._lock:
        for cached in auth._cache.values():
            cached.fetched_at -= 120
    ms.key, ms.kid = new_rsa_key(), "standin-bf-2"
    assert post_teams(teams_activity(ms, id="m:9"), token=ms.activity_token()).status_code == 200
    assert len(ms.calls_to("keys")) == 2
    bogus = ms.activity_token(kid="random-kid")
    assert post_teams(teams_activity(ms, id="m:10"), token=bogus).status_code == 401
    assert len(ms.calls_to("keys")) == 2


def test_a_retried_activity_is_stored_once(ms):
    ms.personal_chats["someone"] = "a:personal"  # the bot may answer in this 1:1 chat
    activity = teams_activity(ms, id="m:1", text="hello")
    assert post_teams(activity, token=ms.activity_token()).status_code == 200
    assert post_teams(activity, token=ms.activity_token()).status_code == 200
    inbound = TeamsInbound.objects.get()
    assert inbound.retries_seen == 1 and inbound.status == "done"
    assert len(ms.calls_to("connector.post")) == 1  # answered (the help card) once


def test_a_verified_body_that_is_not_an_activity_is_a_400(ms):
    response = post_teams(
        {"serviceUrl": ms.service_url, "channelId": "msteams", "type": 5}, token=ms.activity_token()
    )
    assert response.status_code == 400 and not TeamsInbound.objects.exists()


def test_an_activity_from_another_tenant_is_ignored_and_not_stored(ms):
    user = PersonFactory(user__email="ana@example.com").user
    aad = ms.add_user("ana@example.com")
    TeamsIdentity.objects.create(user=user, aad_object_id=aad)
    activity = {**_installed(ms, aad), "channelData": {"tenant": {"id": "someone-elses-tenant"}}}
    assert post_teams(activity, token=ms.activity_token()).status_code == 200
    assert not TeamsInbound.objects.exists()
    assert TeamsIdentity.objects.get(user=user).chat_id == ""
