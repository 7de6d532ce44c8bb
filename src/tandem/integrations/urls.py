from django.urls import path

from tandem.integrations import views
from tandem.integrations.slack import views as slack

app_name = "integrations"

urlpatterns = [
    path("slack/", views.slack_admin_view, name="slack"),
    path("slack/events", slack.events_view, name="slack_events"),
    path("slack/interactions", slack.interactions_view, name="slack_interactions"),
    path("slack/commands", slack.commands_view, name="slack_commands"),
    path(
        "slack/programs/<int:program_id>/channel/",
        views.channel_link_view,
        name="slack_channel",
    ),
    path(
        "slack/programs/<int:program_id>/channel/unlink/",
        views.channel_unlink_view,
        name="slack_channel_unlink",
    ),
    path(
        "slack/programs/<int:program_id>/channel/sync/",
        views.channel_sync_view,
        name="slack_channel_sync",
    ),
]
