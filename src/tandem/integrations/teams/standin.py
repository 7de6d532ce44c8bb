"""A local stand-in for the Microsoft services Teams needs — a development and test tool, not part
of production.

One HTTP server plays four parts, speaking their real wire protocols:

* the Bot Framework's token issuer: an OpenID configuration and a JWKS (a real RSA key), and
  ``activity_token()`` signs the JWT a Teams request carries (RS256, ``kid``, issuer, audience,
  expiry, ``serviceurl``), so the messaging endpoint's check runs for real;
* Entra's token endpoint (``POST /<tenant>/oauth2/v2.0/token``, client credentials): checks the
  client id and the secret, or the signed client assertion against the app's certificate
  (signature, thumbprint, audience, expiry), answers a signed access token with ``roles``;
* Microsoft Graph (``/graph/v1.0``): users by UPN, id or mail, the app catalog, app installation
  for a user and a chat, the installed app's chat, ``POST /chats``, team members, the service
  principals' app role assignments; every call needs its application permission in the token's
  ``roles`` (403 ``Authorization_RequestDenied`` otherwise), as Graph does;
* the Bot Connector (``/connector/v3/conversations/…/activities``): posts and updates.

Every call is recorded (without its Authorization header); ``fail_next`` makes the next call of a
kind answer an error (``429`` with ``Retry-After`` …).

    ms = MicrosoftStandIn(app_id=..., app_password=..., tenant_id=...).start()
    ms.add_user("ana@example.com")                    # → its object id
    ms.fail_next("connector.post", status=429, retry_after=30)
    ms.calls_to("graph.create_chat")
    ms.stop()
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa

from tandem.integrations.teams.config import CHECK_PERMISSION, GRAPH_APP_ID, GRAPH_PERMISSIONS

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_MAX_SECONDS = 600  # Entra refuses long-lived client assertions

# The application permission each Graph call needs (the least one Tandem asks for).
NEEDS = {
    "graph.users_filter": "User.Read.All",
    "graph.user": "User.Read.All",
    "graph.install_user": "TeamsAppInstallation.ReadWriteSelfForUser.All",
    "graph.installed_user": "TeamsAppInstallation.ReadWriteSelfForUser.All",
    "graph.installed_chat": "TeamsAppInstallation.ReadWriteSelfForUser.All",
    "graph.catalog": "AppCatalog.Read.All",
    "graph.create_chat": "Chat.Create",
    "graph.install_chat": "TeamsAppInstallation.ReadWriteSelfForChat.All",
    "graph.chat_apps": "TeamsAppInstallation.ReadWriteSelfForChat.All",
    "graph.team_members": "TeamMember.Read.All",
    "graph.sp_assignments": CHECK_PERMISSION,
    "graph.sp": CHECK_PERMISSION,
}


def role_id(permission: str) -> str:
    """A stable id for one of Graph's app roles (Graph's own ids are GUIDs like these)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"graph-app-role:{permission}"))


def thumbprint(certificate: x509.Certificate, algorithm: hashes.HashAlgorithm) -> str:
    import base64

    return base64.urlsafe_b64encode(certificate.fingerprint(algorithm)).rstrip(b"=").decode()


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key: rsa.RSAPrivateKey, kid: str, endorsements: list[str] | None = None) -> dict:
    data = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    data.update({"kid": kid, "use": "sig", "alg": "RS256"})
    if endorsements is not None:
        data["endorsements"] = endorsements
    return data


@dataclass
class Call:
    name: str
    method: str
    path: str
    body: Any
    at: float


@dataclass
class Fault:
    status: int
    code: str = ""
    retry_after: float | None = None


@dataclass
class Posted:
    conversation_id: str
    activity_id: str
    activity: dict[str, Any]
    updates: list[dict[str, Any]] = field(default_factory=list)

    @property
    def card(self) -> dict[str, Any]:
        current = self.updates[-1] if self.updates else self.activity
        return dict((current.get("attachments") or [{}])[0].get("content") or {})


class MicrosoftStandIn:
    """The stand-in's state and its HTTP server (one thread per request)."""

    def __init__(
        self,
        *,
        app_id: str,
        app_password: str,
        tenant_id: str,
        roles: tuple[str, ...] = tuple(GRAPH_PERMISSIONS),
        uploaded: bool = True,
        certificate: x509.Certificate | None = None,
    ) -> None:
        self.app_id = app_id
        self.certificate = certificate  # uploaded to the app: client assertions it verifies
        self.app_password = app_password
        self.tenant_id = tenant_id
        self.roles = roles
        self.uploaded = uploaded  # whether the app package is in the org catalog
        self.catalog_id = f"catalog-{uuid.uuid4()}"
        self.key = new_rsa_key()  # signs the Bot Framework's tokens (inbound)
        self.kid = "standin-bf-1"
        self.endorsements: list[str] | None = ["msteams"]
        self.token_key = new_rsa_key()  # signs Entra's access tokens (outbound)
        self.users: dict[str, dict[str, str]] = {}  # object id → {id, mail, userPrincipalName}
        self.blocked: set[str] = set()  # object ids Tandem may not be installed for
        self.installed: dict[str, str] = {}  # object id → installation id
        self.personal_chats: dict[str, str] = {}  # object id → chat id
        self.chats: dict[str, dict[str, Any]] = {}  # chat id → Graph chat
        self.chat_apps: dict[str, set[str]] = {}  # chat id → catalog ids installed
        self.teams: dict[str, list[str]] = {}  # team id → member object ids
        self.channels: dict[str, str] = {}  # channel id → team id (Tandem installed in the team)
        self.posted: list[Posted] = []
        self.calls: list[Call] = []
        self._faults: dict[str, list[Fault]] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------

    def start(self, port: int = 0) -> MicrosoftStandIn:
        standin = self

        class Handler(_Handler):
            owner = standin

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the stand-in first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def openid_config_url(self) -> str:
        return f"{self.base_url}/botframework/v1/.well-known/openidconfiguration"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/{self.tenant_id}/oauth2/v2.0/token"

    @property
    def graph_url(self) -> str:
        return f"{self.base_url}/graph/v1.0"

    @property
    def service_url(self) -> str:
        return f"{self.base_url}/connector/"

    def settings(self) -> dict[str, str]:
        """The Django settings that point Tandem at this stand-in."""
        return {
            "TEAMS_APP_ID": self.app_id,
            "TEAMS_APP_PASSWORD": self.app_password,
            "TEAMS_TENANT_ID": self.tenant_id,
            "TEAMS_OPENID_CONFIG_URL": self.openid_config_url,
            "TEAMS_TOKEN_ISSUER": BOT_FRAMEWORK_ISSUER,
            "TEAMS_TOKEN_URL": self.token_url,
            "GRAPH_API_URL": self.graph_url,
            "TEAMS_SERVICE_URL": self.service_url,
        }

    # --- test controls --------------------------------------------------------------------

    def add_user(self, email: str, object_id: str | None = None, *, upn: str = "") -> str:
        object_id = object_id or str(uuid.UUID(int=next(self._ids)))
        self.users[object_id] = {
            "id": object_id,
            "mail": email,
            "userPrincipalName": upn or email,
            "displayName": email.split("@", 1)[0],
        }
        return object_id

    def add_team(self, team_id: str, members: list[str], *, channel_id: str) -> None:
        """A team (members by object id) with Tandem installed, and one of its channels."""
        self.teams[team_id] = list(members)
        self.channels[channel_id] = team_id

    def fail_next(
        self, name: str, *, status: int, code: str = "", retry_after: float | None = None
    ) -> None:
        self._faults.setdefault(name, []).append(Fault(status, code, retry_after))

    def calls_to(self, name: str) -> list[Call]:
        return [c for c in self.calls if c.name == name]

    def activity(self, conversation_id: str, activity_id: str) -> Posted | None:
        return next(
            (
                p
                for p in self.posted
                if p.conversation_id == conversation_id and p.activity_id == activity_id
            ),
            None,
        )

    def activity_token(
        self,
        *,
        service_url: str | None = None,
        audience: str | None = None,
        issuer: str = BOT_FRAMEWORK_ISSUER,
        expires_in: int = 3600,
        key: rsa.RSAPrivateKey | None = None,
        kid: str | None = None,
        now: float | None = None,
    ) -> str:
        """A token as the Bot Framework signs it for a request to the bot."""
        now = time.time() if now is None else now
        claims = {
            "iss": issuer,
            "aud": self.app_id if audience is None else audience,
            "serviceurl": self.service_url if service_url is None else service_url,
            "nbf": int(now) - 5,
            "iat": int(now) - 5,
            "exp": int(now) + expires_in,
        }
        return jwt.encode(
            claims, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid}
        )

    # --- the protocol ---------------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: dict[str, str], body: Any, auth: str
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        name, handler, args = self._route(method, path)
        with self._lock:
            self.calls.append(Call(name, method, path, body, time.time()))
            faults = self._faults.get(name) or []
            fault = faults.pop(0) if faults else None
        if fault is not None:
            headers = {"Retry-After": str(int(fault.retry_after))} if fault.retry_after else {}
            error = {
                "error": {"code": fault.code or f"status{fault.status}", "message": "stand-in"}
            }
            return fault.status, error, headers
        if handler is None:
            return 404, {"error": {"code": "NotFound", "message": path}}, {}
        if name not in ("openid", "keys", "token"):
            audience = (
                "https://api.botframework.com"
                if name.startswith("connector")
                else ("https://graph.microsoft.com")
            )
            claims = self._token_claims(auth, audience)
            if claims is None:
                return 401, {"error": {"code": "InvalidAuthenticationToken"}}, {}
            needed = NEEDS.get(name)
            if needed and needed not in (claims.get("roles") or []):
                denied = {"code": "Authorization_RequestDenied", "message": f"needs {needed}"}
                return 403, {"error": denied}, {}
        status, answer = handler(query, body, *args)
        return status, answer, {}

    def _route(self, method: str, path: str) -> tuple[str, Any, tuple[str, ...]]:
        for route_method, pattern, name, handler in self._routes():
            found = re.fullmatch(pattern, path)
            if found and method == route_method:
                return name, handler, tuple(unquote(g) for g in found.groups())
        return f"{method} {path}", None, ()

    def _routes(self) -> list[tuple[str, str, str, Any]]:
        g = "/graph/v1.0"
        return [
            ("GET", r"/botframework/v1/\.well-known/openidconfiguration", "openid", self._openid),
            ("GET", r"/botframework/v1/keys", "keys", self._keys),
            ("POST", r"/([^/]+)/oauth2/v2\.0/token", "token", self._token),
            ("GET", g + r"/users", "graph.users_filter", self._users_filter),
            (
                "POST",
                g + r"/users/([^/]+)/teamwork/installedApps",
                "graph.install_user",
                self._install_user,
            ),
            (
                "GET",
                g + r"/users/([^/]+)/teamwork/installedApps",
                "graph.installed_user",
                self._installed_user,
            ),
            (
                "GET",
                g + r"/users/([^/]+)/teamwork/installedApps/([^/]+)/chat",
                "graph.installed_chat",
                self._installed_chat,
            ),
            ("GET", g + r"/users/([^/]+)", "graph.user", self._user),
            ("GET", g + r"/appCatalogs/teamsApps", "graph.catalog", self._catalog),
            (
                "GET",
                g + r"/servicePrincipals\(appId='([^']+)'\)/appRoleAssignments",
                "graph.sp_assignments",
                self._sp_assignments,
            ),
            ("GET", g + r"/servicePrincipals\(appId='([^']+)'\)", "graph.sp", self._sp),
            ("GET", g + r"/chats/([^/]+)/installedApps", "graph.chat_apps", self._chat_apps),
            ("GET", g + r"/teams/([^/]+)/members", "graph.team_members", self._team_members),
            ("POST", g + r"/chats", "graph.create_chat", self._create_chat),
            ("POST", g + r"/chats/([^/]+)/installedApps", "graph.install_chat", self._install_chat),
            (
                "POST",
                r"/connector/v3/conversations/([^/]+)/activities",
                "connector.post",
                self._post,
            ),
            (
                "PUT",
                r"/connector/v3/conversations/([^/]+)/activities/([^/]+)",
                "connector.update",
                self._update,
            ),
        ]

    def _token_claims(self, auth: str, audience: str) -> dict[str, Any] | None:
        scheme, _, token = auth.partition(" ")
        if scheme != "Bearer":
            return None
        try:
            return dict(
                jwt.decode(
                    token, self.token_key.public_key(), algorithms=["RS256"], audience=audience
                )
            )
        except jwt.PyJWTError:
            return None

    def _client_ok(self, form: dict[str, Any]) -> bool:
        """The client's secret, or its assertion signed with the certificate's key."""
        if form.get("client_id") != self.app_id:
            return False
        if "client_assertion" not in form:
            return form.get("client_secret") == self.app_password
        if self.certificate is None or form.get("client_assertion_type") != ASSERTION_TYPE:
            return False
        assertion = str(form["client_assertion"])
        try:
            verified = jwt.decode_complete(
                assertion,
                self.certificate.public_key(),  # type: ignore[arg-type]
                algorithms=["RS256"],
                audience=self.token_url,
                issuer=self.app_id,
                options={"require": ["exp", "nbf", "jti", "sub"]},
            )
        except jwt.PyJWTError:
            return False
        header, claims = verified["header"], verified["payload"]
        thumbprints = {
            thumbprint(self.certificate, hashes.SHA1()),  # noqa: S303 - Entra's x5t
            thumbprint(self.certificate, hashes.SHA256()),
        }
        named = {header.get("x5t"), header.get("x5t#S256")} - {None}
        return (
            bool(named)
            and named <= thumbprints
            and claims["sub"] == self.app_id
            and claims["exp"] - time.time() <= ASSERTION_MAX_SECONDS
        )

    def _openid(self, query: dict, body: Any) -> tuple[int, dict]:
        return 200, {
            "issuer": BOT_FRAMEWORK_ISSUER,
            "jwks_uri": f"{self.base_url}/botframework/v1/keys",
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def _keys(self, query: dict, body: Any) -> tuple[int, dict]:
        return 200, {"keys": [public_jwk(self.key, self.kid, self.endorsements)]}

    def _token(self, query: dict, body: Any, tenant: str) -> tuple[int, dict]:
        form = body if isinstance(body, dict) else {}
        if tenant != self.tenant_id:
            return 400, {"error": "invalid_request", "error_description": "AADSTS90002"}
        if not self._client_ok(form):
            return 401, {"error": "invalid_client", "error_description": "AADSTS7000215"}
        scope = str(form.get("scope") or "")
        audience = scope.removesuffix("/.default").rstrip("/")
        now = int(time.time())
        claims: dict[str, Any] = {
            "aud": audience,
            "iss": f"https://sts.windows.net/{self.tenant_id}/",
            "appid": self.app_id,
            "tid": self.tenant_id,
            "iat": now,
            "exp": now + 3600,
        }
        if audience != "https://api.botframework.com":  # Graph, under whatever address
            claims["aud"] = "https://graph.microsoft.com"
            claims["roles"] = list(self.roles)
        token = jwt.encode(claims, self.token_key, algorithm="RS256", headers={"kid": "entra"})
        return 200, {"token_type": "Bearer", "expires_in": 3599, "access_token": token}

    def _find_user(self, key: str) -> dict[str, str] | None:
        key = key.lower()
        return next(
            (u for u in self.users.values() if key in (u["id"], u["userPrincipalName"].lower())),
            None,
        )

    def _user(self, query: dict, body: Any, key: str) -> tuple[int, dict]:
        user = self._find_user(key)
        if user is None:
            return 404, {"error": {"code": "Request_ResourceNotFound", "message": "no user"}}
        return 200, dict(user)

    def _users_filter(self, query: dict, body: Any) -> tuple[int, dict]:
        if "$filter" not in query:  # a page of users
            top = int(query.get("$top") or 100)
            return 200, {"value": [{"id": u["id"]} for u in list(self.users.values())[:top]]}
        found = re.fullmatch(r"mail eq '(.*)'", query.get("$filter", ""))
        if not found:
            return 400, {"error": {"code": "BadRequest"}}
        mail = found.group(1).replace("''", "'").lower()
        return 200, {"value": [u for u in self.users.values() if u["mail"].lower() == mail]}

    def _catalog(self, query: dict, body: Any) -> tuple[int, dict]:
        wanted = f"externalId eq '{self.app_id}'"
        if query.get("$filter") != wanted or not self.uploaded:
            return 200, {"value": []}
        return 200, {"value": [{"id": self.catalog_id, "externalId": self.app_id}]}

    def _sp_assignments(self, query: dict, body: Any, app_id: str) -> tuple[int, dict]:
        if app_id != self.app_id:
            return 404, {"error": {"code": "Request_ResourceNotFound"}}
        graph_sp = role_id("graph-service-principal")
        return 200, {
            "value": [
                {"appRoleId": role_id(r), "resourceId": graph_sp, "principalId": self.app_id}
                for r in self.roles
            ]
        }

    def _sp(self, query: dict, body: Any, app_id: str) -> tuple[int, dict]:
        if app_id != GRAPH_APP_ID:
            return 404, {"error": {"code": "Request_ResourceNotFound"}}
        known = [*GRAPH_PERMISSIONS, CHECK_PERMISSION, "TeamMember.Read.All", "Mail.Send"]
        return 200, {
            "id": role_id("graph-service-principal"),
            "appRoles": [{"id": role_id(r), "value": r} for r in known],
        }

    def _chat_apps(self, query: dict, body: Any, chat_id: str) -> tuple[int, dict]:
        if chat_id not in self.chats:
            return 404, {"error": {"code": "NotFound"}}
        apps = self.chat_apps.get(chat_id, set())
        return 200, {"value": [{"id": f"inst-{a}", "teamsApp": {"id": a}} for a in apps]}

    def _team_members(self, query: dict, body: Any, team_id: str) -> tuple[int, dict]:
        if team_id not in self.teams:
            return 404, {"error": {"code": "NotFound", "message": "no team"}}
        return 200, {
            "value": [
                {
                    "@odata.type": "#microsoft.graph.aadUserConversationMember",
                    "id": f"member-{object_id}",
                    "userId": object_id,
                    "email": self.users[object_id]["mail"],
                    "displayName": self.users[object_id]["displayName"],
                }
                for object_id in self.teams[team_id]
            ]
        }

    def _bound_app(self, body: Any) -> str:
        bind = str((body or {}).get("teamsApp@odata.bind") or "")
        return bind.rsplit("/", 1)[-1]

    def _install_user(self, query: dict, body: Any, user_id: str) -> tuple[int, dict]:
        if user_id not in self.users:
            return 404, {"error": {"code": "NotFound"}}
        if user_id in self.blocked:
            return 403, {"error": {"code": "Forbidden", "message": "blocked by policy"}}
        if self._bound_app(body) != self.catalog_id:
            return 400, {"error": {"code": "BadRequest", "message": "unknown app"}}
        if user_id in self.installed:
            return 409, {"error": {"code": "Conflict"}}
        self.installed[user_id] = f"inst-{user_id}"
        self.personal_chats[user_id] = f"19:{user_id}_bot@unq.gbl.spaces"
        return 201, {}

    def _installed_user(self, query: dict, body: Any, user_id: str) -> tuple[int, dict]:
        if user_id not in self.installed:
            return 200, {"value": []}
        return 200, {
            "value": [{"id": self.installed[user_id], "teamsApp": {"id": self.catalog_id}}]
        }

    def _installed_chat(self, query: dict, body: Any, user_id: str, inst: str) -> tuple[int, dict]:
        if self.installed.get(user_id) != inst:
            return 404, {"error": {"code": "NotFound"}}
        return 200, {"id": self.personal_chats[user_id]}

    def _create_chat(self, query: dict, body: Any) -> tuple[int, dict]:
        members = (body or {}).get("members") or []
        ids = []
        for member in members:
            found = re.search(r"users\('([^']+)'\)", str(member.get("user@odata.bind") or ""))
            if not found or found.group(1) not in self.users:
                return 400, {"error": {"code": "BadRequest", "message": "unknown member"}}
            ids.append(found.group(1))
        chat_id = f"19:{uuid.uuid4().hex}@thread.v2"
        self.chats[chat_id] = {
            "id": chat_id,
            "chatType": body.get("chatType"),
            "members": ids,
            "topic": body.get("topic"),
        }
        return 201, self.chats[chat_id]

    def _install_chat(self, query: dict, body: Any, chat_id: str) -> tuple[int, dict]:
        if chat_id not in self.chats:
            return 404, {"error": {"code": "NotFound"}}
        apps = self.chat_apps.setdefault(chat_id, set())
        if self._bound_app(body) in apps:
            return 409, {"error": {"code": "Conflict"}}
        apps.add(self._bound_app(body))
        return 201, {}

    def _post(self, query: dict, body: Any, conversation_id: str) -> tuple[int, dict]:
        allowed = (
            conversation_id in self.personal_chats.values()
            or conversation_id in self.channels
            or self.catalog_id in self.chat_apps.get(conversation_id, set())
        )
        if not allowed:
            return 403, {"error": {"code": "BotNotInConversationRoster", "message": "not in chat"}}
        activity_id = f"1:{uuid.uuid4().hex[:12]}"
        with self._lock:
            self.posted.append(Posted(conversation_id, activity_id, dict(body or {})))
        return 201, {"id": activity_id}

    def _update(
        self, query: dict, body: Any, conversation_id: str, activity_id: str
    ) -> tuple[int, dict]:
        posted = self.activity(conversation_id, activity_id)
        if posted is None:
            return 404, {"error": {"code": "ActivityNotFound"}}
        posted.updates.append(dict(body or {}))
        return 200, {"id": activity_id}


class _Handler(BaseHTTPRequestHandler):
    owner: MicrosoftStandIn

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8") if length else ""
        body: Any
        if "application/x-www-form-urlencoded" in (self.headers.get("Content-Type") or ""):
            body = {k: v[0] for k, v in parse_qs(raw).items()}
        else:
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        status, answer, headers = self.owner.handle(
            method, parts.path, query, body, self.headers.get("Authorization") or ""
        )
        data = json.dumps(answer).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")
