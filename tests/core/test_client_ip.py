"""The client IP behind proxies is the right-most untrusted ``X-Forwarded-For`` entry, so a
client cannot choose its address for the sign-in throttle or the audit log (issue 18)."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from tandem.accounts.models import LoginThrottle, Role
from tandem.audit.models import AuditEntry
from tandem.core.requests import client_ip
from tests.factories import ProgramFactory, UserFactory

PROXY = "10.0.0.2"


def _ip(settings, count, forwarded=None, header=""):
    settings.TANDEM_TRUSTED_PROXY_COUNT = count
    settings.TANDEM_CLIENT_IP_HEADER = header
    extra = {"REMOTE_ADDR": PROXY}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    if header:
        extra["HTTP_X_REAL_IP"] = "198.51.100.4"
    return client_ip(RequestFactory().get("/", **extra))


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "1.2.3.4", PROXY),  # no proxy trusted: the header is the client's own words
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the client's prefix is ignored
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.1", "203.0.113.7"),
        (2, "203.0.113.7", PROXY),  # shorter than the chain of proxies: not through them
        (1, "not-an-ip", PROXY),
        (1, "", PROXY),
        (1, "[2001:db8::1]:443", "2001:db8::1"),
        (1, "203.0.113.7:5555", "203.0.113.7"),
    ],
)
def test_the_client_is_counted_from_the_right(settings, count, forwarded, expected):
    assert _ip(settings, count, forwarded) == expected


def test_a_proxy_header_is_believed_only_behind_trusted_proxies(settings):
    assert _ip(settings, 1, "6.6.6.6", header="X-Real-IP") == "198.51.100.4"
    assert _ip(settings, 0, "6.6.6.6", header="X-Real-IP") == PROXY


def _sign_in(client, email, password, forwarded):
    return client.post(
        "/accounts/login/",
        {"email": email, "password": password},
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_sprayed_sign_ins_with_rotating_headers_are_throttled(db, settings):
    """60 guesses from one client behind one proxy, a new forged first entry each time: the
    client's real address (appended by the proxy) is what is counted, so the per-IP limit holds."""
    settings.TANDEM_TRUSTED_PROXY_COUNT = 1
    settings.TANDEM_LOGIN_FAILURES_PER_IP = 20
    users = [UserFactory() for _ in range(60)]
    client = Client(REMOTE_ADDR=PROXY)
    refused = 0
    for index, user in enumerate(users):
        forged = f"198.18.{index // 250}.{index % 250 + 1}"
        response = _sign_in(client, user.email, "wrong guess", f"{forged}, 203.0.113.50")
        refused += "Too many sign-in attempts" in response.content.decode()
    assert refused == 40
    assert LoginThrottle.objects.filter(key="ip:203.0.113.50").get().attempts >= 20
    assert not LoginThrottle.objects.filter(key__startswith="ip:198.18.").exists()


def test_the_audit_log_records_the_real_client(db, settings):
    """A coordinator's read of a program report is audited with where it came from: the
    address the proxy saw, not the one the client wrote into the header."""
    settings.TANDEM_TRUSTED_PROXY_COUNT = 1
    coordinator = UserFactory(role=Role.COORDINATOR)
    program = ProgramFactory(coordinators=[coordinator], status="active")
    client = Client(REMOTE_ADDR=PROXY)
    client.force_login(coordinator)
    response = client.get(
        reverse("insights:report", args=[program.pk]),
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.50",
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="insights.report_viewed")
    assert entry.ip == "203.0.113.50"
