from django.urls import path

from tandem.notify import views

app_name = "notify"

urlpatterns = [
    path("", views.outbox_view, name="outbox"),
    path("<int:message_id>/", views.outbox_message_view, name="message"),
    path("retry/", views.outbox_retry_view, name="retry"),
]
