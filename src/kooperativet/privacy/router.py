from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from kooperativet.api.dependencies import DbSession, Now, Today
from kooperativet.api.problems import problem_responses
from kooperativet.auth import policy
from kooperativet.auth.dependencies import AdminUser, CurrentUser
from kooperativet.errors import PermissionDenied
from kooperativet.parties import service as parties_service
from kooperativet.parties.schemas import MemberRead
from kooperativet.privacy import removal, service
from kooperativet.privacy.schemas import MemberRemoved

router = APIRouter(prefix="/api/v1", tags=["members"])


@router.get("/members/{member_id}/data-export", responses=problem_responses(401, 403, 404))
def export_member_data(member_id: int, user: CurrentUser, session: DbSession, clock: Now) -> dict[str, Any]:
    """Everything stored about a member, as JSON: the member asks for their own (GDPR art. 15); the treasurer
    and the admin answer a member's request. Documents are listed by SHA-256 and downloaded one by one."""
    member = parties_service.get_member(session, member_id=member_id, actor=user)
    if not policy.may_act_on(user, owner_user_id=member.user_id):
        # The auditor reads the register masked; the unmasked export answers the member's own request.
        raise PermissionDenied("the data export is for the member herself, the treasurer and the admin")
    return service.member_data(session, member=member, generated_at=clock)


@router.post("/members/{member_id}/pseudonymise", responses=problem_responses(401, 403, 404, 409))
def pseudonymise_member(
    member_id: int, user: AdminUser, session: DbSession, today: Today, clock: Now
) -> MemberRemoved:
    """Remove a member who has left (admin): name, contact details, bank accounts and login are replaced or
    cleared; personnummer, membership dates, tax settings, payslips and invoices are kept for seven years as
    bookkeeping law requires (GDPR art. 17(3)(b)). See docs/personal-data.md."""
    member = parties_service.get_member(session, member_id=member_id, actor=user)
    retained_until = removal.pseudonymise_member(session, member=member, actor=user, today=today, now=clock)
    return MemberRemoved(member=MemberRead.model_validate(member), retained_until=retained_until)
