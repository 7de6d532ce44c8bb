from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.insights.desk import coordinator_desk
from tandem.notify.selectors import outbox_counts
from tandem.people import selectors as people
from tandem.relationships import selectors as relationships


@login_required
def home_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, object] = {
        "section": "home",
        "person": people.person_for_user(user),
        "relationships": relationships.my_relationships(user),
        "due": relationships.due_items(user),
        "my_goals": relationships.my_goals(user)[:6],
    }
    if user.is_coordinator:
        context["desk"] = coordinator_desk(user)
        context["stats"] = people.directory_stats()
        context["departments"] = people.departments_with_counts()[:12]
    if user.is_admin:
        context["outbox"] = outbox_counts()
        context["imports"] = people.import_batches(viewer=user)[:5]
    return render(request, "web/home.html", context)
