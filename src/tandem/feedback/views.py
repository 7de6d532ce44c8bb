from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.core.errors import ApplicationError
from tandem.core.exports import spreadsheet_response
from tandem.core.replica import reads_from_replica
from tandem.feedback import selectors
from tandem.feedback.forms import (
    QuestionForm,
    ResultsFilterForm,
    SurveyResponseForm,
    SurveySettingsForm,
    TemplateForm,
    field_name,
)
from tandem.feedback.models import Survey, SurveyQuestion, SurveyStatus
from tandem.feedback.results import DIMENSIONS, EXPORT_HEADER, SurveyResults, export_rows
from tandem.feedback.services.answers import response_submit
from tandem.feedback.services.questions import question_delete, question_move, question_save
from tandem.feedback.services.stages import ACTION_LABELS, allowed_transitions, survey_transition
from tandem.feedback.services.surveys import survey_from_template, survey_update
from tandem.people.selectors import person_for_user
from tandem.programs.questionnaire.base import QuestionBase
from tandem.programs.questionnaire.editor import apply_and_return, editor_rows
from tandem.programs.selectors import access_program_as_coordinator
from tandem.ui.charts import Point
from tandem.ui.refusals import add_to_form, show_refusal

# --- participants ------------------------------------------------------------------------------


@login_required
def mine_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    coordinated = selectors.programs_with_survey_counts(user)
    return render(
        request,
        "feedback/mine.html",
        {"surveys": selectors.my_surveys(user), "coordinated": coordinated, "section": "surveys"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def respond_view(request: AuthenticatedHttpRequest, survey_id: int) -> HttpResponse:
    user = request.user
    survey, participation = selectors.access_survey_as_respondent(user=user, survey_id=survey_id)
    person = person_for_user(user)
    questions = selectors.questions_for(survey, person)
    form = SurveyResponseForm(questions, request.POST if request.method == "POST" else None)
    can_answer = survey.status == SurveyStatus.OPEN and participation.responded_on is None
    if request.method == "POST" and can_answer and form.is_valid():
        try:
            response_submit(actor=user, survey=survey, answers=form.answers())
        except ApplicationError as exc:
            for error in exc.errors:
                name = error.field if error.field in form.fields else None
                form.add_error(name, error.message)
            if not exc.errors:
                messages.error(request, exc.message)
                return redirect("feedback:respond", survey_id=survey.pk)
        else:
            messages.success(
                request,
                "Thank you — your answers are saved"
                + (" without your name." if survey.anonymous else "."),
            )
            return redirect("feedback:mine")
    return render(
        request,
        "feedback/respond.html",
        {
            "survey": survey,
            "program": survey.program,
            "participation": participation,
            "form": form,
            "can_answer": can_answer,
            "error_count": len(form.errors) if form.is_bound else 0,
            "first_error": next(
                (
                    field_name(q)
                    for q in questions
                    if form.is_bound and field_name(q) in form.errors
                ),
                "",
            ),
            "section": "surveys",
        },
    )


# --- coordinators ------------------------------------------------------------------------------


@login_required
def program_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    user = request.user
    program = access_program_as_coordinator(user=user, program_id=program_id)
    start = selectors.program_start(program)
    end = selectors.planned_end(program, start)
    surveys = list(selectors.program_surveys(program))
    return render(
        request,
        "feedback/program.html",
        {
            "program": program,
            "rows": [(s, selectors.due_on(s, start=start, end=end)) for s in surveys],
            "start": start,
            "end": end,
            "template_form": TemplateForm(),
            "section": "surveys",
        },
    )


@login_required
@require_POST
def create_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    user = request.user
    program = access_program_as_coordinator(user=user, program_id=program_id)
    form = TemplateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the survey templates.")
        return redirect("feedback:program", program_id=program.pk)
    survey = survey_from_template(actor=user, program=program, kind=form.cleaned_data["kind"])
    messages.success(request, "Survey created as a draft. Review the questions, then schedule it.")
    return redirect("feedback:edit", survey_id=survey.pk)


def _question_details(question: QuestionBase) -> str:
    assert isinstance(question, SurveyQuestion)
    parts = [question.get_kind_display()]
    if not question.required:
        parts.append("optional")
    if question.measure:
        parts.append(question.get_measure_display())
    return " · ".join(parts)


def _question_badges(question: QuestionBase) -> tuple[tuple[str, str], ...]:
    assert isinstance(question, SurveyQuestion)
    badges = []
    if question.hat != "both":
        badges.append((question.get_hat_display(), "hat"))
    if question.skill:
        badges.append((f"asked of people who wanted {question.skill.name}", "hat"))
    return tuple(badges)


def _edit_page(
    request: AuthenticatedHttpRequest,
    survey: Survey,
    *,
    settings_form: SurveySettingsForm | None = None,
    question_form: QuestionForm | None = None,
    editing: SurveyQuestion | None = None,
) -> HttpResponse:
    """The survey editor: settings, stage, and the shared questionnaire editor."""
    start = selectors.program_start(survey.program)
    questions = selectors.questions_for(survey, None)
    return render(
        request,
        "feedback/edit.html",
        {
            "survey": survey,
            "program": survey.program,
            "settings_form": settings_form or SurveySettingsForm(instance=survey),
            "form": question_form or QuestionForm(instance=editing),
            "editing": editing,
            "save_url": reverse("feedback:question", args=[survey.pk, editing.pk])
            if editing
            else reverse("feedback:question_add", args=[survey.pk]),
            "cancel_url": reverse("feedback:edit", args=[survey.pk]),
            "editable": survey.is_editable,
            "rows": editor_rows(
                list(questions),
                namespace="feedback",
                owner_id=survey.pk,
                details=_question_details,
                badges=_question_badges,
            ),
            "preview": SurveyResponseForm(questions),
            "transitions": [(t, ACTION_LABELS[t]) for t in allowed_transitions(survey)],
            "due": selectors.due_on(survey, start=start),
            "start": start,
            "rate": selectors.response_rate(survey),
            "section": "surveys",
        },
    )


@login_required
@require_GET
def edit_view(request: AuthenticatedHttpRequest, survey_id: int) -> HttpResponse:
    survey = selectors.access_survey_as_coordinator(user=request.user, survey_id=survey_id)
    return _edit_page(request, survey)


@login_required
@require_POST
def settings_view(request: AuthenticatedHttpRequest, survey_id: int) -> HttpResponse:
    user = request.user
    survey = selectors.access_survey_as_coordinator(user=user, survey_id=survey_id)
    form = SurveySettingsForm(request.POST, instance=survey)
    if form.is_valid():
        try:
            survey_update(actor=user, survey=survey, **form.service_fields())
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "Survey settings saved.")
            return redirect("feedback:edit", survey_id=survey.pk)
    survey.refresh_from_db()
    return _edit_page(request, survey, settings_form=form)


@login_required
@require_POST
def question_add_view(request: AuthenticatedHttpRequest, survey_id: int) -> HttpResponse:
    survey = selectors.access_survey_as_coordinator(user=request.user, survey_id=survey_id)
    return _save_question(request, survey, None)


@login_required
@require_http_methods(["GET", "POST"])
def question_view(
    request: AuthenticatedHttpRequest, survey_id: int, question_id: int
) -> HttpResponse:
    survey, question = selectors.access_survey_question(
        user=request.user, survey_id=survey_id, question_id=question_id
    )
    if request.method == "GET":
        return _edit_page(request, survey, editing=question)
    return _save_question(request, survey, question)


def _save_question(
    request: AuthenticatedHttpRequest, survey: Survey, question: SurveyQuestion | None
) -> HttpResponse:
    form = QuestionForm(request.POST, instance=question)
    if form.is_valid():
        try:
            question_save(
                actor=request.user, survey=survey, question=question, **form.service_fields()
            )
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "Question saved.")
            return redirect("feedback:edit", survey_id=survey.pk)
    return _edit_page(request, survey, question_form=form, editing=question)


def _question_action(
    request: AuthenticatedHttpRequest, survey_id: int, question_id: int, offset: int | None
) -> HttpResponse:
    user = request.user
    survey, question = selectors.access_survey_question(
        user=user, survey_id=survey_id, question_id=question_id
    )
    if offset is None:
        change = partial(question_delete, actor=user, question=question)
    else:
        change = partial(question_move, actor=user, question=question, offset=offset)
    return apply_and_return(request, change, reverse("feedback:edit", args=[survey.pk]))


@login_required
@require_POST
def question_up_view(
    request: AuthenticatedHttpRequest, survey_id: int, question_id: int
) -> HttpResponse:
    return _question_action(request, survey_id, question_id, offset=-1)


@login_required
@require_POST
def question_down_view(
    request: AuthenticatedHttpRequest, survey_id: int, question_id: int
) -> HttpResponse:
    return _question_action(request, survey_id, question_id, offset=1)


@login_required
@require_POST
def question_delete_view(
    request: AuthenticatedHttpRequest, survey_id: int, question_id: int
) -> HttpResponse:
    return _question_action(request, survey_id, question_id, offset=None)


@login_required
@require_POST
def transition_view(request: AuthenticatedHttpRequest, survey_id: int) -> HttpResponse:
    user = request.user
    survey = selectors.access_survey_as_coordinator(user=user, survey_id=survey_id)
    try:
        survey = survey_transition(actor=user, survey=survey, to=request.POST.get("to", ""))
    except ApplicationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, f"The survey is now {survey.get_status_display().lower()}.")
    return redirect("feedback:edit", survey_id=survey.pk)


@login_required
def results_view(request: AuthenticatedHttpRequest, survey_id: int) -> HttpResponse:
    survey, form, results = _selected_results(request, survey_id)
    if results is None:
        return redirect("feedback:results", survey_id=survey.pk)
    rate = selectors.response_rate(survey)
    return render(
        request,
        "feedback/results.html",
        {
            "survey": survey,
            "program": survey.program,
            "results": results,
            "form": form,
            "rate": rate,
            "question_rows": [
                (r, [Point(o.short, o.count, f"{o.label}, {o.percent}%") for o in r.options])
                for r in results.questions
            ],
            "dimensions": DIMENSIONS,
            "section": "surveys",
        },
    )


@login_required
@reads_from_replica
def results_export_view(
    request: AuthenticatedHttpRequest, survey_id: int, fmt: str
) -> HttpResponse:
    """The results page, with its breakdown and filter, as CSV or XLSX: the same suppression,
    every cell neutralised against spreadsheet formulas."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    survey, _, results = _selected_results(request, survey_id, export_format=fmt)
    if results is None:
        return redirect("feedback:results", survey_id=survey.pk)
    return spreadsheet_response(
        {"Results": (EXPORT_HEADER, export_rows(results))},
        filename=f"tandem-survey-{survey.pk}-results-{timezone.localdate().isoformat()}",
        fmt=fmt,
    )


def _selected_results(
    request: AuthenticatedHttpRequest, survey_id: int, *, export_format: str | None = None
) -> tuple[Survey, ResultsFilterForm, SurveyResults | None]:
    """The results with the breakdown and filter in the query string; ``None`` (with the
    reason as a message) when that selection is refused."""
    user = request.user
    survey = selectors.access_survey_as_coordinator(user=user, survey_id=survey_id)
    form = ResultsFilterForm(selectors.group_values(survey), request.GET or None)
    breakdown, only = form.selection() if request.GET else (None, None)
    try:
        results = selectors.survey_results(
            user=user,
            survey_id=survey.pk,
            breakdown=breakdown,
            only=only,
            request=request,
            export_format=export_format,
        )
    except ApplicationError as exc:
        show_refusal(request, exc)
        return survey, form, None
    return survey, form, results
