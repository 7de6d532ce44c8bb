from django.urls import path

from tandem.matches import views

app_name = "matches"

urlpatterns = [
    path("", views.my_matches_view, name="mine"),
    path("m/<int:membership_id>/", views.my_match_view, name="my_match"),
    path("m/<int:membership_id>/accept/", views.my_match_accept_view, name="my_match_accept"),
    path("m/<int:membership_id>/decline/", views.my_match_decline_view, name="my_match_decline"),
    path("m/<int:membership_id>/repair/", views.my_match_repair_view, name="my_match_repair"),
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
    path("runs/<int:run_id>/publish/", views.run_publish_view, name="run_publish"),
    path("runs/<int:run_id>/discard/", views.run_discard_view, name="run_discard"),
    path("runs/<int:run_id>/rerun/", views.run_rerun_view, name="run_rerun"),
    path("runs/<int:run_id>/swap/", views.run_swap_view, name="run_swap"),
    path("runs/<int:run_id>/lock/", views.run_lock_view, name="run_lock"),
    path("runs/<int:run_id>/forbid/", views.run_forbid_view, name="run_forbid"),
    path("runs/<int:run_id>/fairness/", views.fairness_view, name="fairness"),
]
