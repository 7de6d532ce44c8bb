"""Reads for the people directory. Access rules live in the ``access_*`` functions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet

from tandem.accounts.models import User
from tandem.core.errors import NotFound, PermissionDeniedError
from tandem.people.importing.plan import ExistingPerson
from tandem.people.models import Department, ImportBatch, Person, PersonStatus, Skill


def can_view_directory(user: Any) -> bool:
    return bool(getattr(user, "is_coordinator", False))


def directory(
    *,
    viewer: User,
    search: str = "",
    department_id: int | None = None,
    level: int | None = None,
    status: str = PersonStatus.ACTIVE,
) -> QuerySet[Person]:
    if not can_view_directory(viewer):
        raise PermissionDeniedError()
    people = Person.objects.select_related("user", "department", "manager__user")
    if status:
        people = people.filter(status=status)
    if search:
        people = people.filter(
            Q(user__name__icontains=search)
            | Q(user__email__icontains=search)
            | Q(job_title__icontains=search)
            | Q(team__icontains=search)
        )
    if department_id:
        people = people.filter(department_id=department_id)
    if level:
        people = people.filter(level=level)
    return people.order_by("user__name")


def access_person(*, viewer: User, person_id: int) -> Person:
    """The person, if the viewer may see them: themselves, or anyone for coordinators and admins.

    Anyone else gets ``NotFound``, exactly as for an id that does not exist.
    """
    person = (
        Person.objects.select_related("user", "department", "manager__user")
        .prefetch_related("skills", "learning")
        .filter(pk=person_id)
        .first()
    )
    if person is None:
        raise NotFound()
    if person.user_id != viewer.pk and not can_view_directory(viewer):
        raise NotFound()
    return person


def person_for_user(user: User) -> Person | None:
    return (
        Person.objects.select_related("user", "department", "manager__user")
        .prefetch_related("skills", "learning")
        .filter(user=user)
        .first()
    )


def person_timezone(user_id: int | None) -> str | None:
    """The time zone of the user's directory entry, if they have one."""
    if user_id is None:
        return None
    return Person.objects.filter(user_id=user_id).values_list("timezone", flat=True).first()


def departments_with_counts() -> QuerySet[Department]:
    return Department.objects.annotate(
        active=Count("people", filter=Q(people__status=PersonStatus.ACTIVE))
    ).order_by("name")


def directory_stats() -> dict[str, int]:
    counts = Person.objects.aggregate(
        active=Count("id", filter=Q(status=PersonStatus.ACTIVE)),
        left=Count("id", filter=Q(status=PersonStatus.LEFT)),
        signed_up=Count("id", filter=Q(status=PersonStatus.ACTIVE, user__last_login__isnull=False)),
    )
    counts["departments"] = (
        Department.objects.filter(people__status=PersonStatus.ACTIVE).distinct().count()
    )
    return counts


def existing_directory(emails: Iterable[str] | None = None) -> dict[str, ExistingPerson]:
    """Every person's importable values keyed by email: the baseline an import is compared with.

    ``emails`` narrows the snapshot to those people (one person at a time: SCIM, SSO sign-in).
    """
    people = (
        Person.objects.all()
        if emails is None
        else Person.objects.filter(user__email__in=list(emails))
    )
    rows = people.values_list(
        "id",
        "user_id",
        "user__email",
        "user__name",
        "employee_id",
        "department__name",
        "team",
        "manager__user__email",
        "job_title",
        "level",
        "location",
        "timezone",
        "languages",
        "hire_date",
        "status",
        "left_on",
    )
    snapshot = {}
    for (
        pid,
        uid,
        email,
        name,
        employee_id,
        department,
        team,
        manager_email,
        job_title,
        level,
        location,
        tz,
        languages,
        hire_date,
        status,
        left_on,
    ) in rows.iterator(chunk_size=5000):
        snapshot[email] = ExistingPerson(
            pid,
            uid,
            email,
            {
                "name": name,
                "employee_id": employee_id,
                "department": department,
                "team": team,
                "manager_email": manager_email,
                "job_title": job_title,
                "level": level,
                "location": location,
                "timezone": tz,
                "languages": languages or [],
                "hire_date": hire_date,
                "status": status,
                "left_on": left_on,
            },
        )
    return snapshot


def import_batches(*, viewer: User) -> QuerySet[ImportBatch]:
    if not viewer.is_admin:
        raise PermissionDeniedError()
    return ImportBatch.objects.select_related("created_by").defer("content")


def access_import_batch(*, viewer: User, batch_id: int) -> ImportBatch:
    if not viewer.is_admin:
        raise NotFound()
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        raise NotFound()
    return batch


def skill_names() -> dict[int, str]:
    """Every skill's name by id (answers store skill ids)."""
    return dict(Skill.objects.values_list("pk", "name"))


def skills_by_name() -> dict[str, Skill]:
    """The skills vocabulary keyed by lower-cased name and synonym (names win over synonyms)."""
    found = {s.name.lower(): s for s in Skill.objects.all()}
    for known in list(found.values()):
        for synonym in known.synonyms:
            found.setdefault(str(synonym).lower(), known)
    return found


def departments_by_name() -> dict[str, Department]:
    return {d.name.lower(): d for d in Department.objects.all()}


def departments_with_ids(ids: list[int]) -> list[Department]:
    return list(Department.objects.filter(pk__in=ids))


def person_by_id(person_id: int) -> Person | None:
    return Person.objects.select_related("user").filter(pk=person_id).first()


def timezones_of_users(user_ids: Iterable[int]) -> dict[int, str]:
    """Each user's IANA zone (people without a profile are left out: notify reads UTC)."""
    return dict(
        Person.objects.filter(user_id__in=list(user_ids)).values_list("user_id", "timezone")
    )
