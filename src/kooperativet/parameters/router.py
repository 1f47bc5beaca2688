from __future__ import annotations

from fastapi import APIRouter, status

from kooperativet.api.dependencies import DbSession, Today
from kooperativet.api.problems import problem_responses
from kooperativet.auth.dependencies import AdminUser, CurrentUser
from kooperativet.parameters import service
from kooperativet.parameters.schemas import ParameterRead, ParameterValueCreate, ParameterValueRead

router = APIRouter(prefix="/api/v1", tags=["parameters"])


@router.get("/parameters", responses=problem_responses(401))
def list_parameters(_user: CurrentUser, session: DbSession, today: Today) -> list[ParameterRead]:
    """Every parameter with its dated values and the one in force today."""
    return [ParameterRead.model_validate(p) for p in service.parameters(session, on=today)]


@router.get("/parameters/{key}", responses=problem_responses(401, 404))
def get_parameter(key: str, _user: CurrentUser, session: DbSession, today: Today) -> ParameterRead:
    """One parameter's dated values, each with its source."""
    return ParameterRead.model_validate(service.parameter(session, key=key, on=today))


@router.post(
    "/parameters/{key}/values",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def add_parameter_value(
    key: str, body: ParameterValueCreate, admin: AdminUser, session: DbSession
) -> ParameterValueRead:
    """Add a value valid from a date (admin). A value already valid from that date is a 409."""
    service.spec_for_key(key)
    row = service.add_value(
        session,
        key=key,
        valid_from=body.valid_from,
        value=body.value,
        source=body.source,
        decision_reference=body.decision_reference,
        created_by_id=admin.id,
    )
    return ParameterValueRead.model_validate(row)
