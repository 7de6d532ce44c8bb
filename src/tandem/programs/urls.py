from django.urls import path

from tandem.programs import views

app_name = "programs"

urlpatterns = [
    path("", views.program_list_view, name="list"),
    path("new/", views.program_create_view, name="create"),
    path("<int:program_id>/", views.program_detail_view, name="detail"),
    path("<int:program_id>/edit/", views.program_edit_view, name="edit"),
    path("<int:program_id>/stage/<str:to>/", views.program_stage_view, name="stage"),
    path("<int:program_id>/duplicate/", views.program_duplicate_view, name="duplicate"),
    path("<int:program_id>/questions/", views.questionnaire_view, name="questionnaire"),
    path(
        "<int:program_id>/questions/<int:question_id>/", views.questionnaire_view, name="question"
    ),
    path(
        "<int:program_id>/questions/<int:question_id>/up/",
        views.question_up_view,
        name="question_up",
    ),
    path(
        "<int:program_id>/questions/<int:question_id>/down/",
        views.question_down_view,
        name="question_down",
    ),
    path(
        "<int:program_id>/questions/<int:question_id>/delete/",
        views.question_delete_view,
        name="question_delete",
    ),
    path("<int:program_id>/skills/", views.skill_add_view, name="skill_add"),
    path("<int:program_id>/enrolments/", views.enrolments_view, name="enrolments"),
    path("<int:program_id>/enrolments/import/", views.cohort_upload_view, name="cohort_upload"),
    path("<int:program_id>/people/", views.named_people_view, name="named"),
    path(
        "<int:program_id>/enrolments/import/<int:upload_id>/",
        views.cohort_preview_view,
        name="cohort_preview",
    ),
    path("<int:program_id>/join/", views.join_view, name="join"),
    path("<int:program_id>/withdraw/", views.withdraw_view, name="withdraw"),
    path(
        "<int:program_id>/background/withdraw/",
        views.background_withdraw_view,
        name="background_withdraw",
    ),
    path("<int:program_id>/not-interested/", views.opt_out_view, name="opt_out"),
]
