"""What the library and trainings hold about a person, for export and erasure
(``core.personal_data``): their training progress, the items they opened and marked helpful."""

from __future__ import annotations

from tandem.core.personal_data import Section, Subject, register
from tandem.learning.models import Completion, HelpfulMark, ResourceView


def export(subject: Subject) -> dict[str, Section]:
    pid = subject.person_id
    if pid is None:
        return {}
    completions = Completion.objects.filter(person_id=pid).select_related("training")
    views = ResourceView.objects.filter(person_id=pid).select_related("resource")
    helpful = set(HelpfulMark.objects.filter(person_id=pid).values_list("resource_id", flat=True))
    return {
        "trainings": Section(
            "Trainings and agreements",
            "Your progress on the modules and agreements of your programs.",
            [
                {
                    "training": c.training.title,
                    "started": c.started_at,
                    "attempts": c.attempts,
                    "last_score_percent": c.last_score,
                    "completed": c.completed_at,
                }
                for c in completions.order_by("started_at")
            ],
        ),
        "library": Section(
            "Library items you opened",
            "Coordinators see only how many people opened or liked an item, never who.",
            [
                {
                    "item": v.resource.title,
                    "first_opened": v.first_seen_at,
                    "marked_helpful": v.resource_id in helpful,
                }
                for v in views.order_by("first_seen_at")
            ],
        ),
    }


def erase(subject: Subject) -> dict[str, int]:
    pid = subject.person_id
    if pid is None:
        return {}
    return {
        "training progress": Completion.objects.filter(person_id=pid).delete()[0],
        "library items opened": ResourceView.objects.filter(person_id=pid).delete()[0],
        "helpful marks": HelpfulMark.objects.filter(person_id=pid).delete()[0],
    }


register("learning", export=export, erase=erase, order=30)
