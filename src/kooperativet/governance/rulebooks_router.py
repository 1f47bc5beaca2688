"""Rulebooks over HTTP: the dated rules (majorities, quorum, notice, proxies, secret ballots) that govern
meetings; anyone signed in reads them, the admin adds a version.
"""

from __future__ import annotations

from fastapi import APIRouter, status

from kooperativet.api.dependencies import DbSession
from kooperativet.api.problems import problem_responses
from kooperativet.auth.dependencies import AdminUser, CurrentUser
from kooperativet.governance import rulebooks
from kooperativet.governance.schemas.rulebooks import RulebookCreate, RulebookRead

router = APIRouter(prefix="/api/v1/governance", tags=["governance"])


@router.get("/rulebooks", responses=problem_responses(401))
def list_rulebooks(_user: CurrentUser, session: DbSession) -> list[RulebookRead]:
    """Every dated rulebook version (majorities, quorum, notice, proxies, secret ballots)."""
    return [RulebookRead.model_validate(v) for v in rulebooks.list_rulebooks(session)]


@router.post(
    "/rulebooks", status_code=status.HTTP_201_CREATED, responses=problem_responses(401, 403, 409, 422)
)
def add_rulebook(body: RulebookCreate, _admin: AdminUser, session: DbSession) -> RulebookRead:
    """Add a rulebook version valid from a date (admin): meetings on or after it are governed by it."""
    return RulebookRead.model_validate(rulebooks.add_rulebook(session, data=body))
