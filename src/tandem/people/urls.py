from django.urls import path

from tandem.people import views

app_name = "people"

urlpatterns = [
    path("", views.directory_view, name="directory"),
    path("me/", views.me_view, name="me"),
    path("<int:person_id>/", views.person_view, name="person"),
    path("import/", views.import_upload_view, name="import_upload"),
    path("import/<int:batch_id>/", views.import_preview_view, name="import_preview"),
    path("import/<int:batch_id>/apply/", views.import_apply_view, name="import_apply"),
    path("import/<int:batch_id>/discard/", views.import_discard_view, name="import_discard"),
    path("import/<int:batch_id>/result/", views.import_result_view, name="import_result"),
]
