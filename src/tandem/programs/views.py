from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError
from tandem.people.models import Skill
from tandem.people.selectors import person_for_user
from tandem.programs import selectors, services
from tandem.programs.forms import ProgramForm, QuestionForm, SkillForm
from tandem.programs.models import KPI_CHOICES, EnrolmentStatus, Program, ProgramStatus, Question
from tandem.programs.questionnaire import EnrolmentForm
from tandem.ui.charts import Point


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _apply_errors(form: BaseForm, exc: ApplicationError) -> None:
    for error in exc.errors:
        form.add_error(error.field if error.field in form.fields else None, error.message)
    if not exc.errors:
        form.add_error(None, exc.message)


@login_required
def program_list_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
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
def program_create_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.is_coordinator:
        raise PermissionDenied
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            program = services.program_create(actor=user, **fields)
        except ApplicationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request, "Program created with the standard questionnaire for its kind."
            )
            return redirect("programs:detail", program_id=program.pk)
    return render(request, "programs/form.html", {"form": form, "section": "programs"})


@login_required
def program_detail_view(request: HttpRequest, program_id: int) -> HttpResponse:
    user = _user(request)
    program = Program.objects.filter(pk=program_id).first()
    if program is None or not selectors.can_coordinate(user, program):
        selectors.access_program_as_participant(user=user, program_id=program_id)
        return redirect("programs:join", program_id=program_id)
    days = selectors.signups_by_day(program)
    kpi_labels = dict(KPI_CHOICES)
    context = {
        "program": program,
        "counts": selectors.enrolment_counts(program),
        "transitions": [
            (t, services.ACTION_LABELS[t]) for t in services.allowed_transitions(program)
        ],
        "signup_days": [
            Point(f"{d.day:%d/%m}", d.signups, f"{d.withdrawals} withdrew" if d.withdrawals else "")
            for d in days
        ],
        "label_every": max(1, -(-len(days) // 8)),
        "stages": ProgramStatus.choices,
        "kpis": [kpi_labels.get(k, k) for k in program.kpis],
        "eligible": selectors.eligible_people(program).count(),
        "questions": selectors.questions(program),
        "reminders": program.reminders_sent.order_by("sent_at"),
        "section": "programs",
    }
    return render(request, "programs/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def program_edit_view(request: HttpRequest, program_id: int) -> HttpResponse:
    user = _user(request)
    program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
    form = ProgramForm(request.POST or None, instance=Program.objects.get(pk=program.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.program_update(actor=user, program=program, **form.service_fields())
        except ApplicationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Program settings saved.")
            return redirect("programs:detail", program_id=program.pk)
    return render(
        request, "programs/form.html", {"form": form, "program": program, "section": "programs"}
    )


@login_required
@require_POST
def program_transition_view(request: HttpRequest, program_id: int) -> HttpResponse:
    user = _user(request)
    program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
    target = request.POST.get("to", "")
    try:
        program = services.program_transition(actor=user, program=program, to=target)
    except ApplicationError as exc:
        details = " ".join(e.message for e in exc.errors)
        messages.error(request, f"{exc.message} {details}".strip())
    else:
        messages.success(request, f"The program is now {program.get_status_display().lower()}.")
    return redirect("programs:detail", program_id=program_id)


@login_required
@require_POST
def program_duplicate_view(request: HttpRequest, program_id: int) -> HttpResponse:
    user = _user(request)
    program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
    copy = services.program_duplicate(actor=user, program=program)
    messages.success(request, "A draft copy was created. Give it a new name and dates.")
    return redirect("programs:edit", program_id=copy.pk)


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_view(
    request: HttpRequest, program_id: int, question_id: int | None = None
) -> HttpResponse:
    user = _user(request)
    program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
    question = get_object_or_404(Question, pk=question_id, program=program) if question_id else None
    form = QuestionForm(program, request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_save(
                actor=user, program=program, question=question, **form.service_fields()
            )
        except ApplicationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Question saved.")
            return redirect("programs:questionnaire", program_id=program.pk)
    person = person_for_user(user)
    preview = EnrolmentForm(program, person) if person else None
    return render(
        request,
        "programs/questionnaire.html",
        {
            "program": program,
            "form": form,
            "editing": question,
            "questions": selectors.questions(program),
            "preview": preview,
            "editable": program.status == ProgramStatus.DRAFT,
            "skill_form": SkillForm(),
            "section": "programs",
        },
    )


@login_required
@require_POST
def question_action_view(request: HttpRequest, program_id: int, question_id: int) -> HttpResponse:
    user = _user(request)
    program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
    question = get_object_or_404(Question, pk=question_id, program=program)
    action = request.POST.get("action")
    try:
        if action == "delete":
            services.question_delete(actor=user, question=question)
        elif action in ("up", "down"):
            services.question_move(
                actor=user, question=question, offset=-1 if action == "up" else 1
            )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("programs:questionnaire", program_id=program.pk)


@login_required
@require_POST
def skill_add_view(request: HttpRequest, program_id: int) -> HttpResponse:
    user = _user(request)
    program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
    form = SkillForm(request.POST)
    if form.is_valid():
        try:
            skill = services.skill_add(
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
def enrolments_view(request: HttpRequest, program_id: int) -> HttpResponse:
    user = _user(request)
    program = selectors.access_program_as_coordinator(user=user, program_id=program_id)
    status = request.GET.get("status", EnrolmentStatus.ACTIVE)
    status = status if status in (*EnrolmentStatus.values, "") else EnrolmentStatus.ACTIVE
    enrolments = list(selectors.enrolment_list(user=user, program=program, status=status))
    answers = selectors.visible_answers(enrolments)
    log_action(
        "program.enrolments_viewed",
        actor=user,
        target=program,
        request=request,
        data={"rows": len(enrolments)},
    )
    skill_names = dict(Skill.objects.values_list("pk", "name"))
    rows = [
        (
            e,
            [
                skill_names.get(s, "?")
                for s in answers.get(e.pk, {}).get("skills_offered", []) or []
            ],
            [skill_names.get(s, "?") for s in answers.get(e.pk, {}).get("skills_wanted", []) or []],
            answers.get(e.pk, {}).get("goals", ""),
        )
        for e in enrolments
    ]
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


# --- participants ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def join_view(request: HttpRequest, program_id: int) -> HttpResponse:
    user = _user(request)
    program = selectors.access_program_as_participant(user=user, program_id=program_id)
    person = person_for_user(user)
    if person is None:
        raise PermissionDenied
    enrolment = selectors.own_enrolment(user=user, program=program)
    active = enrolment is not None and enrolment.status == EnrolmentStatus.ACTIVE
    stored = selectors.stored_answers(enrolment) if active and enrolment else None
    form = EnrolmentForm(program, person, request.POST or None, stored=stored)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_submit(
                actor=user, program=program, answers=form.answers(), role=form.role()
            )
        except ApplicationError as exc:
            _apply_errors(form, exc)
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
        "section": "programs",
    }
    return render(request, "programs/join.html", context)


@login_required
@require_POST
def withdraw_view(request: HttpRequest, program_id: int) -> HttpResponse:
    user = _user(request)
    program = selectors.access_program_as_participant(user=user, program_id=program_id)
    enrolment = selectors.own_enrolment(user=user, program=program)
    if enrolment is None:
        return redirect("programs:join", program_id=program_id)
    try:
        services.enrolment_withdraw(actor=user, enrolment=enrolment)
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
def opt_out_view(request: HttpRequest, program_id: int) -> HttpResponse:
    user = _user(request)
    program = selectors.access_program_as_participant(user=user, program_id=program_id)
    services.opt_out(actor=user, program=program)
    messages.info(request, "Got it — no more reminders about this program.")
    return redirect("programs:list")
