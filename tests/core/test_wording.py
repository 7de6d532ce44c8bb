"""Words and numbers a careful reader catches."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone

from tandem.audit.services import log_action
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("count", "words"), [(0, "0 people"), (1, "1 person"), (12, "12 people")])
def test_people_are_counted_in_english(count, words):
    assert Template("{% load tandem %}{{ n|people }}").render(Context({"n": count})) == words


def test_the_audit_log_labels_times_with_the_zone_they_are_shown_in(admin):
    admin.person.timezone = "Asia/Kolkata"
    admin.person.save()
    entry = log_action("people.test", actor=admin, target=admin)
    page = client_for(admin).get("/audit/").content.decode()
    shown = timezone.localtime(entry.at, ZoneInfo("Asia/Kolkata"))
    assert "When (Asia/Kolkata)" in page and f"{shown:%Y-%m-%d %H:%M:%S}" in page
    assert "(UTC)" not in page
