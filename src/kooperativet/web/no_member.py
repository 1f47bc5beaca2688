"""A login with the member role but no member record (the demo's treasurer and chair, a member the office
has not linked yet): her own pages say so, as "My commissions" does, rather than answer "not found" to a
link the menu gave her."""

from __future__ import annotations

from typing import Final

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from kooperativet.auth.models import User
from kooperativet.errors import NotFound
from kooperativet.parties import service as parties_service
from kooperativet.parties.models import Member
from kooperativet.web.i18n import N_
from kooperativet.web.templating import gettext, render

NO_PAY: Final = N_(
    "No member record is linked to your account, so you have no pay or payslips here. Ask the treasurer."
)
NO_DETAILS: Final = N_(
    "No member record is linked to your account, so there are no member details to show here. Ask the "
    "treasurer."
)


def own_member(session: Session, *, user: User) -> Member | None:
    """Her member record, through the same service as the API's ``GET /members/me``; None without one."""
    try:
        return parties_service.get_own_member(session, actor=user)
    except NotFound:
        return None


def no_member_page(request: Request, *, title: str, message: str) -> Response:
    """The page in place of hers: its own heading, and why there is nothing (200, as the list of commissions
    answers)."""
    return render(
        request,
        "no_member.html",
        {"title": gettext(request, title), "message": gettext(request, message)},
    )
