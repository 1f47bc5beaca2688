"""Reading and listing issued payslips, and who may see which."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role, User
from kooperativet.db import count_rows
from kooperativet.errors import NotFound
from kooperativet.parties.models import Member
from kooperativet.payroll.models import Payslip


def _sees_all_payslips(user: User) -> bool:
    return user.has_any_role(Role.treasurer, Role.admin)


def get_payslip(session: Session, *, payslip_id: int, actor: User) -> Payslip:
    """A payslip: the treasurer and admin see any; a member only their own (others are 404)."""
    payslip = session.get(Payslip, payslip_id)
    if payslip is None or not (_sees_all_payslips(actor) or _owns(session, payslip, actor)):
        raise NotFound(f"payslip {payslip_id} does not exist")
    return payslip


def _owns(session: Session, payslip: Payslip, actor: User) -> bool:
    member = session.get(Member, payslip.member_id)
    return member is not None and member.user_id == actor.id


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
    query = select(Payslip)
    if not _sees_all_payslips(actor):
        query = query.join(Member, Member.id == Payslip.member_id).where(Member.user_id == actor.id)
    if member_id is not None:
        query = query.where(Payslip.member_id == member_id)
    if run_id is not None:
        query = query.where(Payslip.run_id == run_id)
    if year is not None:
        query = query.where(Payslip.year == year)
    total = count_rows(session, query)
    rows = session.scalars(
        query.order_by(Payslip.pay_date.desc(), Payslip.id.desc()).limit(limit).offset(offset)
    )
    return list(rows), total


def run_payslips(session: Session, *, run_id: int) -> list[Payslip]:
    return list(session.scalars(select(Payslip).where(Payslip.run_id == run_id).order_by(Payslip.sequence)))
