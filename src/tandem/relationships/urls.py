from django.urls import path

from tandem.relationships import views

app_name = "relationships"

urlpatterns = [
    path("calendar/", views.calendar_settings_view, name="calendar"),
    path("programs/<int:program_id>/health/", views.program_health_view, name="program_health"),
    path("<int:relationship_id>/", views.detail_view, name="detail"),
    path("<int:relationship_id>/kickoff/", views.kickoff_view, name="kickoff"),
    path("<int:relationship_id>/schedule/", views.schedule_view, name="schedule"),
    path("<int:relationship_id>/meetings/<int:meeting_id>/", views.meeting_view, name="meeting"),
    path(
        "<int:relationship_id>/meetings/<int:meeting_id>/invite.ics",
        views.meeting_ics_view,
        name="meeting_ics",
    ),
    path("<int:relationship_id>/goals/new/", views.goal_new_view, name="goal_new"),
    path("<int:relationship_id>/goals/<int:goal_id>/", views.goal_view, name="goal"),
    path("<int:relationship_id>/notes/", views.note_view, name="note"),
    path("<int:relationship_id>/concern/", views.concern_view, name="concern"),
    path("<int:relationship_id>/close/", views.close_view, name="close"),
]
