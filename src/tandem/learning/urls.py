from django.urls import path

from tandem.learning import views

app_name = "learning"

urlpatterns = [
    path("library/", views.library_view, name="library"),
    path("library/new/", views.resource_new_view, name="resource_new"),
    path("library/starter/", views.starter_view, name="starter"),
    path("library/use/", views.usage_view, name="usage"),
    path("library/<int:resource_id>/", views.resource_view, name="resource"),
    path("library/<int:resource_id>/seen/", views.resource_seen_view, name="resource_seen"),
    path("library/<int:resource_id>/helpful/", views.resource_helpful_view, name="helpful"),
    path("library/<int:resource_id>/file/", views.resource_file_view, name="resource_file"),
    path("library/<int:resource_id>/edit/", views.resource_edit_view, name="resource_edit"),
    path(
        "library/<int:resource_id>/archive/", views.resource_archive_view, name="resource_archive"
    ),
    path("training/", views.trainings_view, name="trainings"),
    path("training/new/", views.training_new_view, name="training_new"),
    path("training/<int:training_id>/", views.training_view, name="training"),
    path("training/<int:training_id>/edit/", views.training_edit_view, name="training_edit"),
    path("training/programs/<int:program_id>/", views.requirements_view, name="requirements"),
    path(
        "training/programs/<int:program_id>/<int:requirement_id>/remove/",
        views.requirement_remove_view,
        name="requirement_remove",
    ),
]
