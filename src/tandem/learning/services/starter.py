"""Load the starter library into an organisation once (idempotent by each item's key)."""

from __future__ import annotations

from django.db import transaction

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import PermissionDeniedError
from tandem.learning.models import Resource, ResourceKind, Training, TrainingKind
from tandem.learning.services.resources import resource_save
from tandem.learning.services.trainings import training_save
from tandem.learning.starter_data import AGREEMENT, ARTICLES, MODULE
from tandem.people.models import Skill


@transaction.atomic
def starter_library_load(*, actor: User) -> int:
    """Add the starter articles, module and agreement that are not there yet; returns how
    many were added. Skills the directory does not know are left off (no new vocabulary)."""
    if not actor.is_admin:
        raise PermissionDeniedError("Only admins load the starter library.")
    have = set(Resource.objects.exclude(starter_key="").values_list("starter_key", flat=True))
    added = 0
    for article in ARTICLES:
        if article["key"] in have:
            continue
        names = [str(n) for n in article["skills"]]  # type: ignore[attr-defined]
        resource_save(
            actor=actor,
            program=None,
            kind=ResourceKind.ARTICLE,
            title=str(article["title"]),
            summary=str(article["summary"]),
            body=str(article["body"]),
            audience=str(article["audience"]),
            stages=list(article["stages"]),  # type: ignore[call-overload]
            skills=list(Skill.objects.filter(name__in=names)),
            starter_key=str(article["key"]),
        )
        added += 1
    titles = set(Training.objects.filter(program__isnull=True).values_list("title", flat=True))
    if MODULE["title"] not in titles:
        training_save(
            actor=actor,
            program=None,
            kind=TrainingKind.MODULE,
            title=str(MODULE["title"]),
            summary=str(MODULE["summary"]),
            body=str(MODULE["body"]),
            pass_mark=int(MODULE["pass_mark"]),  # type: ignore[call-overload]
            minutes=int(MODULE["minutes"]),  # type: ignore[call-overload]
            questions=str(MODULE["questions"]),
        )
        added += 1
    if AGREEMENT["title"] not in titles:
        training_save(
            actor=actor,
            program=None,
            kind=TrainingKind.AGREEMENT,
            title=str(AGREEMENT["title"]),
            summary=str(AGREEMENT["summary"]),
            body=str(AGREEMENT["body"]),
            minutes=int(AGREEMENT["minutes"]),  # type: ignore[call-overload]
        )
        added += 1
    log_action("library.starter_loaded", actor=actor, data={"added": added})
    return added
