"""Forms never answer with a server error: every form on every page each role can open gets
hostile values per field type (huge and negative integers, ids that do not exist, 1 MB strings,
control characters and unpaired surrogates, HTML/JS payloads, impossible dates and times, DST
gaps, missing and duplicated fields). Each submission must answer below 500; one that is refused
must say why on the page and write nothing; and no page shows the payload unescaped afterwards.

``FUZZ_EXAMPLES`` (default 1) sets how many hostile values each field gets in the suite, round
robin over its kind's list; ``make fuzz`` tries them all and prints the figures.
"""

from __future__ import annotations

import os
import zlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.fuzz.forms import MARKER, Form, encode, forms_in, hostile_values
from tests.fuzz.tally import Tally
from tests.test_access import PAGES, _client, world  # noqa: F401  (world is a fixture)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1"))
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
#: Written by any request, refused or not: the session, the audit of who looked at what.
ALWAYS_WRITTEN = ("django_session", "audit_auditentry", "accounts_usersession")
RAW = f"<script>{MARKER}"
#: Pages that are not HTML (files, feeds) or end the session.
SKIP = ("accounts:logout", "learning:resource_file")


def _pages(objects, role: str) -> list[str]:
    urls = []
    for name, (method, expected) in sorted(PAGES.items()):
        if method != "get" or expected[role] != 200 or name in SKIP:
            continue
        urls.append(reverse(name, kwargs=objects["kwargs"].get(name)))
    return urls


def _variants(form: Form, seed: int) -> list[tuple[str, list[tuple[str, str]]]]:
    """Submissions for one form: each field with hostile values (the rest as a browser sends
    them), every field missing, every field twice."""
    base = form.defaults()
    out: list[tuple[str, list[tuple[str, str]]]] = [
        ("missing", [(k, v) for k, v in base if k == "csrfmiddlewaretoken"]),
        ("duplicated", base + [(k, "1") for k, _ in base if k != "csrfmiddlewaretoken"]),
    ]
    for index, field in enumerate(form.fields):
        if field.name == "csrfmiddlewaretoken" or field.kind in ("submit", "button", "file"):
            continue
        values = hostile_values(field)
        start = (seed + index) % len(values)
        chosen = [values[(start + i) % len(values)] for i in range(min(EXAMPLES, len(values)))]
        for value in chosen:
            pairs = [(k, v) for k, v in base if k != field.name] + [(field.name, value)]
            out.append((f"{field.name}={field.kind}", pairs))
    return out


def _writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"][:200]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(WRITES)
        and not any(f'"{table}"' in q["sql"] for table in ALWAYS_WRITTEN)
    ]


def _submit(client, role, url, action, label, pairs, tally, problems) -> None:
    """Post one variant; count and describe what went wrong."""
    tally.cases += 1
    tally.operations.add(action)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            action, encode(pairs), content_type="application/x-www-form-urlencoded"
        )
    where = f"{role} POST {action} [{label}] from {url}"
    if response.status_code >= 500:
        tally.failures["server error"] += 1
        problems.append(f"{where}: {response.status_code}")
        return
    body = response.content.decode(errors="replace")
    if RAW in body:
        tally.failures["unescaped payload"] += 1
        problems.append(f"{where}: payload rendered unescaped")
    refused = response.status_code in (200, 400, 422) and (
        "errorlist" in body or "alert-error" in body
    )
    if refused and _writes(queries):
        tally.failures["refused but written"] += 1
        problems.append(f"{where}: refused yet wrote {_writes(queries)[:2]}")


@pytest.mark.slow
@pytest.mark.parametrize("role", ["participant", "coordinator", "admin"])
def test_every_form_survives_hostile_input(world, role):  # noqa: F811
    client = _client(world, role)
    client.raise_request_exception = False  # a server error is a finding, counted and listed
    tally = Tally(role=role, phase="forms")
    problems: list[str] = []
    pages = _pages(world, role)
    for url in pages:
        page = client.get(url)
        if "text/html" not in page.get("Content-Type", ""):
            continue
        for form in forms_in(page.content.decode()):
            action = form.action or url
            if action == reverse("accounts:logout"):
                continue  # signing out would end the walk
            seed = zlib.crc32(f"{url}{action}".encode())
            for label, pairs in _variants(form, seed):
                _submit(client, role, url, action, label, pairs, tally, problems)
    for url in pages:  # afterwards: nothing stored shows up raw on any page
        body = client.get(url).content.decode(errors="replace")
        if RAW in body:
            tally.failures["unescaped payload"] += 1
            problems.append(f"{role} GET {url}: a stored payload is rendered unescaped")
    tally.report()
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
