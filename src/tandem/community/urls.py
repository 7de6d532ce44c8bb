from django.urls import path

from tandem.community import views

app_name = "community"

urlpatterns = [
    path("sessions/", views.sessions_view, name="sessions"),
    path("sessions/news/", views.session_news_view, name="session_news"),
    path("sessions/new/", views.session_new_view, name="session_new"),
    path("sessions/<int:session_id>/", views.session_view, name="session"),
    path("sessions/<int:session_id>/edit/", views.session_edit_view, name="session_edit"),
    path("sessions/<int:session_id>/cancel/", views.session_cancel_view, name="session_cancel"),
    path("sessions/<int:session_id>/rsvp/", views.rsvp_view, name="session_rsvp"),
    path("sessions/<int:session_id>/unrsvp/", views.unrsvp_view, name="session_unrsvp"),
    path("sessions/<int:session_id>/invite.ics", views.session_ics_view, name="session_ics"),
    path(
        "sessions/<int:session_id>/attendance/",
        views.attendance_view,
        name="session_attendance",
    ),
    path("sessions/<int:session_id>/pulse/", views.pulse_view, name="session_pulse"),
    path("program/<int:program_id>/", views.discussion_view, name="discussion"),
    path("program/<int:program_id>/new/", views.thread_new_view, name="thread_new"),
    path("program/<int:program_id>/follow/", views.follow_view, name="follow"),
    path("program/<int:program_id>/reports/", views.reports_view, name="reports"),
    path("threads/<int:thread_id>/", views.thread_view, name="thread"),
    *[
        path(
            f"threads/<int:thread_id>/{action}/",
            views.thread_moderate_view,
            {"action": action},
            name=f"thread_{action}",
        )
        for action in ("pin", "unpin", "lock", "unlock", "hide", "show")
    ],
    path("posts/<int:post_id>/edit/", views.post_edit_view, name="post_edit"),
    path("posts/<int:post_id>/delete/", views.post_delete_view, name="post_delete"),
    path("posts/<int:post_id>/report/", views.post_report_view, name="post_report"),
    path("posts/<int:post_id>/hide/", views.post_hide_view, {"hide": True}, name="post_hide"),
    path("posts/<int:post_id>/show/", views.post_hide_view, {"hide": False}, name="post_show"),
    path("reports/<int:report_id>/dismiss/", views.report_dismiss_view, name="report_dismiss"),
]
