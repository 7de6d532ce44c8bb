"""Who may open what: every page and API endpoint × anonymous and each role.

The matrix must cover every route (a completeness test walks the URL resolver and the OpenAPI
document), so a new page without a row fails here until someone decides who may see it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tandem.api import api
from tandem.matches.models import MatchRun, PairRule
from tandem.matches.services.criteria import current_criteria
from tandem.notify.models import OutboxMessage
from tandem.people.models import ErasureRequest, ImportBatch
from tandem.programs.models import CohortUpload
from tandem.programs.services.enrolment import enrolment_submit
from tandem.programs.services.stages import program_transition
from tandem.relationships.models import (
    AgendaItem,
    Concern,
    Goal,
    Meeting,
    Membership,
    Milestone,
    Relationship,
)
from tests.community.access import community_world
from tests.conftest import client_for
from tests.factories import EnrolmentFactory, PersonFactory, make_program
from tests.feedback.access import feedback_world
from tests.learning.access import learning_world

ROLES = ("anon", "participant", "outsider", "coordinator", "admin")
LOGIN = "login"

# Who may open each page. "login" = redirected to the sign-in page. "outsider" is a participant
# who is neither the owner of the record nor eligible for the program.
PAGE_RULES = """
url name                          method  anon   participant outsider coordinator admin
web:home                          get     login  200         200      200         200
people:directory                  get     login  403         403      200         200
people:me                         get     login  200         200      200         200
people:person                     get     login  200         404      200         200
people:import_upload              get     login  403         403      403         200
people:import_preview             get     login  403         403      403         200
people:import_result              get     login  403         403      403         200
people:import_discard             post    login  403         403      403         302
people:import_apply               post    login  403         403      403         200
people:my_data                    get     login  200         200      200         200
people:my_data_export             post    login  200         200      200         200
people:my_data_erase              post    login  200         200      200         200
people:my_data_erase_cancel       post    login  404         404      404         404
people:erasures                   get     login  403         403      403         200
people:retention                  get     login  403         403      403         200
people:erasure_carry_out          post    login  403         403      403         302
people:erasure_request_for        post    login  403         403      403         302
notify:outbox                     get     login  403         403      403         200
notify:message                    get     login  403         403      403         200
notify:retry                      post    login  403         403      403         302
notify_prefs:preferences          get     login  200         200      200         200
audit:log                         get     login  403         403      403         200
accounts:tokens                   get     login  200         200      200         200
accounts:token_revoke             post    login  302         404      404         404
accounts:password_change          get     login  200         200      200         200
accounts:password_change_done     get     login  200         200      200         200
programs:list                     get     login  200         200      200         200
programs:create                   get     login  403         403      200         200
programs:detail                   get     login  302         404      200         200
programs:edit                     get     login  404         404      200         200
programs:questionnaire            get     login  404         404      200         200
programs:question                 get     login  404         404      200         200
programs:enrolments               get     login  404         404      200         200
programs:cohort_upload            get     login  404         404      200         200
programs:named                    get     login  404         404      200         200
programs:cohort_preview           get     login  404         404      200         404
programs:stage                    post    login  404         404      302         302
programs:duplicate                post    login  404         404      302         302
programs:question_up              post    login  404         404      302         302
programs:question_down            post    login  404         404      302         302
programs:question_delete          post    login  404         404      302         302
programs:skill_add                post    login  404         404      302         302
programs:join                     get     login  200         404      200         200
programs:withdraw                 post    login  302         404      302         302
programs:background_withdraw      post    login  302         404      404         404
programs:opt_out                  post    login  302         404      302         302
matches:mine                      get     login  200         200      200         200
matches:my_match                  get     login  200         404      404         404
matches:my_match_accept           post    login  302         404      404         404
matches:my_match_decline          post    login  302         404      404         404
matches:my_match_repair           post    login  302         404      404         404
matches:program                   get     login  404         404      200         200
matches:rotation_pause            get     login  404         404      404         404
matches:criteria                  get     login  404         404      200         200
matches:run_create                post    login  404         404      302         302
matches:run_import                get     login  404         404      200         200
matches:compare                   get     login  404         404      200         200
matches:rule_remove               post    login  404         404      302         302
matches:relationship_end          get     login  404         404      200         200
matches:run                       get     login  404         404      200         200
matches:run_publish               post    login  404         404      302         302
matches:run_discard               post    login  404         404      302         302
matches:run_rerun                 post    login  404         404      302         302
matches:run_swap                  post    login  404         404      302         302
matches:run_lock                  post    login  404         404      302         302
matches:run_forbid                post    login  404         404      302         302
matches:fairness                  get     login  404         404      200         200
relationships:calendar            get     login  200         200      200         200
relationships:calendar_create     post    login  200         200      200         200
relationships:calendar_revoke     post    login  302         302      302         302
relationships:program_health      get     login  404         404      200         200
relationships:concern_handled     post    login  404         404      302         404
relationships:detail              get     login  200         404      404         404
relationships:kickoff             get     login  200         404      404         404
relationships:schedule            get     login  200         404      404         404
relationships:meeting             get     login  200         404      404         404
relationships:meeting_ics         get     login  200         404      404         404
relationships:meeting_agenda_add  post    login  200         404      404         404
relationships:meeting_agenda_remove post  login  302         404      404         404
relationships:meeting_held        post    login  302         404      404         404
relationships:meeting_missed      post    login  302         404      404         404
relationships:meeting_reschedule  post    login  200         404      404         404
relationships:meeting_cancel      post    login  302         404      404         404
relationships:meeting_log         post    login  200         404      404         404
relationships:goal_new            get     login  200         404      404         404
relationships:goal                get     login  200         404      404         404
relationships:goal_progress       post    login  200         404      404         404
relationships:goal_done           post    login  302         404      404         404
relationships:goal_drop           post    login  302         404      404         404
relationships:milestone_toggle    post    login  302         404      404         404
relationships:note                post    login  302         404      404         404
relationships:concern             get     login  200         404      404         404
relationships:close               get     login  200         404      404         404
insights:organisation             get     login  403         403      403         200
insights:dashboard                get     login  404         404      200         200
insights:export                   get     login  404         404      200         200
insights:report                   get     login  404         404      200         200
insights:report_pdf               get     login  404         404      200         200
feedback:mine                     get     login  200         200      200         200
feedback:respond                  get     login  200         404      200         404
feedback:program                  get     login  404         404      200         200
feedback:create                   post    login  404         404      302         302
feedback:edit                     get     login  404         404      200         200
feedback:question                 get     login  404         404      200         200
feedback:settings                 post    login  404         404      200         200
feedback:question_add             post    login  404         404      200         200
feedback:question_up              post    login  404         404      302         302
feedback:question_down            post    login  404         404      302         302
feedback:question_delete          post    login  404         404      302         302
feedback:transition               post    login  404         404      302         302
feedback:results                  get     login  404         404      200         200
feedback:results_export           get     login  404         404      200         200
sso:status                        get     login  403         403      403         200
scim_admin:tokens                 get     login  403         403      403         200
scim_admin:token_revoke           post    login  403         403      403         302
scim:service_provider_config      get     401    401         401      401         401
scim:resource_types               get     401    401         401      401         401
scim:resource_type                get     401    401         401      401         401
scim:schemas                      get     401    401         401      401         401
scim:schema                       get     401    401         401      401         401
scim:users                        get     401    401         401      401         401
scim:users_search                 post    401    401         401      401         401
scim:user                         get     401    401         401      401         401
scim:groups                       get     401    401         401      401         401
scim:groups_search                post    401    401         401      401         401
scim:group                        get     401    401         401      401         401
scim:search                       post    401    401         401      401         401
scim:not_found                    get     404    404         404      404         404
integrations:slack                get     login  403         403      403         200
integrations:slack_events         post    401    401         401      401         401
integrations:slack_interactions   post    401    401         401      401         401
integrations:slack_commands       post    401    401         401      401         401
integrations:slack_channel        get     login  404         404      200         200
integrations:teams                 get     login  403         403      403         200
integrations:teams_package         get     login  403         403      403         200
integrations:teams_messages        post    401    401         401      401         401
integrations:slack_channel_unlink post    login  404         404      302         302
integrations:slack_channel_sync   post    login  404         404      302         302
integrations:teams_team           get     login  404         404      200         200
integrations:teams_team_unlink    post    login  404         404      302         302
integrations:teams_team_sync      post    login  404         404      302         302
learning:library                  get     login  200         200      200         200
learning:resource_new             get     login  403         403      200         200
learning:starter                  post    login  403         403      403         302
learning:usage                    get     login  403         403      200         200
learning:resource                 get     login  200         404      200         200
learning:resource_seen            post    login  204         404      204         204
learning:helpful                  post    login  302         404      302         302
learning:resource_file            get     login  200         404      200         200
learning:resource_edit            get     login  404         404      200         200
learning:resource_archive         post    login  404         404      302         302
learning:trainings                get     login  200         200      200         200
learning:training_new             get     login  403         403      200         200
learning:training                 get     login  200         404      200         200
learning:training_edit            get     login  404         404      200         200
learning:requirements             get     login  404         404      200         200
learning:requirement_remove       post    login  404         404      302         302
community:sessions                get     login  200         200      200         200
community:session_news            post    login  302         302      302         302
community:session_new             get     login  404         404      200         200
community:session                 get     login  200         404      200         200
community:session_edit            get     login  404         404      200         200
community:session_cancel          post    login  404         404      302         302
community:session_rsvp            post    login  302         404      302         302
community:session_unrsvp          post    login  302         404      302         302
community:session_ics             get     login  200         404      200         200
community:session_attendance      post    login  404         404      302         302
community:session_pulse           post    login  302         404      302         302
community:discussion              get     login  200         404      200         200
community:thread_new              get     login  200         404      200         200
community:follow                  post    login  302         404      302         302
community:reports                 get     login  404         404      200         200
community:thread                  get     login  200         404      200         200
community:thread_pin              post    login  404         404      302         302
community:thread_unpin            post    login  404         404      302         302
community:thread_lock             post    login  404         404      302         302
community:thread_unlock           post    login  404         404      302         302
community:thread_hide             post    login  404         404      302         302
community:thread_show             post    login  404         404      302         302
community:post_edit               get     login  200         404      404         404
community:post_delete             post    login  302         404      404         404
community:post_report             get     login  200         404      200         200
community:post_hide               post    login  404         404      302         302
community:post_show               post    login  404         404      302         302
community:report_dismiss          post    login  404         404      302         302
"""

API_RULES = """
method path                                                anon participant outsider coordinator admin
get    /api/people                                         401  403         403      200         200
get    /api/people/{person_id}                             401  200         404      200         200
get    /api/me                                             401  200         200      200         200
patch  /api/me                                             401  200         200      200         200
post   /api/imports                                        401  403         403      403         200
get    /api/imports                                        401  403         403      403         200
get    /api/imports/{batch_id}                             401  404         404      404         200
get    /api/programs                                       401  200         200      200         200
post   /api/programs                                       401  403         403      201         201
get    /api/programs/{program_id}                          401  200         404      200         200
patch  /api/programs/{program_id}                          401  404         404      200         200
post   /api/programs/{program_id}/transition               401  404         404      200         200
get    /api/programs/{program_id}/transition/{to}          401  404         404      200         200
post   /api/programs/{program_id}/duplicate                401  404         404      201         201
get    /api/programs/{program_id}/questions                401  200         404      200         200
post   /api/programs/{program_id}/questions                401  404         404      400         400
delete /api/programs/{program_id}/questions/{question_id}  401  404         404      400         400
get    /api/programs/{program_id}/enrolments               401  404         404      200         200
post   /api/programs/{program_id}/enrolments/import        401  404         404      422         422
get    /api/programs/{program_id}/invitations              401  404         404      200         200
post   /api/programs/{program_id}/invitations              401  404         404      422         422
get    /api/programs/{program_id}/enrolment                401  200         404      404         404
put    /api/programs/{program_id}/enrolment                401  200         404      400         400
delete /api/programs/{program_id}/enrolment                401  200         404      404         404
get    /api/programs/{program_id}/criteria                  401  404         404      200         200
post   /api/programs/{program_id}/criteria                  401  404         404      201         201
get    /api/programs/{program_id}/runs                      401  404         404      200         200
post   /api/programs/{program_id}/runs                      401  404         404      400         400
post   /api/programs/{program_id}/runs/import               401  404         404      400         400
get    /api/runs/{run_id}                                   401  404         404      200         200
get    /api/runs/{run_id}/proposals                         401  404         404      200         200
get    /api/runs/{run_id}/unmatched                         401  404         404      200         200
post   /api/runs/{run_id}/swap                              401  404         404      400         400
post   /api/runs/{run_id}/publish                           401  404         404      400         400
get    /api/programs/{program_id}/rules                     401  404         404      200         200
post   /api/programs/{program_id}/rules                     401  404         404      400         400
delete /api/programs/{program_id}/rules/{rule_id}           401  404         404      204         204
get    /api/matches                                         401  200         200      200         200
post   /api/matches/{membership_id}/answer                  401  200         404      404         404
get    /api/relationships                                   401  200         200      200         200
get    /api/relationships/{relationship_id}                 401  200         404      404         404
get    /api/relationships/{relationship_id}/slots           401  200         404      404         404
get    /api/relationships/{relationship_id}/meetings        401  200         404      404         404
post   /api/relationships/{relationship_id}/meetings        401  400         404      404         404
patch  /api/relationships/{relationship_id}/meetings/{meeting_id}         401  400  404  404  404
post   /api/relationships/{relationship_id}/meetings/{meeting_id}/cancel  401  200  404  404  404
post   /api/relationships/{relationship_id}/meetings/{meeting_id}/mark    401  400  404  404  404
get    /api/relationships/{relationship_id}/meetings/{meeting_id}/agenda  401  200  404  404  404
post   /api/relationships/{relationship_id}/meetings/{meeting_id}/agenda  401  400  404  404  404
put    /api/relationships/{relationship_id}/meetings/{meeting_id}/log     401  400  404  404  404
get    /api/relationships/{relationship_id}/notes           401  200         404      404         404
post   /api/relationships/{relationship_id}/notes           401  400         404      404         404
get    /api/relationships/{relationship_id}/goals           401  200         404      404         404
post   /api/relationships/{relationship_id}/goals           401  400         404      404         404
post   /api/relationships/{relationship_id}/goals/{goal_id}/progress      401  200  404  404  404
post   /api/relationships/{relationship_id}/concerns        401  201         404      404         404
post   /api/relationships/{relationship_id}/closing         401  400         404      404         404
get    /api/programs/{program_id}/health                    401  404         404      200         200
get    /api/programs/{program_id}/kpis                      401  404         404      200         200
get    /api/programs/{program_id}/surveys                   401  404         404      200         200
get    /api/surveys/{survey_id}/results                     401  404         404      200         200
get    /api/me/surveys                                      401  200         200      200         200
get    /api/me/notifications                                401  200         200      200         200
put    /api/me/notifications                                401  200         200      200         200
post   /api/surveys/{survey_id}/responses                   401  422         404      422         404
get    /api/library                                         401  200         200      200         200
get    /api/library/{resource_id}                           401  200         404      200         200
post   /api/library/{resource_id}/helpful                   401  200         404      200         200
get    /api/me/trainings                                    401  200         200      200         200
post   /api/trainings/{training_id}/complete                401  200         404      200         200
get    /api/sessions                                        401  200         200      200         200
get    /api/sessions/{session_id}                           401  200         404      200         200
post   /api/sessions                                        401  403         403      201         201
patch  /api/sessions/{session_id}                           401  404         404      200         200
post   /api/sessions/{session_id}/cancel                    401  404         404      200         200
get    /api/sessions/{session_id}/rsvps                     401  404         404      200         200
put    /api/sessions/{session_id}/attendance                401  404         404      400         400
post   /api/sessions/{session_id}/rsvp                      401  200         404      400         200
delete /api/sessions/{session_id}/rsvp                      401  200         404      200         200
get    /api/programs/{program_id}/threads                   401  200         404      200         200
post   /api/programs/{program_id}/threads                   401  201         404      201         201
get    /api/threads/{thread_id}/posts                       401  200         404      200         200
post   /api/threads/{thread_id}/posts                       401  201         404      201         201
patch  /api/posts/{post_id}                                 401  200         404      404         404
delete /api/posts/{post_id}                                 401  204         404      404         404
post   /api/posts/{post_id}/reports                         401  201         404      201         201
"""


def _expected(cells: list[str]) -> dict[str, object]:
    return {
        role: cell if cell == LOGIN else int(cell) for role, cell in zip(ROLES, cells, strict=True)
    }


PAGES = {
    row[0]: (row[1], _expected(row[2:]))
    for row in (line.split() for line in PAGE_RULES.strip().splitlines()[1:])
}
# Public pages: the same answer for everyone.
PUBLIC = {
    "accounts:login",
    "accounts:logout",
    "accounts:invitation",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "api:openapi-json",
    "api:openapi-view",
    "calendar_feed",  # authorised by its secret, revocable token (tested in relationships)
    # single sign-on: the identity provider's answer is the proof (tested in tests/sso)
    "sso:oidc_start",
    "sso:oidc_callback",
    "sso:saml_start",
    "sso:saml_acs",
    "sso:saml_metadata",
    "notify_public:action",  # authorised by its signed token (tested in tests/notify)
    "notify_public:unsubscribe",  # RFC 8058 one-click, signed token (tested in tests/notify)
    "health",  # for load balancers: figures only, no personal data (tests/core/test_health.py)
    "metrics",  # behind METRICS_TOKEN (tests/core/test_health.py)
}
API = {
    (row[0], row[1]): _expected(row[2:])
    for row in (line.split() for line in API_RULES.strip().splitlines()[1:])
}


@pytest.fixture
def world(admin, coordinator, participant, outsider):
    from tandem.accounts.services import api_token_create
    from tandem.scim.services.tokens import scim_token_create

    batch = ImportBatch.objects.create(
        created_by=admin,
        file_name="p.csv",
        file_size=20,
        sha256="0" * 64,
        content=b"Email,Name\nx@y.test,X\n",
    )
    applied = ImportBatch.objects.create(
        created_by=admin, file_name="done.csv", file_size=1, sha256="1" * 64, status="applied"
    )
    message = OutboxMessage.objects.create(
        event_key="e", recipient="x@y.test", kind="invitation", subject="s", body_text="b"
    )
    token, _ = api_token_create(user=participant, name="mine")
    scim_token, _ = scim_token_create(actor=admin, name="Entra ID")
    program = make_program(
        coordinator, name="Engineering peers", eligible_departments=[participant.person.department]
    )
    program.questions.exclude(key="goals").delete()
    question = program.questions.get()
    program = program_transition(actor=coordinator, program=program, to="enrolling")
    enrolment_submit(actor=participant, program=program, answers={question: "Grow"})
    cohort = CohortUpload.objects.create(
        program=program, created_by=coordinator, file_name="c.csv", content=b"Email\nx@y.test\n"
    )
    # Four more enrolled people: KPI pages answer only for a program of at least five.
    EnrolmentFactory.create_batch(4, program=program)
    criteria = current_criteria(program)
    run = MatchRun.objects.create(program=program, criteria=criteria, participants=2)
    relationship = Relationship.objects.create(program=program, run=run)
    membership = Membership.objects.create(
        relationship=relationship, person=participant.person, respond_by=timezone.localdate()
    )
    partner = PersonFactory(user__email="partner@example.com")
    Membership.objects.create(relationship=relationship, person=partner)
    start = timezone.now() + timedelta(days=2)
    meeting = Meeting.objects.create(
        relationship=relationship,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        timezone="Europe/Berlin",
        uid="world@test",
        organiser=participant.person,
    )
    goal = Goal.objects.create(
        relationship=relationship,
        owner=participant.person,
        title="Talks",
        metric="talks",
        target="2",
        target_date=timezone.localdate() + timedelta(days=30),
    )
    milestone = Milestone.objects.create(goal=goal, title="Outline")
    item = AgendaItem.objects.create(meeting=meeting, added_by=participant.person, text="Talks")
    concern = Concern.objects.create(
        program=program, relationship=relationship, raised_by=participant.person, text="Hm"
    )
    rule = PairRule.objects.create(
        program=program, kind="forbid", first=participant.person, second=coordinator.person
    )
    feedback = feedback_world(program, [participant.person, coordinator.person])
    learning = learning_world(program, admin, coordinator)
    community = community_world(program, participant, coordinator)
    erasure = ErasureRequest.objects.create(
        person=PersonFactory(user__email="erase.me@example.com"), due_at=timezone.now()
    )
    users = {
        "participant": participant,
        "outsider": outsider,
        "coordinator": coordinator,
        "admin": admin,
    }
    return {
        "users": users,
        "kwargs": {
            "people:person": {"person_id": participant.person.pk},
            "people:import_preview": {"batch_id": batch.pk},
            "people:import_result": {"batch_id": applied.pk},
            "people:import_discard": {"batch_id": batch.pk},
            "people:import_apply": {"batch_id": batch.pk},
            "people:erasure_carry_out": {"erasure_id": erasure.pk},
            "people:erasure_request_for": {"person_id": participant.person.pk},
            "notify:message": {"message_id": message.pk},
            "accounts:token_revoke": {"token_id": token.pk},
            "scim_admin:token_revoke": {"token_id": scim_token.pk},
            "scim:resource_type": {"name": "User"},
            "scim:schema": {"urn": "urn:ietf:params:scim:schemas:core:2.0:User"},
            "scim:user": {"resource_id": str(participant.person.pk)},
            "scim:group": {"resource_id": "1"},
            "scim:not_found": {"rest": "Nothing"},
            **{
                name: {"program_id": program.pk}
                for name in PAGES
                if name.startswith("programs:") and name not in ("programs:list", "programs:create")
            },
            "programs:question": {"program_id": program.pk, "question_id": question.pk},
            "programs:stage": {"program_id": program.pk, "to": "closed"},
            "programs:cohort_preview": {"program_id": program.pk, "upload_id": cohort.pk},
            **{
                name: {"membership_id": membership.pk}
                for name in PAGES
                if name.startswith("matches:my_match")
            },
            "matches:program": {"program_id": program.pk},
            "matches:rotation_pause": {"program_id": program.pk},
            "matches:criteria": {"program_id": program.pk},
            "matches:run_create": {"program_id": program.pk},
            "matches:run_import": {"program_id": program.pk},
            "matches:compare": {"program_id": program.pk},
            "matches:rule_remove": {"program_id": program.pk, "rule_id": rule.pk},
            "matches:relationship_end": {
                "program_id": program.pk,
                "relationship_id": relationship.pk,
            },
            "matches:run": {"run_id": run.pk},
            **{
                f"matches:run_{action}": {"run_id": run.pk}
                for action in ("publish", "discard", "rerun", "swap", "lock", "forbid")
            },
            "matches:fairness": {"run_id": run.pk},
            "relationships:program_health": {"program_id": program.pk},
            "relationships:concern_handled": {"program_id": program.pk, "concern_id": concern.pk},
            "insights:dashboard": {"program_id": program.pk},
            "insights:export": {"program_id": program.pk, "fmt": "csv"},
            "insights:report": {"program_id": program.pk},
            "insights:report_pdf": {"program_id": program.pk},
            **{
                name: {"relationship_id": relationship.pk}
                for name in (
                    "relationships:detail",
                    "relationships:kickoff",
                    "relationships:schedule",
                    "relationships:goal_new",
                    "relationships:note",
                    "relationships:concern",
                    "relationships:close",
                )
            },
            **{
                name: {"relationship_id": relationship.pk, "meeting_id": meeting.pk}
                for name in PAGES
                if name.startswith("relationships:meeting")
            },
            "relationships:meeting_agenda_remove": {
                "relationship_id": relationship.pk,
                "meeting_id": meeting.pk,
                "item_id": item.pk,
            },
            **{
                name: {"relationship_id": relationship.pk, "goal_id": goal.pk}
                for name in PAGES
                if name.startswith("relationships:goal") and name != "relationships:goal_new"
            },
            "relationships:milestone_toggle": {
                "relationship_id": relationship.pk,
                "goal_id": goal.pk,
                "milestone_id": milestone.pk,
            },
            "programs:question_up": {"program_id": program.pk, "question_id": question.pk},
            "programs:question_down": {"program_id": program.pk, "question_id": question.pk},
            "programs:question_delete": {"program_id": program.pk, "question_id": question.pk},
            **feedback["kwargs"],
            **learning["kwargs"],
            **community["kwargs"],
            **{
                name: {"program_id": program.pk}
                for name in PAGES
                if name.startswith(("integrations:slack_channel", "integrations:teams_team"))
            },
        },
        # what a form posts, where an empty POST would be refused before access is decided
        "data": {
            f"matches:run_{action}": {
                "first": participant.person.pk,
                "second": coordinator.person.pk,
            }
            for action in ("swap", "lock", "forbid")
        }
        | {"programs:stage": {"confirmation": "Engineering peers"}},
        "api_ids": {
            "person_id": participant.person.pk,
            "batch_id": applied.pk,
            "program_id": program.pk,
            "question_id": question.pk,
            "run_id": run.pk,
            "rule_id": rule.pk,
            "membership_id": membership.pk,
            "relationship_id": relationship.pk,
            "meeting_id": meeting.pk,
            "goal_id": goal.pk,
            "to": "closed",
            **feedback["ids"],
            **learning["ids"],
            **community["ids"],
        },
    }


LEARNING_PAYLOADS = {
    ("post", "/api/library/{resource_id}/helpful"): {"helpful": True},
    ("post", "/api/trainings/{training_id}/complete"): {"answers": [0]},
}


def _client(world, role: str) -> Client:
    return Client() if role == "anon" else client_for(world["users"][role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_access(world, name, role):
    method, expected = PAGES[name]
    url = reverse(name, kwargs=world["kwargs"].get(name))
    response = getattr(_client(world, role), method)(url, world["data"].get(name, {}))
    if expected[role] == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected[role], f"{role} {method.upper()} {url}"


def _api_payload(method: str, path: str) -> dict:
    if path in (
        "/api/imports",
        "/api/programs/{program_id}/enrolments/import",
        "/api/programs/{program_id}/runs/import",
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return {
            "data": {
                "file": SimpleUploadedFile("p.csv", b"Email,Name\nnew@y.test,New\n"),
                "dry_run": "true",
            }
        }
    payloads = {
        ("patch", "/api/me"): {"goals": "Learn to delegate"},
        ("put", "/api/me/notifications"): {"channels": {"nudges": "off"}},
        ("post", "/api/programs"): {"name": "New one", "kind": "peer_pairs"},
        ("post", "/api/programs/{program_id}/invitations"): {"emails": ["nobody@y.test"]},
        ("patch", "/api/programs/{program_id}"): {"cohort": "2027"},
        ("post", "/api/programs/{program_id}/transition"): {
            "to": "closed",
            "confirmation": "Engineering peers",
        },
        ("post", "/api/programs/{program_id}/questions"): {
            "kind": "text",
            "label": "Anything else?",
        },
        ("put", "/api/programs/{program_id}/enrolment"): {
            "accept": True,
            "answers": {"goals": "Grow"},
        },
        ("post", "/api/programs/{program_id}/criteria"): {
            "criteria": [{"field": "level", "rule": "close", "weight": 2}]
        },
        ("post", "/api/programs/{program_id}/runs"): {"label": "x"},
        ("post", "/api/runs/{run_id}/swap"): {"first": 1, "second": 2},
        ("post", "/api/programs/{program_id}/rules"): {"first": 1, "second": 2, "kind": "lock"},
        ("post", "/api/matches/{membership_id}/answer"): {"accept": True},
        ("post", "/api/relationships/{relationship_id}/meetings"): {
            "starts_at": "2030-01-07T10:00:00+01:00"
        },
        ("patch", "/api/relationships/{relationship_id}/meetings/{meeting_id}"): {
            "starts_at": "2020-01-07T10:00:00+01:00"
        },
        ("post", "/api/relationships/{relationship_id}/meetings/{meeting_id}/mark"): {"held": True},
        ("post", "/api/relationships/{relationship_id}/meetings/{meeting_id}/agenda"): {
            "text": "Talks"
        },
        ("put", "/api/relationships/{relationship_id}/meetings/{meeting_id}/log"): {"topics": []},
        ("post", "/api/relationships/{relationship_id}/notes"): {"text": "note"},
        ("post", "/api/relationships/{relationship_id}/goals"): {
            "title": "x",
            "metric": "y",
            "target": "z",
            "target_date": "2030-01-01",
        },
        ("post", "/api/relationships/{relationship_id}/goals/{goal_id}/progress"): {"progress": 30},
        ("post", "/api/relationships/{relationship_id}/concerns"): {
            "kind": "other",
            "text": "Hello",
        },
        ("post", "/api/relationships/{relationship_id}/closing"): {
            "achieved": "a",
            "learned": "b",
            "would_recommend_partner": True,
            "would_do_again": True,
        },
        ("post", "/api/surveys/{survey_id}/responses"): {"answers": {}},
        ("post", "/api/sessions"): {
            "kind": "lunch_learn",
            "title": "Open to all",
            "starts_at": "2030-01-07T12:00:00+01:00",
            "announce": False,
        },
        ("patch", "/api/sessions/{session_id}"): {"capacity": 30},
        ("put", "/api/sessions/{session_id}/attendance"): {"present": []},
        ("post", "/api/programs/{program_id}/threads"): {"title": "Hi", "body": "Hello"},
        ("post", "/api/threads/{thread_id}/posts"): {"body": "Me too"},
        ("patch", "/api/posts/{post_id}"): {"body": "Edited"},
        ("post", "/api/posts/{post_id}/reports"): {"reason": "Off topic"},
    }
    payloads |= LEARNING_PAYLOADS
    if (method, path) in payloads:
        return {"data": payloads[(method, path)], "content_type": "application/json"}
    return {}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), sorted(API))
def test_api_access(world, method, path, role):
    url = path.format(**world["api_ids"])
    response = getattr(_client(world, role), method)(url, **_api_payload(method, path))
    assert response.status_code == API[(method, path)][role], response.content[:300]


def _named_routes(resolver: URLResolver, prefix: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _named_routes(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_page_has_an_access_rule():
    routes = {n for n in _named_routes(get_resolver()) if not n.startswith("api:") or n in PUBLIC}
    api_operations = {n for n in _named_routes(get_resolver()) if n.startswith("api:")} - PUBLIC
    assert api_operations, "the API routes were not found"
    missing = routes - set(PAGES) - PUBLIC
    assert not missing, f"pages without an access rule: {sorted(missing)}"


def test_every_api_operation_has_an_access_rule():
    schema = api.get_openapi_schema()
    operations = {(m, p) for p, methods in schema["paths"].items() for m in methods}
    assert operations == set(API)


def test_the_menu_offers_each_role_only_the_pages_it_may_open(admin, coordinator, participant):
    admin_only = ("/people/import/", "/outbox/", "/audit/", "/insights/")
    pages = {user: client_for(user).get("/").content.decode() for user in (admin, coordinator)}
    pages[participant] = client_for(participant).get("/").content.decode()
    for path in admin_only:
        assert f'href="{path}' in pages[admin]
        assert f'href="{path}' not in pages[coordinator]
        assert f'href="{path}' not in pages[participant]
    assert 'href="/people/"' in pages[coordinator] and 'href="/people/"' not in pages[participant]
