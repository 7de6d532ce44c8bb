from django.urls import path

from tandem.matches import views

app_name = "matches"

urlpatterns = [
    path("", views.my_matches_view, name="mine"),
    path("m/<int:membership_id>/", views.my_match_view, name="my_match"),
    path("programs/<int:program_id>/", views.program_matching_view, name="program"),
    path("programs/<int:program_id>/criteria/", views.criteria_view, name="criteria"),
    path("programs/<int:program_id>/runs/", views.run_create_view, name="run_create"),
    path("programs/<int:program_id>/compare/", views.compare_view, name="compare"),
    path(
        "programs/<int:program_id>/rules/<int:rule_id>/remove/",
        views.rule_remove_view,
        name="rule_remove",
    ),
    path(
        "programs/<int:program_id>/relationships/<int:relationship_id>/end/",
        views.relationship_end_view,
        name="relationship_end",
    ),
    path("runs/<int:run_id>/", views.run_view, name="run"),
    path("runs/<int:run_id>/action/", views.run_action_view, name="run_action"),
    path("runs/<int:run_id>/fairness/", views.fairness_view, name="fairness"),
]
