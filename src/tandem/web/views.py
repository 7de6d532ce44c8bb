from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.accounts.models import User
from tandem.community import selectors as community
from tandem.feedback.selectors import my_surveys
from tandem.insights.desk import coordinator_desk
from tandem.matches.selectors import waiting_notes
from tandem.notify.selectors import outbox_counts
from tandem.people import selectors as people
from tandem.relationships import selectors as relationships


def _surveys_due(user: User) -> list[relationships.DueItem]:
    return [
        relationships.DueItem(
            f"Answer “{s.survey.title}” by {timezone.localtime(s.survey.closes_at):%-d %b}"
            if s.survey.closes_at
            else f"Answer “{s.survey.title}”",
            reverse("feedback:respond", args=[s.survey.pk]),
        )
        for s in my_surveys(user)
        if not s.answered
    ]


@login_required
def home_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    person = people.person_for_user(user)
    context: dict[str, object] = {
        "section": "home",
        "person": person,
        "relationships": relationships.with_next_steps(
            relationships.my_relationships(user), person
        ),
        "due": relationships.due_items(user) + _surveys_due(user),
        "waiting": waiting_notes(user),
        "my_goals": relationships.my_goals(user)[:6],
        "my_sessions": community.my_upcoming(user),
    }
    if user.is_coordinator:
        context["desk"] = coordinator_desk(user)
        context["stats"] = people.directory_stats()
        context["departments"] = people.departments_with_counts()[:12]
    if user.is_admin:
        context["outbox"] = outbox_counts()
        context["imports"] = people.import_batches(viewer=user)[:5]
    return render(request, "web/home.html", context)
