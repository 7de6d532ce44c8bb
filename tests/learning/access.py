"""The learning part of the access matrix's world (``tests/test_access.py``)."""

from __future__ import annotations

from tandem.learning.models import Requirement, Resource, Training, TrainingQuestion
from tandem.learning.services.resources import Upload, resource_save

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def learning_world(program, admin, coordinator) -> dict:
    """An organisation-wide article, a file of ``program`` and a module it requires."""
    Resource.objects.create(kind="article", title="How to be a peer mentor", body="# Hi")
    item = resource_save(
        actor=coordinator,
        program=program,
        kind="file",
        title="Program handbook",
        upload=Upload("handbook.pdf", PDF),
    )
    training = Training.objects.create(
        program=program, kind="module", title="Basics", body="Read me", pass_mark=100
    )
    TrainingQuestion.objects.create(training=training, text="Both hats?", choices=["Yes", "No"])
    requirement = Requirement.objects.create(program=program, training=training)
    resource = {"resource_id": item.pk}
    return {
        "ids": {"resource_id": item.pk, "training_id": training.pk},
        "kwargs": {
            "learning:resource": resource,
            "learning:resource_seen": resource,
            "learning:helpful": resource,
            "learning:resource_file": resource,
            "learning:resource_edit": resource,
            "learning:resource_archive": resource,
            "learning:training": {"training_id": training.pk},
            "learning:training_edit": {"training_id": training.pk},
            "learning:requirements": {"program_id": program.pk},
            "learning:requirement_remove": {
                "program_id": program.pk,
                "requirement_id": requirement.pk,
            },
        },
    }
