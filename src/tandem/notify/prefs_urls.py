from django.urls import path

from tandem.notify import prefs_views

app_name = "notify_prefs"

urlpatterns = [
    path("", prefs_views.preferences_view, name="preferences"),
]
