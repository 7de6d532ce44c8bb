from __future__ import annotations

import json
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError
from tandem.core.words import people
from tandem.people.models import Person
from tandem.people.selectors import person_for_user
from tandem.people.services import read_upload
from tandem.programs import selectors
from tandem.programs.extensions import enrolment_notes, program_links
from tandem.programs.forms import (
    CohortUploadForm,
    ProgramForm,
    QuestionForm,
    SkillForm,
    StageConfirmForm,
)
from tandem.programs.models import (
    KPI_CHOICES,
    Enrolment,
    EnrolmentStatus,
    ProgramStatus,
    Question,
)
from tandem.programs.questionnaire.base import QuestionBase
from tandem.programs.questionnaire.editor import apply_and_return, editor_rows
from tandem.programs.questionnaire.enrolment import EnrolmentForm
from tandem.programs.services.cohort import cohort_import, cohort_preview, cohort_upload
from tandem.programs.services.enrolment import enrolment_submit, enrolment_withdraw, opt_out
from tandem.programs.services.named import INVITING_STAGES, NamedResult, invite_named_people
from tandem.programs.services.private_answers import background_withdraw
from tandem.programs.services.questionnaire import (
    question_delete,
    question_move,
    question_save,
    skill_add,
)
from tandem.programs.services.setup import program_create, program_duplicate, program_update
from tandem.programs.services.stages import (
    action_label,
    allowed_transitions,
    program_transition,
    stage_preview,
)
from tandem.ui.charts import Point
from tandem.ui.refusals import add_to_form, show_refusal


@login_required
def program_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    person = person_for_user(user)
    enrolments = list(selectors.my_enrolments(person))
    enrolled_ids = {e.program_id for e in enrolments}
    context = {
        "section": "programs",
        "coordinated": selectors.coordinated_programs(user) if user.is_coordinator else [],
        "open_programs": [
            p for p in selectors.open_programs_for(person) if p.pk not in enrolled_ids
        ],
        "enrolments": enrolments,
    }
    return render(request, "programs/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def program_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_coordinator:
        raise PermissionDenied
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            program = program_create(actor=user, **fields)
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request, "Program created with the standard questionnaire for its kind."
            )
            return redirect("programs:detail", program_id=program.pk)
    return render(request, "programs/form.html", {"form": form, "section": "programs"})


@login_required
def program_detail_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    user = request.user
    program = selectors.coordinated_program(user=user, program_id=program_id)
    if program is None:
        selectors.access_program_as_participant(user=user, program_id=program_id)
        return redirect("programs:join", program_id=program_id)
    days = selectors.signups_by_day(program)
    kpi_labels = dict(KPI_CHOICES)
    context = {
        "program": program,
        "links": program_links(request.user, program),
        "counts": selectors.enrolment_counts(program),
        "transitions": [(t, action_label(program, t)) for t in allowed_transitions(program)],
        "signup_days": [
            Point(f"{d.day:%d/%m}", d.signups, f"{d.withdrawals} withdrew" if d.withdrawals else "")
            for d in days
        ],
        "label_every": max(1, -(-len(days) // 8)),
        "stages": ProgramStatus.choices,
        "kpis": [kpi_labels.get(k, k) for k in program.kpis],
        "eligible": selectors.eligible_people(program).count(),
        "questions": selectors.questions(program),
        "reminders": selectors.reminders_sent(program),
        "section": "programs",
    }
    return render(request, "programs/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def program_edit_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    user = request.user
    program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        try:
            program_update(actor=user, program=program, **form.service_fields())
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "Program settings saved.")
            return redirect("programs:detail", program_id=program.pk)
    return render(
        request, "programs/form.html", {"form": form, "program": program, "section": "programs"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_stage_view(request: AuthenticatedHttpRequest, program_id: int, to: str) -> HttpResponse:
    """What a stage change will do, with the real numbers; it happens only on confirmation."""
    user = request.user
    program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
    try:
        preview = stage_preview(program, to)
    except ApplicationError as exc:
        show_refusal(request, exc)
        return redirect("programs:detail", program_id=program_id)
    form = StageConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program = program_transition(
                actor=user,
                program=program,
                to=to,
                confirmation=form.cleaned_data["confirmation"],
            )
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, f"The program is now {program.get_status_display().lower()}.")
            return redirect("programs:detail", program_id=program_id)
    return render(
        request,
        "programs/stage.html",
        {"program": program, "preview": preview, "form": form, "section": "programs"},
    )


@login_required
@require_POST
def program_duplicate_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    user = request.user
    program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
    copy = program_duplicate(actor=user, program=program)
    messages.success(request, "A draft copy was created. Give it a new name and dates.")
    return redirect("programs:edit", program_id=copy.pk)


def _question_details(question: QuestionBase) -> str:
    assert isinstance(question, Question)
    shown = (
        f" · only if “{question.show_if.label[:40]}” is {' or '.join(question.show_if_values)}"
        if question.show_if
        else ""
    )
    return f"{question.get_kind_display()} → {question.key}{shown}"


def _question_badges(question: QuestionBase) -> tuple[tuple[str, str], ...]:
    assert isinstance(question, Question)
    badges = []
    if question.required:
        badges.append(("required", ""))
    if question.is_private:
        badges.append(("private", "badge-warn"))
    return tuple(badges)


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_view(
    request: AuthenticatedHttpRequest, program_id: int, question_id: int | None = None
) -> HttpResponse:
    """The questionnaire editor: the list, and the form that adds (or edits) one question."""
    user = request.user
    if question_id is None:
        program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
        question = None
    else:
        program, question = selectors.access_question(
            user=user, program_id=program_id, question_id=question_id
        )
    form = QuestionForm(program, request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        try:
            question_save(actor=user, program=program, question=question, **form.service_fields())
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "Question saved.")
            return redirect("programs:questionnaire", program_id=program.pk)
    person = person_for_user(user)
    editor_url = reverse("programs:questionnaire", args=[program.pk])
    return render(
        request,
        "programs/questionnaire.html",
        {
            "program": program,
            "form": form,
            "editing": question,
            "save_url": request.path,
            "cancel_url": editor_url,
            "rows": editor_rows(
                list(selectors.questions(program)),
                namespace="programs",
                owner_id=program.pk,
                details=_question_details,
                badges=_question_badges,
            ),
            "preview": EnrolmentForm(program, person) if person else None,
            "editable": program.status == ProgramStatus.DRAFT,
            "skill_form": SkillForm(),
            "section": "programs",
        },
    )


def _question_action(
    request: AuthenticatedHttpRequest, program_id: int, question_id: int, offset: int | None
) -> HttpResponse:
    user = request.user
    program, question = selectors.access_question(
        user=user, program_id=program_id, question_id=question_id
    )
    if offset is None:
        change = partial(question_delete, actor=user, question=question)
    else:
        change = partial(question_move, actor=user, question=question, offset=offset)
    return apply_and_return(request, change, reverse("programs:questionnaire", args=[program.pk]))


@login_required
@require_POST
def question_up_view(
    request: AuthenticatedHttpRequest, program_id: int, question_id: int
) -> HttpResponse:
    return _question_action(request, program_id, question_id, offset=-1)


@login_required
@require_POST
def question_down_view(
    request: AuthenticatedHttpRequest, program_id: int, question_id: int
) -> HttpResponse:
    return _question_action(request, program_id, question_id, offset=1)


@login_required
@require_POST
def question_delete_view(
    request: AuthenticatedHttpRequest, program_id: int, question_id: int
) -> HttpResponse:
    return _question_action(request, program_id, question_id, offset=None)


@login_required
@require_POST
def skill_add_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    user = request.user
    program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
    form = SkillForm(request.POST)
    if form.is_valid():
        try:
            skill = skill_add(
                actor=user,
                name=form.cleaned_data["name"],
                category=form.cleaned_data["category"],
                synonyms=form.cleaned_data["synonyms"].split(","),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"“{skill.name}” was added to the skills vocabulary.")
    else:
        messages.error(request, "Name the skill to add it.")
    return redirect("programs:questionnaire", program_id=program.pk)


@login_required
def enrolments_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    user = request.user
    program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
    status = request.GET.get("status", EnrolmentStatus.ACTIVE)
    status = status if status in (*EnrolmentStatus.values, "") else EnrolmentStatus.ACTIVE
    rows = selectors.enrolment_rows(user=user, program=program, status=status)
    log_action(
        "program.enrolments_viewed",
        actor=user,
        target=program,
        request=request,
        data={"rows": len(rows)},
    )
    return render(
        request,
        "programs/enrolments.html",
        {
            "program": program,
            "rows": rows,
            "status": status,
            "section": "programs",
            "counts": selectors.enrolment_counts(program),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cohort_upload_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    """Step 1 of a cohort import: the file (kept until the coordinator says go)."""
    user = request.user
    program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
    form = CohortUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = read_upload(upload, size=upload.size or 0)
            kept = cohort_upload(
                actor=user, program=program, data=data, file_name=upload.name or "cohort.csv"
            )
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            return redirect("programs:cohort_preview", program_id=program.pk, upload_id=kept.pk)
    questions = selectors.questions(program)
    return render(
        request,
        "programs/cohort_upload.html",
        {"program": program, "form": form, "questions": questions, "section": "programs"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def cohort_preview_view(
    request: AuthenticatedHttpRequest, program_id: int, upload_id: int
) -> HttpResponse:
    """Step 2: every row checked; a POST enrols everyone in one transaction, or nobody."""
    user = request.user
    program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
    upload = selectors.access_cohort_upload(user=user, program=program, upload_id=upload_id)
    try:
        table, plan = cohort_preview(upload)
    except ApplicationError as exc:
        show_refusal(request, exc)
        return redirect("programs:cohort_upload", program_id=program.pk)
    if request.method == "POST" and plan.ok:
        try:
            done = cohort_import(
                actor=user,
                program=program,
                data=bytes(upload.content),
                file_name=upload.file_name,
                upload=upload,
            )
        except ApplicationError as exc:
            show_refusal(request, exc)
        else:
            kept = len(done.kept)
            kept_note = f"; {kept} already enrolled kept their own answers" if kept else ""
            messages.success(request, f"{people(len(done.to_enrol))} enrolled{kept_note}.")
            return redirect("programs:detail", program_id=program.pk)
    log_action(
        "program.cohort_previewed",
        actor=user,
        target=program,
        request=request,
        data={"upload": upload.pk, "rows": len(plan.rows)},
    )
    return render(
        request,
        "programs/cohort_preview.html",
        {
            "program": program,
            "upload": upload,
            "plan": plan,
            "table": table,
            "columns": [(table.headers[i], t) for i, t in sorted(plan.columns.items())],
            "errors": plan.errors[:200],
            "section": "programs",
        },
    )


# --- participants ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def join_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    user = request.user
    program = selectors.access_program_as_participant(user=user, program_id=program_id)
    person = person_for_user(user)
    if person is None:
        raise PermissionDenied
    enrolment = selectors.own_enrolment(user=user, program=program)
    active = enrolment is not None and enrolment.status == EnrolmentStatus.ACTIVE
    stored = selectors.stored_answers(enrolment) if active and enrolment else None
    form = EnrolmentForm(
        program,
        person,
        request.POST or None,
        stored=stored,
        stored_capacity=enrolment.capacity if active and enrolment else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            enrolment_submit(
                actor=user,
                program=program,
                answers=form.answers(),
                role=form.role(),
                capacity=form.capacity(),
            )
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request,
                "Your answers are saved. You can change them until matching starts."
                if active
                else f"You are enrolled in {program.name}. We will tell you when you are matched.",
            )
            return redirect("programs:join", program_id=program.pk)
    context: dict[str, Any] = {
        "program": program,
        "form": form,
        "enrolment": enrolment,
        "active": active,
        "can_edit": program.status == ProgramStatus.ENROLLING,
        "conditions": json.dumps(form.conditions()),
        "links": program_links(user, program),
        "notes": enrolment_notes(user, program),
        "section": "programs",
    }
    return render(request, "programs/join.html", context)


@login_required
@require_POST
def withdraw_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    user = request.user
    program = selectors.access_program_as_participant(user=user, program_id=program_id)
    enrolment = selectors.own_enrolment(user=user, program=program)
    if enrolment is None:
        return redirect("programs:join", program_id=program_id)
    try:
        enrolment_withdraw(actor=user, enrolment=enrolment)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.info(
            request,
            "You have withdrawn. Your private answers are deleted, and we will not "
            "remind you about this program. You can enrol again while enrolment is open.",
        )
    return redirect("programs:join", program_id=program_id)


@login_required
@require_POST
def background_withdraw_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    """Take back shared background attributes at once (from the person's data page)."""
    user = request.user
    enrolment = Enrolment.objects.filter(program_id=program_id, person__user=user).first()
    if enrolment is None:
        raise Http404
    if background_withdraw(actor=user, enrolment=enrolment):
        messages.success(
            request,
            "Your background answer is deleted. No fairness figure or match run uses it any more.",
        )
    return redirect("people:my_data")


@login_required
@require_POST
def opt_out_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    user = request.user
    program = selectors.access_program_as_participant(user=user, program_id=program_id)
    opt_out(actor=user, program=program)
    messages.info(request, "Got it — no more reminders about this program.")
    return redirect("programs:list")


@login_required
@require_http_methods(["GET", "POST"])
def named_people_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    """Search the directory, pick people by name and invite them, whatever the filters say."""
    user = request.user
    program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("people") if v.isdigit() and len(v) < 12]
        picked = list(Person.objects.filter(pk__in=ids).select_related("user"))
        try:
            result = invite_named_people(actor=user, program=program, people=picked)
        except ApplicationError as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _named_message(result, program))
        return redirect("programs:named", program_id=program.pk)
    query = request.GET.get("q", "").strip()[:200]
    results = selectors.directory_search(query) if query else []
    if query:
        log_action(
            "people.directory_searched",
            actor=user,
            target=program,
            request=request,
            data={"query": query, "results": len(results)},
        )
    named = list(selectors.named_invitations(program))
    enrolled = set(program.enrolments.values_list("person_id", flat=True))
    log_action("programs.named_viewed", actor=user, target=program, request=request)
    return render(
        request,
        "programs/named.html",
        {
            "program": program,
            "query": query,
            "results": results,
            "named": named,
            "named_ids": {n.person_id for n in named},
            "enrolled": enrolled,
            "can_invite": program.status in INVITING_STAGES,
            "section": "programs",
        },
    )


def _named_message(result: NamedResult, program: Any) -> str:
    parts = []
    if result.invited:
        when = (
            "emailed the invitation now"
            if result.emailed
            else "invited with everyone else when enrolment opens"
        )
        parts.append(f"{people(len(result.invited))} added and {when}.")
    if result.not_interested:
        parts.append(
            f"{people(len(result.not_interested))} had said they are not interested, so were "
            "not emailed."
        )
    if result.already_enrolled:
        parts.append(f"{people(len(result.already_enrolled))} already enrolled.")
    if result.already_invited:
        parts.append(f"{people(len(result.already_invited))} already invited.")
    return " ".join(parts)
