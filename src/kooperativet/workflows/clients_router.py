"""The clients a caller may see: a private-person client only to the office and the members who have an
assignment for her, which the assignments say. Registering and changing clients is ``parties.router``."""

from __future__ import annotations

from fastapi import APIRouter

from kooperativet.api.dependencies import DbSession, Window
from kooperativet.api.problems import problem_responses
from kooperativet.api.types import Page
from kooperativet.assignments.service import clients_worked_for
from kooperativet.auth.dependencies import CurrentUser
from kooperativet.parties import service
from kooperativet.parties.schemas import ClientRead

router = APIRouter(prefix="/api/v1")


@router.get("/clients", tags=["clients"], responses=problem_responses(401, 422))
def list_clients(
    user: CurrentUser,
    session: DbSession,
    window: Window,
    q: str | None = None,
    public_sector: bool | None = None,
    country: str | None = None,
) -> Page[ClientRead]:
    """Clients, filtered by name, public-sector flag or country. A private person is listed only to the
    treasurer, the admin and the members who have an assignment for her."""
    rows, total = service.list_clients(
        session,
        worked_for=clients_worked_for(actor=user),
        limit=window.limit,
        offset=window.offset,
        q=q,
        public_sector=public_sector,
        country=country,
    )
    return window.page([ClientRead.model_validate(c) for c in rows], total)


@router.get("/clients/{client_id}", tags=["clients"], responses=problem_responses(401, 404))
def get_client(client_id: int, user: CurrentUser, session: DbSession) -> ClientRead:
    """One client; a private person is 404 to a member who has no assignment for her."""
    client = service.get_client(session, client_id=client_id, worked_for=clients_worked_for(actor=user))
    return ClientRead.model_validate(client)
