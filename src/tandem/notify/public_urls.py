"""Pages reached from a message without signing in: signed action links and unsubscribe."""

from django.urls import path

from tandem.notify import public_views

app_name = "notify_public"

urlpatterns = [
    path("actions/<str:token>/", public_views.action_view, name="action"),
    path("u/<str:token>/", public_views.unsubscribe_view, name="unsubscribe"),
]
