from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from tandem.accounts.models import User
from tandem.core.errors import ApplicationError
from tandem.core.exports import spreadsheet_response
from tandem.feedback import selectors, services
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
from tandem.people.selectors import person_for_user
from tandem.programs.selectors import access_program_as_coordinator, coordinated_programs
from tandem.ui.charts import Point


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _apply_errors(form: BaseForm, exc: ApplicationError) -> None:
    for error in exc.errors:
        form.add_error(error.field if error.field in form.fields else None, error.message)
    if not exc.errors:
        form.add_error(None, exc.message)


def _error_text(exc: ApplicationError) -> str:
    return " ".join([exc.message, *(e.message for e in exc.errors)])


# --- participants ------------------------------------------------------------------------------


@login_required
def mine_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    coordinated = coordinated_programs(user).annotate(survey_count=Count("surveys", distinct=True))
    return render(
        request,
        "feedback/mine.html",
        {"surveys": selectors.my_surveys(user), "coordinated": coordinated, "section": "surveys"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def respond_view(request: HttpRequest, survey_id: int) -> HttpResponse:
    user = _user(request)
    survey, participation = selectors.access_survey_as_respondent(user=user, survey_id=survey_id)
    person = person_for_user(user)
    questions = selectors.questions_for(survey, person)
    form = SurveyResponseForm(questions, request.POST if request.method == "POST" else None)
    can_answer = survey.status == SurveyStatus.OPEN and participation.responded_on is None
    if request.method == "POST" and can_answer and form.is_valid():
        try:
            services.response_submit(actor=user, survey=survey, answers=form.answers())
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
def program_view(request: HttpRequest, program_id: int) -> HttpResponse:
    user = _user(request)
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
def create_view(request: HttpRequest, program_id: int) -> HttpResponse:
    user = _user(request)
    program = access_program_as_coordinator(user=user, program_id=program_id)
    form = TemplateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the survey templates.")
        return redirect("feedback:program", program_id=program.pk)
    survey = services.survey_from_template(
        actor=user, program=program, kind=form.cleaned_data["kind"]
    )
    messages.success(request, "Survey created as a draft. Review the questions, then schedule it.")
    return redirect("feedback:edit", survey_id=survey.pk)


@login_required
@require_http_methods(["GET", "POST"])
def edit_view(request: HttpRequest, survey_id: int, question_id: int | None = None) -> HttpResponse:
    user = _user(request)
    survey = selectors.access_survey_as_coordinator(user=user, survey_id=survey_id)
    question = (
        get_object_or_404(SurveyQuestion, pk=question_id, survey=survey) if question_id else None
    )
    posted = request.POST if request.method == "POST" else None
    target = request.POST.get("form") if posted else None
    settings_form = SurveySettingsForm(
        posted if target == "settings" else None, instance=Survey.objects.get(pk=survey.pk)
    )
    question_form = QuestionForm(posted if target == "question" else None, instance=question)
    if target == "settings" and settings_form.is_valid():
        try:
            services.survey_update(actor=user, survey=survey, **settings_form.service_fields())
        except ApplicationError as exc:
            _apply_errors(settings_form, exc)
        else:
            messages.success(request, "Survey settings saved.")
            return redirect("feedback:edit", survey_id=survey.pk)
    if target == "question" and question_form.is_valid():
        try:
            services.question_save(
                actor=user, survey=survey, question=question, **question_form.service_fields()
            )
        except ApplicationError as exc:
            _apply_errors(question_form, exc)
        else:
            messages.success(request, "Question saved.")
            return redirect("feedback:edit", survey_id=survey.pk)
    start = selectors.program_start(survey.program)
    return render(
        request,
        "feedback/edit.html",
        {
            "survey": survey,
            "program": survey.program,
            "settings_form": settings_form,
            "question_form": question_form,
            "editing": question,
            "questions": selectors.questions_for(survey, None),
            "preview": SurveyResponseForm(selectors.questions_for(survey, None)),
            "transitions": [
                (t, services.ACTION_LABELS[t]) for t in services.allowed_transitions(survey)
            ],
            "due": selectors.due_on(survey, start=start),
            "start": start,
            "rate": selectors.response_rate(survey),
            "section": "surveys",
        },
    )


@login_required
@require_POST
def question_action_view(request: HttpRequest, survey_id: int, question_id: int) -> HttpResponse:
    user = _user(request)
    survey = selectors.access_survey_as_coordinator(user=user, survey_id=survey_id)
    question = get_object_or_404(SurveyQuestion, pk=question_id, survey=survey)
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
    return redirect("feedback:edit", survey_id=survey.pk)


@login_required
@require_POST
def transition_view(request: HttpRequest, survey_id: int) -> HttpResponse:
    user = _user(request)
    survey = selectors.access_survey_as_coordinator(user=user, survey_id=survey_id)
    try:
        survey = services.survey_transition(
            actor=user, survey=survey, to=request.POST.get("to", "")
        )
    except ApplicationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, f"The survey is now {survey.get_status_display().lower()}.")
    return redirect("feedback:edit", survey_id=survey.pk)


@login_required
def results_view(request: HttpRequest, survey_id: int) -> HttpResponse:
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
            "rate_points": [Point(f"{day:%d/%m}", n) for day, n in rate.by_day],
            "question_rows": [
                (r, [Point(o.short, o.count, f"{o.label}, {o.percent}%") for o in r.options])
                for r in results.questions
            ],
            "dimensions": DIMENSIONS,
            "section": "surveys",
        },
    )


@login_required
def results_export_view(request: HttpRequest, survey_id: int, fmt: str) -> HttpResponse:
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
    request: HttpRequest, survey_id: int, *, export_format: str | None = None
) -> tuple[Survey, ResultsFilterForm, SurveyResults | None]:
    """The results with the breakdown and filter in the query string; ``None`` (with the
    reason as a message) when that selection is refused."""
    user = _user(request)
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
        messages.error(request, _error_text(exc))
        return survey, form, None
    return survey, form, results
