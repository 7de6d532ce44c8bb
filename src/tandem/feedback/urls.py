from django.urls import path

from tandem.feedback import views

app_name = "feedback"

urlpatterns = [
    path("", views.mine_view, name="mine"),
    path("<int:survey_id>/", views.respond_view, name="respond"),
    path("program/<int:program_id>/", views.program_view, name="program"),
    path("program/<int:program_id>/new/", views.create_view, name="create"),
    path("<int:survey_id>/edit/", views.edit_view, name="edit"),
    path("<int:survey_id>/edit/settings/", views.settings_view, name="settings"),
    path("<int:survey_id>/edit/questions/", views.question_add_view, name="question_add"),
    path("<int:survey_id>/edit/<int:question_id>/", views.question_view, name="question"),
    path("<int:survey_id>/edit/<int:question_id>/up/", views.question_up_view, name="question_up"),
    path(
        "<int:survey_id>/edit/<int:question_id>/down/",
        views.question_down_view,
        name="question_down",
    ),
    path(
        "<int:survey_id>/edit/<int:question_id>/delete/",
        views.question_delete_view,
        name="question_delete",
    ),
    path("<int:survey_id>/status/", views.transition_view, name="transition"),
    path("<int:survey_id>/results/", views.results_view, name="results"),
    path("<int:survey_id>/results.<str:fmt>", views.results_export_view, name="results_export"),
]
