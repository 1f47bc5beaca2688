"""A run's payslips a page at a time, with the sums over all of them (payroll.md §5).

A cooperative of ten thousand members has runs of ten thousand payslips. Shown whole, one run's page took ten
seconds and twenty megabytes of HTML, and its API answer four seconds and fifteen megabytes. The office's page
and ``GET /api/v1/payroll-runs/{id}/payslips`` read one page of payslips and the run's sums instead, each in
a fixed number of statements whatever the run's size. The API's answer with the whole run reads no snapshots
(``shown_payslips``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, TypeVar

from sqlalchemy import Row, case, func, literal, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, defer, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from kooperativet.core.money import ZERO
from kooperativet.db import table_of
from kooperativet.payroll.models import (
    DraftPayslip,
    DraftPayslipLine,
    PayrollRun,
    Payslip,
    PayslipLine,
    RunStatus,
)

#: The amounts a run's sums cover (columns of both ``DraftPayslip`` and ``Payslip``).
SUMMED: Final = (
    "gross_salary", "holiday_pay", "tax", "employer_contributions", "expense_reimbursement", "net_pay",
)  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class RunSums:
    """A whole run's payslips in figures: how many, the sums of their amounts, and on a draft how many cannot
    be paid (``DraftPayslip.bank_problem``: approval refuses the run until they can)."""

    payslips: int
    gross_salary: Decimal
    holiday_pay: Decimal
    tax: Decimal
    employer_contributions: Decimal
    expense_reimbursement: Decimal
    net_pay: Decimal
    unpayable: int


def run_sums(session: Session, *, run: PayrollRun) -> RunSums:
    """The sums over every payslip of ``run`` (a draft's as stored, or the issued ones), in one statement."""
    is_draft = run.status == RunStatus.draft
    table: type[DraftPayslip] | type[Payslip] = DraftPayslip if is_draft else Payslip
    unpayable = func.count(DraftPayslip.bank_problem) if is_draft else literal(0)  # issued ones are payable
    count, *amounts, blocked = session.execute(
        select(
            func.count(table.id),
            *(func.coalesce(func.sum(getattr(table, name)), 0) for name in SUMMED),
            unpayable,
        ).where(table.run_id == run.id)
    ).one()
    sums = {name: Decimal(str(amount)).quantize(ZERO) for name, amount in zip(SUMMED, amounts, strict=True)}
    return RunSums(payslips=count, unpayable=blocked or 0, **sums)


def run_payslip_page(
    session: Session, *, run: PayrollRun, limit: int, offset: int, viewer_member_id: int | None = None
) -> list[DraftPayslip] | list[Payslip]:
    """``limit`` of the run's payslips from ``offset`` (two statements: the payslips, then their lines).

    Issued payslips come in number order. A draft's come with those that stop its approval first — a member
    who cannot be paid, and the viewer's own pay (``viewer_member_id``; nobody approves her own) — then by
    member, so that the treasurer finds them on the first page of ten thousand."""
    if run.status != RunStatus.draft:
        issued = select(Payslip).where(Payslip.run_id == run.id).order_by(Payslip.sequence)
        return list(session.scalars(issued.limit(limit).offset(offset)))
    stops_approval = or_(DraftPayslip.bank_problem.is_not(None), DraftPayslip.member_id == viewer_member_id)
    drafts = (
        select(DraftPayslip)
        .where(DraftPayslip.run_id == run.id)
        .order_by(case((stops_approval, 0), else_=1), DraftPayslip.member_id)
    )
    return list(session.scalars(drafts.limit(limit).offset(offset)))


def shown_payslips(
    session: Session, *, run: PayrollRun
) -> tuple[list[DraftPayslip] | list[Payslip], dict[int, list[Row[Any]]]]:
    """Every payslip of ``run`` as the API answers the whole run, and their lines by payslip id: issued ones
    in number order, a draft's as stored, by member (two statements: the payslips, then their lines).

    The answer gives each payslip's name, amounts and lines, not its snapshot, so the snapshots are not read:
    several kilobytes each to fetch, decrypt and parse, they took more than half of the answer's time for a
    run of ten thousand payslips. The name is the payslip's own column (``employee_name``, the snapshot's
    name); a payslip stored before that column existed has it empty and gets its snapshot, all such
    payslips of the run in one more statement. The lines are plain rows, not ORM objects: twenty thousand
    of those cost a third of what remained."""
    if run.status == RunStatus.draft:
        drafts = _without_snapshots(session, DraftPayslip, run=run, order=DraftPayslip.member_id)
        return drafts, _lines_by_payslip(session, DraftPayslipLine, "draft_payslip_id", DraftPayslip, run=run)
    issued = _without_snapshots(session, Payslip, run=run, order=Payslip.sequence)
    return issued, _lines_by_payslip(session, PayslipLine, "payslip_id", Payslip, run=run)


StoredT = TypeVar("StoredT", DraftPayslip, Payslip)


def _without_snapshots(
    session: Session, entity: type[StoredT], *, run: PayrollRun, order: InstrumentedAttribute[int]
) -> list[StoredT]:
    of_run = entity.run_id == run.id
    # The lines are read apart (``_lines_by_payslip``); a caller asking a payslip for its own still gets them.
    unread = (defer(entity.snapshot), lazyload(entity.lines))
    shown = select(entity).where(of_run).order_by(order).options(*unread)
    payslips = list(session.scalars(shown))
    if any(payslip.employee_name is None for payslip in payslips):
        by_id = {payslip.id: payslip for payslip in payslips}
        older = select(entity.id, entity.snapshot).where(of_run, entity.employee_name.is_(None))
        for payslip_id, snapshot in session.execute(older):
            set_committed_value(by_id[payslip_id], "snapshot", snapshot)
    return payslips


def _lines_by_payslip(
    session: Session,
    lines: type[DraftPayslipLine] | type[PayslipLine],
    parent: str,
    payslips: type[DraftPayslip] | type[Payslip],
    *,
    run: PayrollRun,
) -> dict[int, list[Row[Any]]]:
    """The lines of the run's ``payslips`` as plain rows by payslip id (``parent`` names the line's column
    that holds it), each payslip's in order."""
    table = table_of(lines)
    of_run = select(payslips.id).where(payslips.run_id == run.id)
    rows = session.execute(
        select(table).where(table.c[parent].in_(of_run)).order_by(table.c[parent], table.c.position)
    )
    by_payslip: dict[int, list[Row[Any]]] = {}
    for row in rows:
        by_payslip.setdefault(row._mapping[parent], []).append(row)
    return by_payslip
