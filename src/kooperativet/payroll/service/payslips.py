"""Reading and listing issued payslips, and who may see which."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.db import fetch_page
from kooperativet.errors import NotFound
from kooperativet.parties.ownership import owner_user_id, user_of_member
from kooperativet.payroll.models import Payslip


def get_payslip(session: Session, *, payslip_id: int, actor: User) -> Payslip:
    """A payslip: the office sees any; a member only their own (others are 404)."""
    payslip = session.get(Payslip, payslip_id)
    if payslip is None or not policy.may_see(actor, owner_user_id=user_of_member(session, payslip.member_id)):
        raise NotFound(f"payslip {payslip_id} does not exist")
    return payslip


def list_payslips(
    session: Session,
    *,
    actor: User,
    limit: int,
    offset: int,
    member_id: int | None = None,
    run_id: int | None = None,
    year: int | None = None,
) -> tuple[list[Payslip], int]:
    """Payslips newest first; a member sees only their own whatever the filters say."""
    query = policy.only_own(select(Payslip), actor, owner_user_id=owner_user_id(Payslip.member_id))
    if member_id is not None:
        query = query.where(Payslip.member_id == member_id)
    if run_id is not None:
        query = query.where(Payslip.run_id == run_id)
    if year is not None:
        query = query.where(Payslip.year == year)
    return fetch_page(
        session,
        query,
        limit=limit,
        offset=offset,
        order=[Payslip.pay_date.desc()],
        tiebreak=Payslip.id.desc(),
    )


def run_payslips(session: Session, *, run_id: int) -> list[Payslip]:
    return list(session.scalars(select(Payslip).where(Payslip.run_id == run_id).order_by(Payslip.sequence)))
