from typing import Annotated

from ninja import Router, Schema
from pydantic import Field

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError
from tandem.core.replica import replica_reads
from tandem.core.schemas import Id, errors
from tandem.insights import kpis
from tandem.programs.selectors import access_program_as_coordinator

router = Router(tags=["insights"])


class KpiOut(Schema):
    key: str
    label: str
    value: float | None
    display: str
    detail: str
    n: int


class PointOut(Schema):
    label: str
    value: float


class DashboardOut(Schema):
    program_id: int
    kpis: list[KpiOut]
    charts: dict[str, list[PointOut]]


@router.get(
    "/programs/{program_id}/kpis",
    response={200: DashboardOut, **errors(404, 409, 422)},
    summary="The program's KPIs and chart series (coordinators; small groups refused)",
)
def program_kpis(
    request: AuthenticatedHttpRequest,
    program_id: Id,
    department_id: Id | None = None,
    level: Annotated[int, Field(ge=0, le=100)] | None = None,
) -> DashboardOut:
    user = request.user
    with replica_reads(request):
        program = access_program_as_coordinator(user=user, program_id=program_id)
        board = kpis.dashboard(program, kpis.Filters(department_id=department_id, level=level))
    log_action(
        "insights.kpis_read",
        actor=user,
        target=program,
        request=request,
        data={"department_id": department_id, "level": level, "refused": bool(board.refused)},
    )
    if board.refused:
        raise ApplicationError(board.refused, status=409)
    return DashboardOut.model_validate(
        {
            "program_id": program.pk,
            "kpis": board.kpis,
            "charts": {
                "signups": board.signups,
                "meetings": board.meetings_histogram,
                "reciprocity": board.reciprocity,
                "health": board.health,
                "goals": board.goals,
            },
        },
        from_attributes=True,
    )
