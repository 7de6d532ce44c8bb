from django.urls import path

from tandem.integrations import views
from tandem.integrations.slack import views as slack
from tandem.integrations.teams import views as teams

app_name = "integrations"

urlpatterns = [
    path("slack/", views.slack_admin_view, name="slack"),
    path("teams/", views.teams_admin_view, name="teams"),
    path("teams/tandem-teams-app.zip", views.teams_package_view, name="teams_package"),
    path("teams/messages", teams.messages_view, name="teams_messages"),
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
    path("teams/programs/<int:program_id>/team/", views.team_link_view, name="teams_team"),
    path(
        "teams/programs/<int:program_id>/team/unlink/",
        views.team_unlink_view,
        name="teams_team_unlink",
    ),
    path(
        "teams/programs/<int:program_id>/team/sync/",
        views.team_sync_view,
        name="teams_team_sync",
    ),
]
