"""The program KPIs a manager watches, computed with aggregate queries.

Each KPI is defined in one place (the function that computes it). The work is done by the
database: counts and averages over enrolments and memberships, and one row per relationship with
the meeting and topic counters the relationship services keep (``Relationship.meetings_held``,
``topic_counts`` …), so a dashboard never scans a million meetings.

Filters (department, career level) narrow the *participants*; relationship KPIs then cover
matches with at least one member in that group. Whether a filter may be shown is decided for all
filters at once by one release plan (``tandem.privacy.plan_release``, see docs/privacy.md), so no
combination of views can be subtracted to learn about fewer than ``K_MIN`` people.
"""

from tandem.insights.kpis.dashboards import dashboard, organisation
from tandem.insights.kpis.records import K_MIN, Dashboard, Filters, Kpi, ProgramRow
from tandem.insights.kpis.retention import comparable_retention
from tandem.insights.kpis.scope import refusal

__all__ = [
    "K_MIN",
    "Dashboard",
    "Filters",
    "Kpi",
    "ProgramRow",
    "comparable_retention",
    "dashboard",
    "organisation",
    "refusal",
]
