from django.urls import path

from tandem.people import rights_views, views

app_name = "people"

urlpatterns = [
    path("", views.directory_view, name="directory"),
    path("me/", views.me_view, name="me"),
    path("me/data/", rights_views.my_data_view, name="my_data"),
    path("me/data/export/", rights_views.my_data_export_view, name="my_data_export"),
    path("me/data/erase/", rights_views.my_data_erase_view, name="my_data_erase"),
    path(
        "me/data/erase/cancel/", rights_views.my_data_erase_cancel_view, name="my_data_erase_cancel"
    ),
    path("erasures/", rights_views.erasures_view, name="erasures"),
    path("retention/", rights_views.retention_view, name="retention"),
    path(
        "erasures/<int:erasure_id>/carry-out/",
        rights_views.erasure_carry_out_view,
        name="erasure_carry_out",
    ),
    path(
        "<int:person_id>/erase/", rights_views.erasure_request_for_view, name="erasure_request_for"
    ),
    path("<int:person_id>/", views.person_view, name="person"),
    path("import/", views.import_upload_view, name="import_upload"),
    path("import/<int:batch_id>/", views.import_preview_view, name="import_preview"),
    path("import/<int:batch_id>/apply/", views.import_apply_view, name="import_apply"),
    path("import/<int:batch_id>/discard/", views.import_discard_view, name="import_discard"),
    path("import/<int:batch_id>/result/", views.import_result_view, name="import_result"),
]
