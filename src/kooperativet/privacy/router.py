from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from kooperativet.api.dependencies import DbSession, Now
from kooperativet.api.problems import problem_responses
from kooperativet.auth.dependencies import CurrentUser
from kooperativet.parties import service as parties_service
from kooperativet.privacy import service

router = APIRouter(prefix="/api/v1", tags=["members"])


@router.get("/members/{member_id}/data-export", responses=problem_responses(401, 404))
def export_member_data(member_id: int, user: CurrentUser, session: DbSession, clock: Now) -> dict[str, Any]:
    """Everything stored about a member, as JSON: the member asks for their own (GDPR art. 15); the treasurer
    and the admin answer a member's request. Documents are listed by SHA-256 and downloaded one by one."""
    member = parties_service.get_member(session, member_id=member_id, actor=user)
    return service.member_data(session, member=member, generated_at=clock)
