"""The navigation bar, by role. Apps add their entries here as they grow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    section: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def items_for(user: Any) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    items = [
        NavItem("Home", "web:home", "home"),
        NavItem("Programs", "programs:list", "programs"),
        NavItem("My matches", "matches:mine", "matches"),
        NavItem("Surveys", "feedback:mine", "surveys"),
        NavItem("Library", "learning:library", "library"),
        NavItem("Community", "community:sessions", "sessions"),
        NavItem("My profile", "people:me", "profile"),
    ]
    if user.is_coordinator:
        items.append(NavItem("People", "people:directory", "people"))
    if user.is_admin:
        items.append(NavItem("Insights", "insights:organisation", "insights"))
    return items


def admin_items_for(user: Any) -> list[NavItem]:
    """Administration pages, kept in the account menu so the main bar fits on one line."""
    if not user.is_authenticated or not user.is_admin:
        return []
    return [
        NavItem("Import people", "people:import_upload", "import"),
        NavItem("Outbox", "notify:outbox", "outbox"),
        NavItem("Slack", "integrations:slack", "integrations"),
        NavItem("Microsoft Teams", "integrations:teams", "integrations"),
        NavItem("Audit log", "audit:log", "audit"),
        NavItem("Erasure requests", "people:erasures", "erasures"),
        NavItem("Retention", "people:retention", "retention"),
        NavItem("Single sign-on", "sso:status", "sso"),
        NavItem("SCIM tokens", "scim_admin:tokens", "scim"),
    ]
