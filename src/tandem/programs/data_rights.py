"""What programs hold about a person: enrolments and answers (``core.personal_data``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.urls import reverse

from tandem.core.personal_data import (
    Control,
    RetentionCategory,
    Section,
    Subject,
    register,
    register_retention,
)
from tandem.programs.models import (
    Answer,
    Enrolment,
    NamedInvitation,
    OptOut,
    PrivateAnswer,
    ProgramStatus,
    QuestionKind,
)


def export(subject: Subject) -> dict[str, Section]:
    if subject.person_id is None:
        return {}
    enrolments = (
        Enrolment.objects.filter(person_id=subject.person_id)
        .select_related("program")
        .order_by("created_at")
    )
    answers: dict[int, list[dict[str, object]]] = {}
    for a in Answer.objects.filter(enrolment__person_id=subject.person_id).select_related(
        "question"
    ):
        answers.setdefault(a.enrolment_id, []).append(
            {"question": a.question.label, "key": a.question.key, "answer": a.value}
        )
    private: dict[int, list[dict[str, object]]] = {}
    for pa in PrivateAnswer.objects.filter(enrolment__person_id=subject.person_id).select_related(
        "question"
    ):
        private.setdefault(pa.enrolment_id, []).append(
            {
                "question": pa.question.label,
                "key": pa.question.key,
                "answer": pa.value,
                "consented": pa.consented_at,
            }
        )
    opt_outs = OptOut.objects.filter(person_id=subject.person_id).select_related("program")
    named = NamedInvitation.objects.filter(person_id=subject.person_id).select_related("program")
    return {
        "enrolments": Section(
            "Enrolments and questionnaire answers",
            "Each program you enrolled in, with your answers. Private answers (background, "
            "people you would rather not be matched with) are seen by nobody but you and the "
            "matching engine.",
            [
                {
                    "program": e.program.name,
                    "cohort": e.program.cohort,
                    "role": e.get_role_display(),
                    "status": e.get_status_display(),
                    "source": e.get_source_display(),
                    "enrolled": e.created_at,
                    "accepted_guidelines": e.accepted_guidelines_at,
                    "withdrawn": e.withdrawn_at,
                    "first_matched": e.first_matched_at,
                    "capacity": e.capacity,
                    "answers": answers.get(e.pk, []),
                    "private_answers": private.get(e.pk, []),
                }
                for e in enrolments
            ],
        ),
        "named_invitations": Section(
            "Programs you were invited to by name",
            "A coordinator picked you for these programs.",
            [{"program": n.program.name, "invited": n.invited_at} for n in named],
        ),
        "opt_outs": Section(
            "Programs you opted out of",
            "You asked not to be invited to these programs again.",
            [{"program": o.program.name, "when": o.created_at} for o in opt_outs],
        ),
    }


def erase(subject: Subject) -> dict[str, int]:
    """Enrolment rows stay (withdrawn, for the programs' counts); every answer goes."""
    if subject.person_id is None:
        return {}
    mine = Enrolment.objects.filter(person_id=subject.person_id)
    return {
        "answers": Answer.objects.filter(enrolment__in=mine).delete()[0],
        "private_answers": PrivateAnswer.objects.filter(enrolment__in=mine).delete()[0],
        "opt_outs": OptOut.objects.filter(person_id=subject.person_id).delete()[0],
    }


def controls(subject: Subject) -> list[Control]:
    """One "remove" button per program where the person shared background attributes."""
    if subject.person_id is None:
        return []
    shared = PrivateAnswer.objects.filter(
        enrolment__person_id=subject.person_id, question__kind=QuestionKind.BACKGROUND
    ).select_related("enrolment__program")
    return [
        Control(
            title=f"Background you shared in {a.enrolment.program.name}",
            detail=", ".join(str(v) for v in a.value) if isinstance(a.value, list) else "",
            url=reverse("programs:background_withdraw", args=[a.enrolment.program_id]),
            button="Remove it now",
        )
        for a in shared
    ]


register("programs", export=export, erase=erase, order=30, controls=controls)


def retain_private_answers(now: datetime, days: int) -> dict[str, int]:
    """Background and "please not" answers go ``days`` after the enrolment ended (withdrawn)
    or its program closed: they were given for matching, which is over then."""
    cutoff = now - timedelta(days=days)
    over = Q(enrolment__withdrawn_at__lte=cutoff) | Q(
        enrolment__program__status=ProgramStatus.CLOSED, enrolment__program__closed_at__lte=cutoff
    )
    return {"private_answers": PrivateAnswer.objects.filter(over).delete()[0]}


register_retention(
    RetentionCategory(
        key="private_answers",
        label="Background and “please not” answers",
        description="Private answers, counted from the day the enrolment was withdrawn or the "
        "program closed.",
        default_days=30,
        apply=retain_private_answers,
        order=20,
    )
)
