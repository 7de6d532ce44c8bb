from django.urls import include, path

from tandem.api import api
from tandem.relationships.views.calendar import calendar_feed_view
from tandem.web.health import health_view, metrics_view

urlpatterns = [
    path("", include("tandem.web.urls")),
    path("accounts/", include("tandem.accounts.urls")),
    path("sso/", include("tandem.sso.urls")),
    path("scim/", include("tandem.scim.admin_urls")),
    path("scim/v2/", include("tandem.scim.urls")),
    path("people/", include("tandem.people.urls")),
    path("programs/", include("tandem.programs.urls")),
    path("learning/", include("tandem.learning.urls")),
    path("matches/", include("tandem.matches.urls")),
    path("feedback/", include("tandem.feedback.urls")),
    path("relationships/", include("tandem.relationships.urls")),
    path("insights/", include("tandem.insights.urls")),
    path("community/", include("tandem.community.urls")),
    path("calendar/<str:token>.ics", calendar_feed_view, name="calendar_feed"),
    path("outbox/", include("tandem.notify.urls")),
    path("integrations/", include("tandem.integrations.urls")),
    path("", include("tandem.notify.public_urls")),
    path("settings/notifications/", include("tandem.notify.prefs_urls")),
    path("audit/", include("tandem.audit.urls")),
    path("api/", api.urls),
    path("health/", health_view, name="health"),
    path("metrics", metrics_view, name="metrics"),
]

handler403 = "tandem.web.errors.permission_denied"
handler404 = "tandem.web.errors.page_not_found"
handler500 = "tandem.web.errors.server_error"
