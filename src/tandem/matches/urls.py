from django.urls import path

from tandem.matches.views import answers, pause, program, runs

app_name = "matches"

urlpatterns = [
    path("", answers.my_matches_view, name="mine"),
    path("m/<int:membership_id>/", answers.my_match_view, name="my_match"),
    path("m/<int:membership_id>/accept/", answers.my_match_accept_view, name="my_match_accept"),
    path("m/<int:membership_id>/decline/", answers.my_match_decline_view, name="my_match_decline"),
    path("m/<int:membership_id>/repair/", answers.my_match_repair_view, name="my_match_repair"),
    path("programs/<int:program_id>/", program.program_matching_view, name="program"),
    path("rotations/<int:program_id>/pause/", pause.rotation_pause_view, name="rotation_pause"),
    path("programs/<int:program_id>/criteria/", program.criteria_view, name="criteria"),
    path("programs/<int:program_id>/runs/", program.run_create_view, name="run_create"),
    path("programs/<int:program_id>/runs/import/", program.run_import_view, name="run_import"),
    path("programs/<int:program_id>/compare/", program.compare_view, name="compare"),
    path(
        "programs/<int:program_id>/rules/<int:rule_id>/remove/",
        program.rule_remove_view,
        name="rule_remove",
    ),
    path(
        "programs/<int:program_id>/relationships/<int:relationship_id>/end/",
        program.relationship_end_view,
        name="relationship_end",
    ),
    path("runs/<int:run_id>/", runs.run_view, name="run"),
    path("runs/<int:run_id>/fairness/", runs.fairness_view, name="fairness"),
    path("runs/<int:run_id>/publish/", runs.run_publish_view, name="run_publish"),
    path("runs/<int:run_id>/discard/", runs.run_discard_view, name="run_discard"),
    path("runs/<int:run_id>/rerun/", runs.run_rerun_view, name="run_rerun"),
    path("runs/<int:run_id>/swap/", runs.run_swap_view, name="run_swap"),
    path("runs/<int:run_id>/lock/", runs.run_lock_view, name="run_lock"),
    path("runs/<int:run_id>/forbid/", runs.run_forbid_view, name="run_forbid"),
]
