"""Data rights across apps: each app exports and erases what it holds about one person.

Every app that stores personal data keeps a ``data_rights.py`` module that registers its
contributor with :func:`register`; they are discovered like ``jobs.py`` (``autodiscover_modules``),
so a new app adds its own data without touching the export or erasure services. An app knows its
own tables; this module knows only the person (:class:`Subject`) and the order of the steps.

* ``export(subject)`` returns JSON-ready sections ``{key: Section}``.
* ``erase(subject)`` removes or anonymises the app's rows about the person and returns counts
  (``{"what": n}``) for the erasure report. It runs inside the erasure's transaction, after the
  person has left (their relationships ended through the normal end path), in ascending ``order``.

:func:`scrub_mentions` is the last safety net of an erasure: it replaces the person's full name
and email address wherever they still appear in any text column of any table (an explanation that
names them, an audit label, a partner's log that mentions them by name) with the pseudonym.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models.functions import Cast
from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Subject:
    """The person a request is about. ``person_id`` is None for an account without a profile."""

    user_id: int
    person_id: int | None
    name: str
    email: str
    pseudonym: str = ""


@dataclass
class Section:
    """One part of an export: a title, one sentence on what it is, and JSON-ready records."""

    title: str
    description: str
    items: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"title": self.title, "description": self.description, "items": self.items}


@dataclass(frozen=True)
class Control:
    """Something a person may take back themselves, shown on their data page: a POST button."""

    title: str
    detail: str
    url: str
    button: str


Exporter = Callable[[Subject], dict[str, Section]]
Eraser = Callable[[Subject], dict[str, int]]
Controls = Callable[[Subject], list[Control]]


@dataclass(frozen=True)
class Contributor:
    app: str
    export: Exporter | None
    erase: Eraser | None
    order: int
    controls: Controls | None = None


_REGISTRY: dict[str, Contributor] = {}
_discovered = False


def register(
    app: str,
    *,
    export: Exporter | None = None,
    erase: Eraser | None = None,
    order: int = 50,
    controls: Controls | None = None,
) -> None:
    """Register (or replace) an app's contributor. Lower ``order`` erases first."""
    _REGISTRY[app] = Contributor(app, export, erase, order, controls)


def controls_for(subject: Subject) -> list[Control]:
    return [c for k in contributors() if k.controls for c in k.controls(subject)]


def contributors() -> list[Contributor]:
    global _discovered
    if not _discovered:
        autodiscover_modules("data_rights")
        _discovered = True
    return sorted(_REGISTRY.values(), key=lambda c: (c.order, c.app))


def collect(subject: Subject) -> dict[str, dict[str, Any]]:
    """Every registered app's sections for ``subject``, keyed ``app.section``."""
    sections: dict[str, dict[str, Any]] = {}
    for contributor in contributors():
        if contributor.export is None:
            continue
        for key, section in contributor.export(subject).items():
            sections[f"{contributor.app}.{key}"] = section.as_json()
    return sections


def erase_all(subject: Subject) -> dict[str, int]:
    """Run every registered eraser; counts keyed ``app.what`` (zeros left out)."""
    counts: dict[str, int] = {}
    for contributor in contributors():
        if contributor.erase is None:
            continue
        for key, n in contributor.erase(subject).items():
            if n:
                counts[f"{contributor.app}.{key}"] = n
    return counts


# --- the safety net ----------------------------------------------------------------------------

TEXT_FIELDS = (models.CharField, models.TextField, models.EmailField)
MIN_NAME_LENGTH = 5  # a shorter full name ("Al") would match inside ordinary words


def text_columns() -> Iterator[tuple[type[models.Model], models.Field[Any, Any]]]:
    """Every concrete char/text/email/JSON column of every installed model."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, (*TEXT_FIELDS, models.JSONField)) and not f.primary_key:
                yield model, f


def mention_patterns(subject: Subject) -> list[str]:
    needles = [subject.email] if subject.email else []
    if len(subject.name.strip()) >= MIN_NAME_LENGTH:
        needles.append(subject.name.strip())
    return needles


def rows_mentioning(
    model: type[models.Model], column: models.Field[Any, Any], needle: str
) -> models.QuerySet[Any]:
    manager = model._base_manager
    if isinstance(column, models.JSONField):
        # JSON text may hold the needle escaped (ensure_ascii): look for both spellings.
        escaped = json.dumps(needle)[1:-1]
        as_text = manager.annotate(_as_text=Cast(column.name, models.TextField()))
        return as_text.filter(
            models.Q(_as_text__icontains=needle) | models.Q(_as_text__icontains=escaped)
        )
    return manager.filter(**{f"{column.name}__icontains": needle})


def _replace(value: Any, pattern: re.Pattern[str], replacement: str) -> Any:
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, list):
        return [_replace(v, pattern, replacement) for v in value]
    if isinstance(value, dict):
        return {
            _replace(k, pattern, replacement): _replace(v, pattern, replacement)
            for k, v in value.items()
        }
    return value


def scrub_mentions(subject: Subject, *, skip: set[str] | None = None) -> int:
    """Replace the subject's name and email with the pseudonym in every text column.

    Returns how many rows changed. ``skip`` holds ``app_label.model`` labels left alone.
    """
    if not subject.pseudonym:
        raise ValueError("A pseudonym is needed to scrub mentions.")
    changed = 0
    skip = skip or set()
    for needle in mention_patterns(subject):
        pattern = re.compile(re.escape(needle), re.IGNORECASE)
        for model, column in text_columns():
            if model._meta.label_lower in skip:
                continue
            for row in rows_mentioning(model, column, needle).only("pk", column.attname):
                old = getattr(row, column.attname)
                new = _replace(old, pattern, subject.pseudonym)
                if isinstance(column, models.EmailField) or column.unique:
                    new = _unique_placeholder(subject, row.pk, column)
                if new != old:
                    model._base_manager.filter(pk=row.pk).update(**{column.attname: new})
                    changed += 1
    return changed


def _unique_placeholder(subject: Subject, pk: Any, column: models.Field[Any, Any]) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", subject.pseudonym.lower()).strip("-")
    value = f"{slug}-{pk}@erased.invalid"
    max_length = getattr(column, "max_length", None)
    return value[:max_length] if max_length else value


# --- retention ---------------------------------------------------------------------------------

Retainer = Callable[[datetime, int], dict[str, int]]


@dataclass(frozen=True)
class RetentionCategory:
    """One kind of data kept for a set number of days. ``apply(now, days)`` removes what is past
    it and returns counts per table; ``default_days`` None means kept until removed by hand."""

    key: str
    label: str
    description: str
    default_days: int | None
    apply: Retainer
    order: int = 50


_RETENTION: dict[str, RetentionCategory] = {}


def register_retention(category: RetentionCategory) -> None:
    _RETENTION[category.key] = category


def retention_categories() -> list[RetentionCategory]:
    contributors()  # discovers every app's data_rights module
    return sorted(_RETENTION.values(), key=lambda c: (c.order, c.key))
