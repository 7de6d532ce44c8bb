from django.urls import path

from tandem.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.organisation_view, name="organisation"),
    path("programs/<int:program_id>/", views.dashboard_view, name="dashboard"),
    path("programs/<int:program_id>/export.<str:fmt>", views.export_view, name="export"),
    path("programs/<int:program_id>/report/", views.report_view, name="report"),
    path("programs/<int:program_id>/report.pdf", views.report_pdf_view, name="report_pdf"),
]
