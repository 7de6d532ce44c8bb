"""What the directory holds about a person, for export and erasure (see ``core.personal_data``)."""

from __future__ import annotations

from datetime import datetime

from tandem.core.personal_data import (
    RetentionCategory,
    Section,
    Subject,
    register,
    register_retention,
)
from tandem.people.models import Person


def export(subject: Subject) -> dict[str, Section]:
    if subject.person_id is None:
        return {}
    p = (
        Person.objects.select_related("department", "manager__user")
        .prefetch_related("skills", "learning")
        .get(pk=subject.person_id)
    )
    return {
        "profile": Section(
            "Your profile",
            "Your directory entry (from HR) and the mentoring profile you keep up to date.",
            [
                {
                    "name": p.user.name,
                    "email": p.user.email,
                    "employee_id": p.employee_id,
                    "department": p.department.name if p.department else "",
                    "team": p.team,
                    "job_title": p.job_title,
                    "career_level": p.level,
                    "manager": p.manager.user.name if p.manager else "",
                    "location": p.location,
                    "time_zone": p.timezone,
                    "languages": p.languages,
                    "working_hours": f"{p.work_start:%H:%M}–{p.work_end:%H:%M}",
                    "hire_date": p.hire_date,
                    "status": p.get_status_display(),
                    "left_on": p.left_on,
                    "skills_offered": [s.name for s in p.skills.all()],
                    "skills_wanted": [s.name for s in p.learning.all()],
                    "goals": p.goals,
                    "updated": p.updated_at,
                }
            ],
        ),
    }


def erase(subject: Subject) -> dict[str, int]:
    """The directory entry stays (other records point at it) with every personal field emptied."""
    if subject.person_id is None:
        return {}
    person = Person.objects.get(pk=subject.person_id)
    person.skills.clear()
    person.learning.clear()
    Person.objects.filter(pk=person.pk).update(
        employee_id="",
        department=None,
        team="",
        manager=None,
        job_title="",
        level=None,
        location="",
        timezone="UTC",
        languages=[],
        hire_date=None,
        goals="",
        last_import=None,
    )
    return {"profile": 1}


register("people", export=export, erase=erase, order=80)


def _erase_leavers(now: datetime, days: int) -> dict[str, int]:
    from tandem.people.rights import erase_leavers  # the erasure runs every app's eraser

    return erase_leavers(now, days)


register_retention(
    RetentionCategory(
        key="leavers",
        label="People who left",
        description="Everything about a person who left the organisation: they are erased "
        "(as on request), counted from the day they left.",
        default_days=180,
        apply=_erase_leavers,
        order=5,
    )
)
