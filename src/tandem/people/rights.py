"""Data rights of one person: the self-service export (a ZIP of JSON and HTML) and erasure.

Each app contributes its own data through ``tandem.core.personal_data`` (its ``data_rights.py``);
this module builds the archive and runs an erasure in one transaction: the person leaves through
the normal leaver path (``mark_left``: relationships end, partners are offered a new match), every
app erases its rows, and a final pass replaces any remaining mention of the name or email with a
pseudonym.
"""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from tandem.accounts.models import User
from tandem.accounts.throttle import consume
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, NotFound
from tandem.core.personal_data import Subject, collect, erase_all, scrub_mentions
from tandem.people.models import ErasureRequest, ErasureStatus, Person, PersonStatus
from tandem.people.services import mark_left

FORMAT = "tandem-personal-data/1"
PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def subject_for(user: User, *, pseudonym: str = "") -> Subject:
    person = Person.objects.filter(user=user).only("pk").first()
    return Subject(
        user_id=user.pk,
        person_id=person.pk if person else None,
        name=user.name,
        email=user.email,
        pseudonym=pseudonym,
    )


# --- export ------------------------------------------------------------------------------------


def export_document(user: User, *, now: datetime | None = None) -> dict[str, Any]:
    """Everything Tandem holds about ``user``, JSON-ready, one section per app and table."""
    now = now or timezone.now()
    return {
        "format": FORMAT,
        "generated_at": now,
        "person": {"name": user.name, "email": user.email},
        "not_included": [
            "Answers to anonymous surveys: they are stored without any link to you.",
            "Your password (only a salted hash is kept) and the secrets of your tokens and "
            "calendar feeds (only hashes are kept).",
        ],
        "sections": collect(subject_for(user)),
    }


def _html_value(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return '<span class="none">—</span>'
    if isinstance(value, dict):
        rows = "".join(
            f"<tr><th>{escape(str(k).replace('_', ' '))}</th><td>{_html_value(v)}</td></tr>"
            for k, v in value.items()
        )
        return f"<table>{rows}</table>"
    if isinstance(value, list):
        return "<ul>" + "".join(f"<li>{_html_value(v)}</li>" for v in value) + "</ul>"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return escape(value.strftime("%Y-%m-%d %H:%M %Z").strip())
    if isinstance(value, date):
        return escape(value.isoformat())
    return escape(str(value)).replace("\n", "<br>")


STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
    "color:#1d2330}table{border-collapse:collapse;margin:.25rem 0;width:100%}"
    "th,td{border:1px solid #d5d9e0;padding:.3rem .5rem;text-align:left;vertical-align:top}"
    "th{background:#f3f5f8;width:14rem;font-weight:600}.none{color:#8a93a3}"
    "section{margin:2rem 0}.record{margin:1rem 0}"
)


def render_html(document: dict[str, Any]) -> str:
    """A self-contained page (no scripts, no links out) of the same data as ``data.json``."""
    person = document["person"]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Your data in Tandem — {escape(person['name'])}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>Your data in Tandem</h1><p>{escape(person['name'])} &lt;{escape(person['email'])}"
        f"&gt; · generated {_html_value(document['generated_at'])}</p>",
        "<p>The same data is in <code>data.json</code> in this archive, for other programs.</p>",
        "<h2>Not included</h2><ul>",
        *(f"<li>{escape(line)}</li>" for line in document["not_included"]),
        "</ul><nav><h2>Contents</h2><ul>",
    ]
    sections = document["sections"]
    parts += [
        f"<li><a href='#{escape(key)}'>{escape(s['title'])}</a> ({len(s['items'])})</li>"
        for key, s in sections.items()
    ]
    parts.append("</ul></nav>")
    for key, s in sections.items():
        parts.append(
            f"<section id='{escape(key)}'><h2>{escape(s['title'])}</h2>"
            f"<p>{escape(s['description'])}</p>"
        )
        if not s["items"]:
            parts.append('<p class="none">Nothing held.</p>')
        for item in s["items"]:
            parts.append(f"<div class='record'>{_html_value(item)}</div>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "".join(parts)


README = """Your data in Tandem

index.html  the data as a page to read in any browser
data.json   the same data, machine-readable ({format}); dates are ISO 8601 in UTC
"""


def export_archive(
    *, user: User, actor: User | None, request: Any = None, now: datetime | None = None
) -> tuple[str, bytes]:
    """The ZIP for ``user`` and its file name; audited. ``actor`` is the person or an admin
    (the CLI for a leaver, who cannot sign in)."""
    document = export_document(user, now=now)
    data = json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", data)
        archive.writestr("index.html", render_html(document))
        archive.writestr("README.txt", README.format(format=FORMAT))
    stamp = document["generated_at"].strftime("%Y%m%d-%H%M")
    log_action(
        "people.data_exported",
        actor=actor,
        target=user,
        request=request,
        data={
            "sections": len(document["sections"]),
            "records": sum(len(s["items"]) for s in document["sections"].values()),
            "by_self": actor is not None and actor.pk == user.pk,
        },
    )
    return f"tandem-my-data-{stamp}.zip", buffer.getvalue()


def may_export_now(user: User) -> bool:
    """The self-service export builds the whole archive: a few an hour per person is plenty."""
    return consume(
        f"export:{user.pk}", limit=settings.TANDEM_EXPORTS_PER_HOUR, window=timedelta(hours=1)
    )


# --- erasure -----------------------------------------------------------------------------------


def new_pseudonym() -> str:
    code = "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(6))
    return f"Former participant {code}"


def open_request(person: Person) -> ErasureRequest | None:
    return ErasureRequest.objects.filter(person=person, status=ErasureStatus.REQUESTED).first()


@transaction.atomic
def erasure_request(
    *, person: Person, actor: User | None, request: Any = None, now: datetime | None = None
) -> ErasureRequest:
    """Ask for ``person``'s data to be erased. Carried out by an admin, or by itself after the
    grace period (``TANDEM_ERASURE_GRACE_DAYS``)."""
    now = now or timezone.now()
    existing = open_request(person)
    if existing is not None:
        return existing
    if ErasureRequest.objects.filter(person=person, status=ErasureStatus.DONE).exists():
        raise ApplicationError("This person's data has already been erased.")
    by_self = actor is not None and actor.pk == person.user_id
    if actor is not None and not by_self and not actor.is_admin:
        raise NotFound()
    erasure = ErasureRequest.objects.create(
        person=person,
        requested_at=now,
        requested_by_self=by_self,
        due_at=now + timedelta(days=settings.TANDEM_ERASURE_GRACE_DAYS),
    )
    log_action(
        "people.erasure_requested",
        actor=actor,
        target=person,
        request=request,
        data={"erasure": erasure.pk, "by_self": by_self},
    )
    return erasure


@transaction.atomic
def erasure_cancel(*, erasure: ErasureRequest, actor: User, request: Any = None) -> None:
    if erasure.status != ErasureStatus.REQUESTED:
        raise ApplicationError("Only an open request can be cancelled.")
    if actor.pk != erasure.person.user_id and not actor.is_admin:
        raise NotFound()
    ErasureRequest.objects.filter(pk=erasure.pk).update(status=ErasureStatus.CANCELLED)
    log_action(
        "people.erasure_cancelled",
        actor=actor,
        target=erasure.person,
        request=request,
        data={"erasure": erasure.pk},
    )


@transaction.atomic
def erasure_carry_out(
    *, erasure_id: int, actor: User | None, request: Any = None
) -> ErasureRequest:
    """Erase the person of an open request, in one transaction (see the module docstring)."""
    erasure = (
        ErasureRequest.objects.select_for_update()
        .select_related("person__user")
        .filter(pk=erasure_id)
        .first()
    )
    if erasure is None:
        raise NotFound()
    if erasure.status != ErasureStatus.REQUESTED:
        raise ApplicationError("This request is not open any more.")
    person = erasure.person
    user = person.user
    pseudonym = new_pseudonym()
    subject = subject_for(user, pseudonym=pseudonym)
    if person.status != PersonStatus.LEFT:
        mark_left(person_ids=[person.pk], actor=actor, reason="erasure")
    counts = erase_all(subject)
    counts["mentions_replaced"] = scrub_mentions(subject)
    erasure.status = ErasureStatus.DONE
    erasure.done_at = timezone.now()
    erasure.pseudonym = pseudonym
    erasure.report = counts
    erasure.save(update_fields=["status", "done_at", "pseudonym", "report"])
    person.refresh_from_db()
    log_action(
        "people.erased",
        actor=actor,
        target=person,
        request=request,
        data={"erasure": erasure.pk, "pseudonym": pseudonym, "removed": counts},
    )
    return erasure


def erase_leavers(now: datetime, days: int) -> dict[str, int]:
    """Retention of leavers: ``days`` after leaving, a person is erased (no grace period: they
    left long ago and cannot sign in to object)."""
    cutoff = (now - timedelta(days=days)).date()
    leavers = (
        Person.objects.filter(status=PersonStatus.LEFT, left_on__lte=cutoff)
        .exclude(erasure_requests__status=ErasureStatus.DONE)
        .values_list("pk", flat=True)
    )
    erased = 0
    for pk in list(leavers):
        with transaction.atomic():
            erasure = erasure_request(person=Person.objects.get(pk=pk), actor=None, now=now)
            erasure_carry_out(erasure_id=erasure.pk, actor=None)
        erased += 1
    return {"people_erased": erased}


def carry_out_due(now: datetime) -> int:
    """The grace period is over: carry out each due request (one transaction each)."""
    due = ErasureRequest.objects.filter(status=ErasureStatus.REQUESTED, due_at__lte=now)
    done = 0
    for pk in list(due.values_list("pk", flat=True)):
        try:
            erasure_carry_out(erasure_id=pk, actor=None)
        except ApplicationError:  # an admin carried it out or cancelled it meanwhile
            continue
        done += 1
    return done
