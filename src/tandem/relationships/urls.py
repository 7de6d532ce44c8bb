from django.urls import path

from tandem.relationships.views import calendar, coordinators, goals, meetings, pages

app_name = "relationships"

MEETING = "<int:relationship_id>/meetings/<int:meeting_id>/"
GOAL = "<int:relationship_id>/goals/<int:goal_id>/"

urlpatterns = [
    path("calendar/", calendar.calendar_settings_view, name="calendar"),
    path("calendar/create/", calendar.calendar_create_view, name="calendar_create"),
    path("calendar/revoke/", calendar.calendar_revoke_view, name="calendar_revoke"),
    path(
        "programs/<int:program_id>/health/",
        coordinators.program_health_view,
        name="program_health",
    ),
    path(
        "programs/<int:program_id>/concerns/<int:concern_id>/handled/",
        coordinators.concern_handled_view,
        name="concern_handled",
    ),
    path("<int:relationship_id>/", pages.detail_view, name="detail"),
    path("<int:relationship_id>/kickoff/", pages.kickoff_view, name="kickoff"),
    path("<int:relationship_id>/notes/", pages.note_view, name="note"),
    path("<int:relationship_id>/concern/", pages.concern_view, name="concern"),
    path("<int:relationship_id>/close/", pages.close_view, name="close"),
    path("<int:relationship_id>/schedule/", meetings.schedule_view, name="schedule"),
    path(MEETING, meetings.meeting_view, name="meeting"),
    path(MEETING + "invite.ics", meetings.meeting_ics_view, name="meeting_ics"),
    path(MEETING + "agenda/", meetings.meeting_agenda_add_view, name="meeting_agenda_add"),
    path(
        MEETING + "agenda/<int:item_id>/remove/",
        meetings.meeting_agenda_remove_view,
        name="meeting_agenda_remove",
    ),
    path(MEETING + "held/", meetings.meeting_held_view, name="meeting_held"),
    path(MEETING + "missed/", meetings.meeting_missed_view, name="meeting_missed"),
    path(MEETING + "reschedule/", meetings.meeting_reschedule_view, name="meeting_reschedule"),
    path(MEETING + "cancel/", meetings.meeting_cancel_view, name="meeting_cancel"),
    path(MEETING + "log/", meetings.meeting_log_view, name="meeting_log"),
    path("<int:relationship_id>/goals/new/", goals.goal_new_view, name="goal_new"),
    path(GOAL, goals.goal_view, name="goal"),
    path(GOAL + "progress/", goals.goal_progress_view, name="goal_progress"),
    path(GOAL + "done/", goals.goal_done_view, name="goal_done"),
    path(GOAL + "drop/", goals.goal_drop_view, name="goal_drop"),
    path(
        GOAL + "milestones/<int:milestone_id>/toggle/",
        goals.milestone_toggle_view,
        name="milestone_toggle",
    ),
]
