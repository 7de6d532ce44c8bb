from __future__ import annotations

from tandem.demo.feedback import seed_feedback
from tandem.feedback import selectors
from tandem.feedback.models import Survey
from tandem.programs.models import Program
from tests.feedback.conftest import started_program


def test_demo_surveys_have_history_and_an_open_check_in(coordinator):
    program = started_program(coordinator, 20, days_ago=21)
    Program.objects.filter(pk=program.pk).update(name="Peer Mentoring Pilot")
    participant = program.enrolments.first().person

    seed_feedback(coordinator_email=coordinator.email, participant_email=participant.user.email)

    kickoff = Survey.objects.get(program=program, kind="kickoff_pulse")
    checkin = Survey.objects.get(program=program, kind="checkin", wave=1)
    assert (kickoff.status, checkin.status) == ("closed", "open")
    rate = selectors.response_rate(kickoff)
    assert rate.invited == 20 and 10 <= rate.responded < 20
    mine = {m.survey.pk: m.answered for m in selectors.my_surveys(participant.user)}
    assert mine == {checkin.pk: False}  # the kickoff is closed; the check-in waits for them
    results = selectors.survey_results(
        user=coordinator, survey_id=kickoff.pk, breakdown="department"
    )
    assert results.respondents.total.shown
    # stored groups are coarsened at close until each is shared by k: every group with answers
    # holds at least k of them (issue 17)
    assert results.respondents.groups
    assert all(cell.n is None or cell.n >= kickoff.k_scores for cell in results.respondents.groups)
