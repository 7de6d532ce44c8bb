"""The library: safe Markdown, http(s) links only, file limits and the file's headers, who may
read what, helpful marks, counted use and suggestions for a pair."""

from __future__ import annotations

import stat

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tandem.core.errors import ApplicationError, PermissionDeniedError
from tandem.learning import files, selectors
from tandem.learning.markdown import render_markdown
from tandem.learning.models import HelpfulMark, Resource, ResourceView
from tandem.learning.services.resources import (
    Upload,
    resource_archive,
    resource_mark_helpful,
    resource_save,
)
from tandem.learning.services.starter import starter_library_load
from tests.conftest import client_for
from tests.factories import EnrolmentFactory, PersonFactory, ProgramFactory, SkillFactory
from tests.learning.access import PDF


@pytest.fixture
def program(coordinator, participant):
    program = ProgramFactory(coordinators=[coordinator], status="active", name="Peers")
    EnrolmentFactory(program=program, person=participant.person)
    return program


def test_markdown_is_rendered_without_raw_html_images_or_unsafe_links():
    html = render_markdown(
        "# Title\n\n<script>alert(1)</script> [a](javascript:alert(1)) [b](https://ok.test) "
        "![p](https://tracker.test/p.png) [c](//evil.test) [d](data:text/html,x)"
    )
    assert "<h1>Title</h1>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="https://ok.test"' in html and 'rel="nofollow noopener"' in html
    for bad in ("javascript:", "//evil.test", "data:text"):
        assert f'href="{bad}' not in html
    assert "<img" not in html


def test_links_must_be_http_or_https(coordinator, program):
    for url in ("javascript:alert(1)", "file:///etc/passwd", "ftp://x.test/a", "https//x"):
        with pytest.raises(ApplicationError) as refused:
            resource_save(actor=coordinator, program=program, kind="link", title="L", url=url)
        assert refused.value.errors[0].field == "url"
    item = resource_save(
        actor=coordinator, program=program, kind="link", title="L", url=" https://hbr.org/x "
    )
    assert item.url == "https://hbr.org/x"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.exe", b"MZ\x90\x00", "this type of file is not accepted"),
        ("page.html", b"<html><script>", "this type of file is not accepted"),
        ("fake.pdf", b"<html>not a pdf", "does not contain what its name says"),
        ("image.png", b"GIF89a", "does not contain what its name says"),
        ("notes.txt", b"\xff\xfe\x00bad", "not UTF-8 text"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_uploads_of_the_wrong_type_are_refused_with_a_clear_message(
    coordinator, program, name, data, message
):
    with pytest.raises(ApplicationError) as refused:
        resource_save(
            actor=coordinator, program=program, kind="file", title="F", upload=Upload(name, data)
        )
    assert message in refused.value.errors[0].message
    assert refused.value.errors[0].field == "file"
    assert not Resource.objects.exists()


def test_a_file_over_the_limit_is_refused_in_the_form(settings, coordinator, program):
    settings.TANDEM_LIBRARY_MAX_BYTES = 2048
    response = client_for(coordinator).post(
        reverse("learning:resource_new"),
        {
            "scope": str(program.pk),
            "kind": "file",
            "title": "Big",
            "audience": "everyone",
            "file": SimpleUploadedFile("big.pdf", PDF + b"0" * 4096),
        },
    )
    assert response.status_code == 200
    assert "files may be at most" in response.content.decode()
    assert not Resource.objects.exists()
    assert not any(files.library_dir().iterdir())


def test_a_file_is_stored_privately_and_served_only_to_its_readers(
    coordinator, participant, outsider, program
):
    response = client_for(coordinator).post(
        reverse("learning:resource_new"),
        {
            "scope": str(program.pk),
            "kind": "file",
            "title": "Handbook",
            "audience": "everyone",
            "file": SimpleUploadedFile("Hand book.pdf", PDF, content_type="text/html"),
        },
    )
    assert response.status_code == 302
    item = Resource.objects.get()
    path = files.path_of(item.stored_name)
    assert path is not None and path.read_bytes() == PDF
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700

    url = reverse("learning:resource_file", args=[item.pk])
    served = client_for(participant).get(url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == PDF
    assert served["Content-Type"] == "application/pdf"  # ours, not the browser's claim
    assert served["Content-Disposition"].startswith("attachment;")
    assert "Hand" in served["Content-Disposition"]
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]
    assert client_for(outsider).get(url).status_code == 404

    resource_archive(actor=coordinator, resource=item)
    assert client_for(participant).get(url).status_code == 404
    assert client_for(coordinator).get(url).status_code == 200


def test_replacing_a_file_removes_the_old_one(coordinator, program):
    item = resource_save(
        actor=coordinator, program=program, kind="file", title="F", upload=Upload("a.pdf", PDF)
    )
    old = files.path_of(item.stored_name)
    with pytest.raises(ApplicationError):  # a bad replacement keeps the old file
        resource_save(
            actor=coordinator,
            resource=item,
            program=program,
            kind="file",
            title="F",
            upload=Upload("b.pdf", b"nope"),
        )
    assert old is not None and old.exists()
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        resource_save(
            actor=coordinator,
            resource=item,
            program=program,
            kind="file",
            title="F",
            upload=Upload("b.pdf", PDF + b"v2"),
        )
    assert not old.exists()
    assert files.path_of(Resource.objects.get().stored_name).read_bytes() == PDF + b"v2"


def test_who_may_write_where(coordinator, participant, admin, program):
    with pytest.raises(PermissionDeniedError):
        resource_save(actor=coordinator, program=None, kind="article", title="A", body="x")
    with pytest.raises(PermissionDeniedError):
        resource_save(actor=participant, program=program, kind="article", title="A", body="x")
    other = ProgramFactory()
    with pytest.raises(PermissionDeniedError):
        resource_save(actor=coordinator, program=other, kind="article", title="A", body="x")
    assert resource_save(actor=admin, program=None, kind="article", title="A", body="x").pk


def test_readers_see_the_organisation_and_their_programs_only(
    admin, coordinator, participant, outsider, program
):
    org = resource_save(actor=admin, program=None, kind="article", title="Org", body="x")
    own = resource_save(actor=coordinator, program=program, kind="article", title="Own", body="y")
    other = resource_save(
        actor=admin, program=ProgramFactory(), kind="article", title="Other", body="z"
    )
    archived = resource_save(actor=admin, program=None, kind="article", title="Old", body="o")
    resource_archive(actor=admin, resource=archived)
    assert set(selectors.library(participant)) == {org, own}
    assert set(selectors.library(outsider)) == {org}
    assert set(selectors.library(admin)) == {org, own, other}
    page = client_for(outsider).get(reverse("learning:resource", args=[own.pk]))
    assert page.status_code == 404
    assert (
        client_for(participant).get(reverse("learning:resource", args=[other.pk])).status_code
        == 404
    )


def test_search_and_tag_filters(admin, participant):
    sql = SkillFactory(name="SQL")
    a = resource_save(
        actor=admin,
        program=None,
        kind="article",
        title="Query tuning",
        body="Indexes and plans",
        skills=[sql],
        stages=["first_month"],
    )
    b = resource_save(
        actor=admin,
        program=None,
        kind="article",
        title="Closing well",
        body="Say goodbye",
        stages=["closing"],
        audience="mentor",
    )
    page = client_for(participant).get(reverse("learning:library"), {"q": "indexes"})
    assert "Query tuning" in page.content.decode() and "Closing well" not in page.content.decode()
    page = client_for(participant).get(reverse("learning:library"), {"skill": sql.pk})
    assert "Query tuning" in page.content.decode() and "Closing well" not in page.content.decode()
    page = client_for(participant).get(reverse("learning:library"), {"stage": "closing"})
    assert "Closing well" in page.content.decode() and "Query tuning" not in page.content.decode()
    mentee = selectors.library(participant, selectors.LibraryFilters(audience="mentee"))
    assert set(mentee) == {a}
    assert b in selectors.library(participant, selectors.LibraryFilters(audience="mentor"))
    hostile = client_for(participant).get(
        reverse("learning:library"), {"skill": "99999999999999999999", "stage": "<x>"}
    )
    assert hostile.status_code == 200


def test_helpful_marks_and_views_count_distinct_readers_without_naming_them(
    admin, coordinator, participant, program
):
    item = resource_save(actor=coordinator, program=program, kind="article", title="T", body="x")
    client = client_for(participant)
    page = client.get(reverse("learning:resource", args=[item.pk]))
    assert 'hx-trigger="load"' in page.content.decode()
    assert not ResourceView.objects.exists()  # reading the page writes nothing
    for _ in range(2):
        assert client.post(reverse("learning:resource_seen", args=[item.pk])).status_code == 204
    assert ResourceView.objects.count() == 1
    client.post(reverse("learning:helpful", args=[item.pk]))
    client.post(reverse("learning:helpful", args=[item.pk]))
    assert HelpfulMark.objects.count() == 1
    use = client_for(coordinator).get(reverse("learning:usage")).content.decode()
    assert "fewer than 5" in use and participant.name not in use
    for _ in range(5):
        resource_mark_helpful(actor=PersonFactory().user, resource=item)
    (row,) = selectors.usage(coordinator)
    assert (row.readers_shown, row.helpful_shown) == ("6", "6")
    client.post(reverse("learning:helpful", args=[item.pk]), {"helpful": "0"})
    assert HelpfulMark.objects.count() == 5


def test_suggestions_follow_the_pairs_wanted_skills_and_stage(admin, program):
    sql, design = SkillFactory(name="SQL"), SkillFactory(name="Design")
    by_skill = resource_save(
        actor=admin, program=None, kind="article", title="SQL", body="x", skills=[sql]
    )
    by_stage = resource_save(
        actor=admin,
        program=None,
        kind="article",
        title="Kickoff",
        body="x",
        stages=["before_kickoff"],
    )
    resource_save(
        actor=admin, program=None, kind="article", title="Design", body="x", skills=[design]
    )
    found = selectors.suggested(
        program=program, skill_ids=[sql.pk], stage="before_kickoff", roles=["peer"]
    )
    assert found == [by_skill, by_stage]
    assert selectors.suggested(program=program, skill_ids=[], stage="closing") == []


def test_the_relationship_and_kickoff_pages_suggest_reading(admin, participant, program):
    from tests.factories import RelationshipFactory

    sql = SkillFactory(name="SQL")
    participant.person.learning.add(sql)
    resource_save(
        actor=admin,
        program=None,
        kind="article",
        title="SQL for analysts",
        body="x",
        skills=[sql],
    )
    resource_save(
        actor=admin,
        program=None,
        kind="article",
        title="Running your first meeting",
        body="x",
        stages=["before_kickoff"],
    )
    relationship = RelationshipFactory(
        program=program, members=[participant.person, PersonFactory()]
    )
    client = client_for(participant)
    detail = client.get(reverse("relationships:detail", args=[relationship.pk])).content.decode()
    assert "SQL for analysts" in detail and "Running your first meeting" in detail
    kickoff = client.get(reverse("relationships:kickoff", args=[relationship.pk])).content.decode()
    assert "Read before this meeting" in kickoff and "Running your first meeting" in kickoff


def test_the_starter_library_loads_once_for_an_admin(admin, coordinator):
    with pytest.raises(PermissionDeniedError):
        starter_library_load(actor=coordinator)
    added = starter_library_load(actor=admin)
    assert added == 8
    assert starter_library_load(actor=admin) == 0
    titles = set(Resource.objects.values_list("title", flat=True))
    assert "Boundaries, and where to refer someone" in titles
    assert all(len(r.body) > 600 for r in Resource.objects.all())
    response = client_for(admin).post(reverse("learning:starter"))
    assert response.status_code == 302
