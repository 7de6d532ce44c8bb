"""A local stand-in for Slack's Web API — a development and test tool, not part of production.

It speaks the real wire protocol (``POST /api/<method>`` with form or JSON bodies, a bearer token,
``{"ok": false, "error": …}`` answers, ``429`` with ``Retry-After``, the ``x-oauth-scopes``
header) for the methods Tandem calls: ``auth.test``, ``users.lookupByEmail``,
``conversations.open``, ``conversations.members``, ``chat.postMessage``, ``chat.update``; it
also accepts ``response_url`` posts at ``/response/<id>``. Every call is recorded. Tests point
``SLACK_API_URL`` at it; ``tandem demo`` starts one so the demo shows Slack delivering.

    standin = SlackStandIn(token="xoxb-test").start()
    standin.add_member("ana@example.com")          # → "U0001"
    standin.fail_next("chat.postMessage", status=429, retry_after=7)
    ...
    standin.calls_to("chat.postMessage")
    standin.stop()
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

DEFAULT_SCOPES = (
    "chat:write,im:write,mpim:write,users:read,users:read.email,channels:read,groups:read,commands"
)


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float


@dataclass
class Fault:
    status: int = 200
    error: str = ""
    retry_after: float | None = None


@dataclass
class PostedMessage:
    channel: str
    ts: str
    text: str
    blocks: list[Any]
    updates: list[dict[str, Any]] = field(default_factory=list)


class SlackStandIn:
    """The stand-in's state and its HTTP server (one thread per request)."""

    def __init__(
        self,
        *,
        token: str = "xoxb-standin",  # noqa: S107 - the stand-in's own test token
        scopes: str = DEFAULT_SCOPES,
        team: str = "Tandem",
    ) -> None:
        self.token = token
        self.scopes = scopes
        self.team = team
        self.members: dict[str, str] = {}  # email (lower case) → user id
        self.channels: dict[str, list[str]] = {}  # channel id → member ids
        self.messages: list[PostedMessage] = []
        self.responses: list[tuple[str, dict[str, Any]]] = []  # (response id, JSON body)
        self.calls: list[Call] = []
        self.page_size = 200
        self._faults: dict[str, list[Fault]] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._ts = 0

    # --- running ---------------------------------------------------------------------------
    def start(self, port: int = 0) -> SlackStandIn:
        standin = self

        class Handler(_Handler):
            state = standin

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SlackStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the stand-in first"
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}/"

    @property
    def api_url(self) -> str:
        return self.base_url + "api/"

    def response_url(self, name: str) -> str:
        return f"{self.base_url}response/{name}"

    # --- arranging -------------------------------------------------------------------------
    def add_member(self, email: str, user_id: str | None = None) -> str:
        with self._lock:
            user_id = user_id or f"U{len(self.members) + 1:07d}"
            self.members[email.strip().lower()] = user_id
            return user_id

    def set_channel(self, channel_id: str, member_ids: list[str]) -> None:
        with self._lock:
            self.channels[channel_id] = list(member_ids)

    def fail_next(
        self, method: str, *, status: int = 200, error: str = "", retry_after: float | None = None
    ) -> None:
        """The next call of ``method`` fails: HTTP ``status`` (429 → ``ratelimited``) or
        ``{"ok": false, "error": error}``."""
        with self._lock:
            self._faults.setdefault(method, []).append(Fault(status, error, retry_after))

    # --- reading what happened -------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def reset_calls(self) -> None:
        with self._lock:
            self.calls.clear()

    def message(self, channel: str, ts: str) -> PostedMessage | None:
        with self._lock:
            return next((m for m in self.messages if m.channel == channel and m.ts == ts), None)

    # --- the methods ---------------------------------------------------------------------
    def handle(self, method: str, params: dict[str, Any], token: str) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.calls.append(Call(method, params, time.time()))
            faults = self._faults.get(method)
            fault = faults.pop(0) if faults else None
        if fault is not None:
            if fault.status == 429:
                return 429, {"ok": False, "error": "ratelimited", "_retry_after": fault.retry_after}
            if fault.status != 200:
                return fault.status, {"ok": False, "error": fault.error or "internal_error"}
            return 200, {"ok": False, "error": fault.error}
        if token != self.token:
            return 200, {"ok": False, "error": "invalid_auth"}
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return 200, {"ok": False, "error": "unknown_method"}
        with self._lock:
            return 200, {"ok": True, **handler(params)}

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://tandem-standin.slack.invalid/",
            "team": self.team,
            "team_id": "T0STANDIN",
            "user": "tandem",
            "user_id": "UBOT",
            "bot_id": "BSTANDIN",
        }

    def _users_lookupByEmail(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = self.members.get(str(params.get("email", "")).strip().lower())
        if user_id is None:
            raise _SlackFail("users_not_found")
        return {"user": {"id": user_id, "profile": {"email": params.get("email")}}}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = str(params.get("user", ""))
        email = next((e for e, u in self.members.items() if u == user_id), None)
        if email is None:
            raise _SlackFail("user_not_found")
        return {"user": {"id": user_id, "profile": {"email": email}}}

    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        users = [u for u in str(params.get("users", "")).split(",") if u]
        if not users:
            raise _SlackFail("not_enough_users")
        if len(users) > 8:
            raise _SlackFail("too_many_users")
        known = set(self.members.values())
        if any(u not in known for u in users):
            raise _SlackFail("user_not_found")
        key = ",".join(sorted(users))
        prefix = "D" if len(users) == 1 else "G"
        channel_id = prefix + hashlib.sha256(key.encode()).hexdigest()[:10].upper()
        self.channels.setdefault(channel_id, ["UBOT", *sorted(users)])
        return {"channel": {"id": channel_id}}

    def _conversations_members(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        if channel not in self.channels:
            raise _SlackFail("channel_not_found")
        members = self.channels[channel]
        start = int(params.get("cursor") or 0)
        limit = min(int(params.get("limit") or self.page_size), self.page_size)
        page = members[start : start + limit]
        cursor = str(start + limit) if start + limit < len(members) else ""
        return {"members": page, "response_metadata": {"next_cursor": cursor}}

    def _chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        if channel not in self.channels and channel not in self.members.values():
            raise _SlackFail("channel_not_found")
        self._ts += 1
        ts = f"{int(time.time())}.{self._ts:06d}"
        self.messages.append(
            PostedMessage(channel, ts, str(params.get("text", "")), _blocks(params))
        )
        return {"channel": channel, "ts": ts}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        found = next((m for m in self.messages if m.channel == channel and m.ts == ts), None)
        if found is None:
            raise _SlackFail("message_not_found")
        found.updates.append({"text": params.get("text", ""), "blocks": _blocks(params)})
        found.text, found.blocks = str(params.get("text", "")), _blocks(params)
        return {"channel": channel, "ts": ts}

    def record_response(self, name: str, body: dict[str, Any]) -> None:
        with self._lock:
            self.responses.append((name, body))


class _SlackFail(Exception):
    def __init__(self, error: str) -> None:
        self.error = error


def _blocks(params: dict[str, Any]) -> list[Any]:
    blocks = params.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return list(blocks)


class _Handler(BaseHTTPRequestHandler):
    state: SlackStandIn

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests read the recorded calls instead

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8")
        if self.path.startswith("/response/"):
            self.state.record_response(
                self.path.removeprefix("/response/"), json.loads(raw or "{}")
            )
            self._send(200, {"ok": True})
            return
        if not self.path.startswith("/api/"):
            self._send(404, {"ok": False, "error": "not_found"})
            return
        method = self.path.removeprefix("/api/").split("?", 1)[0]
        params = self._params(raw)
        token = str(self.headers.get("Authorization", "")).removeprefix("Bearer ").strip()
        token = token or str(params.pop("token", ""))
        try:
            status, body = self.state.handle(method, params, token)
        except _SlackFail as fail:
            status, body = 200, {"ok": False, "error": fail.error}
        self._send(status, body)

    def _params(self, raw: str) -> dict[str, Any]:
        content_type = self.headers.get("Content-Type", "")
        if "json" in content_type:
            return dict(json.loads(raw or "{}"))
        return {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}

    def _send(self, status: int, body: dict[str, Any]) -> None:
        retry_after = body.pop("_retry_after", None)
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-oauth-scopes", self.state.scopes)
        if status == 429:
            self.send_header("Retry-After", str(int(retry_after or 1)))
        self.end_headers()
        self.wfile.write(data)
