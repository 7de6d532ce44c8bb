"""The learning API: the library list, an item, helpful marks, my trainings and completing one
(every response is checked against the published OpenAPI document by the suite's conftest)."""

from __future__ import annotations

from tandem.learning.models import Completion, HelpfulMark, Requirement
from tandem.learning.services.resources import resource_save
from tandem.learning.services.trainings import training_save
from tests.conftest import client_for
from tests.factories import EnrolmentFactory, ProgramFactory, SkillFactory


def test_library_list_item_and_helpful(admin, participant, outsider, coordinator):
    program = ProgramFactory(coordinators=[coordinator], status="active")
    EnrolmentFactory(program=program, person=participant.person)
    sql = SkillFactory(name="SQL")
    org = resource_save(
        actor=admin,
        program=None,
        kind="article",
        title="SMART goals",
        body="**Be specific**",
        skills=[sql],
        stages=["first_month"],
    )
    own = resource_save(
        actor=coordinator, program=program, kind="link", title="Talk", url="https://x.test/t"
    )
    client = client_for(participant)
    listed = client.get("/api/library").json()
    assert {i["title"] for i in listed} == {"SMART goals", "Talk"}
    assert client.get("/api/library", {"skill": sql.pk}).json()[0]["id"] == org.pk
    assert client.get("/api/library", {"stage": "closing"}).json() == []
    assert client.get("/api/library", {"stage": "later"}).status_code == 422
    assert client.get("/api/library", {"limit": 0}).status_code == 422
    item = client.get(f"/api/library/{org.pk}").json()
    assert item["body_html"] == "<p><strong>Be specific</strong></p>\n" and item["skills"] == [
        "SQL"
    ]
    assert client_for(outsider).get(f"/api/library/{own.pk}").status_code == 404
    marked = client.post(
        f"/api/library/{org.pk}/helpful", {"helpful": True}, content_type="application/json"
    )
    assert marked.json() == {"id": org.pk, "helpful": True}
    assert HelpfulMark.objects.count() == 1
    helpful = {i["id"]: i["helpful"] for i in client.get("/api/library").json()}
    assert helpful == {org.pk: True, own.pk: False}


def test_my_trainings_and_completing_a_module_then_an_agreement(coordinator, participant):
    program = ProgramFactory(coordinators=[coordinator], status="matching", name="Peers")
    EnrolmentFactory(program=program, person=participant.person)
    module = training_save(
        actor=coordinator,
        program=program,
        kind="module",
        title="Basics",
        body="x",
        pass_mark=100,
        questions="Q?\n* yes\n- no\n",
    )
    agreement = training_save(
        actor=coordinator, program=program, kind="agreement", title="Pledge", body="y"
    )
    for training in (module, agreement):
        Requirement.objects.create(program=program, training=training)
    client = client_for(participant)
    pending = client.get("/api/me/trainings").json()
    assert [p["title"] for p in pending] == ["Basics", "Pledge"]
    url = f"/api/trainings/{module.pk}/complete"
    failed = client.post(url, {"answers": [1]}, content_type="application/json").json()
    assert failed["completed"] is False and failed["wrong"] == [0] and failed["score"] == 0
    wrong_count = client.post(url, {"answers": []}, content_type="application/json")
    assert wrong_count.status_code == 422
    assert wrong_count.json()["errors"][0]["field"] == "answers"
    passed = client.post(url, {"answers": [0]}, content_type="application/json").json()
    assert passed["completed"] is True and passed["score"] == 100
    ack = f"/api/trainings/{agreement.pk}/complete"
    assert client.post(ack, {}, content_type="application/json").status_code == 400
    done = client.post(ack, {"acknowledge": True}, content_type="application/json").json()
    assert done["completed"] is True
    assert client.get("/api/me/trainings").json() == []
    assert Completion.objects.filter(completed_at__isnull=False).count() == 2
