"""JSON logs (``LOG_FORMAT=json``, issue 18): one object per line with the fixed fields, a line
per request, and never a password, token or secret setting."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys

import pytest
from django.test import Client

from tandem.accounts.services import api_token_create
from tandem.core.logs import JsonFormatter, safe_path
from tests.drills import ROOT
from tests.factories import PASSWORD


@pytest.fixture
def json_log():
    """Everything logged during the test, as the JSON lines production would write."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root, requests = logging.getLogger(), logging.getLogger("tandem.request")
    root.addHandler(handler)
    level = requests.level
    requests.setLevel(logging.INFO)
    yield stream
    requests.setLevel(level)
    root.removeHandler(handler)


def _entries(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_record_is_one_json_object_with_the_fixed_fields():
    formatter = JsonFormatter()
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("tandem.x", logging.ERROR, __file__, 1, "a %s", ("b",), None)
        record.exc_info = sys.exc_info()
    record.request_id, record.password = "abc", "hunter2-not-a-field"
    line = formatter.format(record)
    assert "\n" not in line.split('"exception"')[0]
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "tandem.x" and entry["message"] == "a b"
    assert entry["request_id"] == "abc" and "ValueError: boom" in entry["exception"]
    assert entry["time"].endswith("+00:00")
    assert "hunter2" not in line  # only the listed fields are written


def test_long_path_segments_are_masked():
    assert safe_path("/password/reset/MQ/cmxyz1-0123456789abcdef0123/") == "/password/reset/MQ/…/"
    assert safe_path("/programs/12/edit/") == "/programs/12/edit/"


def test_requests_are_logged_without_passwords_tokens_or_secret_settings(
    db, json_log, participant, settings
):
    settings.EMAIL_HOST_PASSWORD = "smtp-Secret-Setting-4711"
    _, token = api_token_create(user=participant, name="logs test")
    reset_token = "cmxyz1-3f0a9b8c7d6e5f4a3b2c1d0e"

    anonymous = Client()
    anonymous.post("/accounts/login/", {"email": participant.email, "password": "Wr0ng-Pass-99"})
    anonymous.post("/accounts/login/", {"email": participant.email, "password": PASSWORD})
    anonymous.get(f"/accounts/password/reset/MQ/{reset_token}/")
    anonymous.get("/?token=query-Secret-1234", HTTP_X_REQUEST_ID="req-42")
    Client(headers={"authorization": f"Bearer {token}"}).get("/api/me")

    text = json_log.getvalue()
    for secret in (
        "Wr0ng-Pass-99",
        PASSWORD,
        token,
        reset_token,
        "query-Secret",
        settings.SECRET_KEY,
        settings.EMAIL_HOST_PASSWORD,
    ):
        assert secret not in text
    requests = [
        e
        for e in _entries(json_log)
        if e["logger"] == "tandem.request" and e["path"] != "/api/openapi.json"  # the checker
    ]
    assert len(requests) == 5
    api = requests[-1]
    assert api["method"] == "GET" and api["path"] == "/api/me" and api["status"] == 200
    assert api["route"].startswith("/api/") and api["duration_ms"] >= 0
    assert api["user_id"] == participant.pk
    assert requests[-2]["request_id"] == "req-42"  # the proxy's id is kept
    assert requests[2]["route"] == "/accounts/password/reset/<uidb64>/<token>/"
    assert {"time", "level", "logger", "message"} <= set(requests[0])


def test_the_response_carries_the_request_id(db):
    response = Client().get("/health/", HTTP_X_REQUEST_ID="not a valid id\n")
    assert len(response["X-Request-ID"]) == 32  # replaced by one of ours


@pytest.mark.slow
def test_log_format_json_switches_the_console_to_json_lines(tmp_path):
    script = (
        "import django, logging, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'tandem.settings';"
        "django.setup(); logging.getLogger('tandem.core').warning('hello %s', 'there')"
    )
    env = {"LOG_FORMAT": "json", "TANDEM_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    entry = json.loads(done.stderr.strip())
    assert entry["message"] == "hello there" and entry["level"] == "WARNING"
    env["LOG_FORMAT"] = "xml"
    refused = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert refused.returncode != 0 and "LOG_FORMAT='xml'" in refused.stderr
