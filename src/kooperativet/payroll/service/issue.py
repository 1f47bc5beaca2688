"""Issuing a run's payslips at approval: the stored draft, numbered (payroll.md §5).

The draft payslips already hold every value an issued payslip has (``drafts``); issuing takes a block of
gap-free numbers and copies them, in the draft's order (members by id), in one INSERT … SELECT for the
payslips and one for their lines. Nothing is calculated, encrypted or serialised again: the database copies
the rows, so approving twenty thousand payouts costs about what approving ten does. The snapshots are not
copied at all: each is a row of its own for the run and member (``PayslipSnapshot``), which the issued
payslip reads as its draft did.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, func, insert, literal, select
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment
from kooperativet.db import table_of, zero_padded
from kooperativet.invoices.models import Invoice, InvoiceKind
from kooperativet.numbering import take_next_sequence, take_sequences
from kooperativet.payroll.models import (
    DraftPayslip,
    DraftPayslipLine,
    PayrollRun,
    Payslip,
    PayslipLine,
    PayslipLineValues,
    PayslipNumberCounter,
    PayslipValues,
    RunPayout,
)
from kooperativet.payroll.service.snapshot import WorkPeriod


def take_payslip_number(session: Session, *, year: int) -> int:
    """The next payslip sequence of ``year``, from the shared gap-free counter (``numbering``)."""
    return take_next_sequence(session, PayslipNumberCounter, year=year)


def payslip_number(year: int, sequence: int) -> str:
    return f"L{year}-{sequence:05d}"


def _number_sql(year: int, sequence: ColumnElement[Any]) -> ColumnElement[Any]:
    """``payslip_number`` in SQL, for the copy below."""
    return literal(f"L{year}-") + zero_padded(sequence, 5)


#: The columns a payslip and its draft share, and those a line and a draft line share (the mixins').
VALUE_COLUMNS = tuple(PayslipValues.__annotations__)
LINE_COLUMNS = tuple(PayslipLineValues.__annotations__)


def issue_draft(
    session: Session, *, run: PayrollRun, count: int, issued_by_id: int, issued_at: datetime
) -> list[str]:
    """Issue the run's ``count`` stored draft payslips with the next block of numbers; their numbers."""
    if not count:
        return []
    year = run.pay_date.year
    sequences = take_sequences(session, PayslipNumberCounter, count, year=year)
    drafts = table_of(DraftPayslip)
    sequence = (func.row_number().over(order_by=drafts.c.member_id) + (sequences.start - 1)).cast(Integer)
    payslips = table_of(Payslip)
    constants = {
        "year": literal(year, payslips.c.year.type),
        "pay_date": literal(run.pay_date, payslips.c.pay_date.type),
        "issued_by_id": literal(issued_by_id, payslips.c.issued_by_id.type),
        "issued_at": literal(issued_at, payslips.c.issued_at.type),
    }
    copied = select(
        drafts.c.run_id,
        drafts.c.member_id,
        sequence.label("sequence"),
        _number_sql(year, sequence).label("number"),
        *(value.label(name) for name, value in constants.items()),
        *(drafts.c[name] for name in VALUE_COLUMNS),
    ).where(drafts.c.run_id == run.id)
    # In number order, so that ids follow numbers on every database (PostgreSQL's INSERT … SELECT takes the
    # rows as the plan yields them unless told), as they did when payslips were inserted one by one.
    copied = copied.order_by(drafts.c.member_id)
    session.execute(
        insert(payslips).from_select(
            ["run_id", "member_id", "sequence", "number", *constants, *VALUE_COLUMNS], copied
        )
    )
    draft_lines, lines = table_of(DraftPayslipLine), table_of(PayslipLine)
    issued = and_(payslips.c.run_id == drafts.c.run_id, payslips.c.member_id == drafts.c.member_id)
    copied_lines = (
        select(payslips.c.id, *(draft_lines.c[name] for name in LINE_COLUMNS))
        .select_from(
            draft_lines.join(drafts, drafts.c.id == draft_lines.c.draft_payslip_id).join(payslips, issued)
        )
        .where(drafts.c.run_id == run.id)
        .order_by(drafts.c.member_id, draft_lines.c.position)
    )
    session.execute(insert(lines).from_select(["payslip_id", *LINE_COLUMNS], copied_lines))
    return [payslip_number(year, number) for number in sequences]


def credit_note_numbers(session: Session, *, run: PayrollRun) -> set[str]:
    """The numbers of the credit notes among the documents the run's payouts were collected from, in one
    query: the payslip names them as credit notes, so that the member sees why less was paid than the invoice
    she knows of says."""
    of_run = select(RunPayout.assignment_id).where(RunPayout.run_id == run.id)
    query = select(Invoice.number).where(
        Invoice.assignment_id.in_(of_run), Invoice.kind == InvoiceKind.credit_note
    )
    return set(session.scalars(query))


def work_periods(session: Session, *, run: PayrollRun) -> dict[int, WorkPeriod]:
    """The period and extent of every assignment the run pays, in one query."""
    rows = session.execute(
        select(
            Assignment.id,
            Assignment.period_start,
            Assignment.period_end,
            Assignment.extent_quantity,
            Assignment.extent_unit,
        ).where(Assignment.id.in_(select(RunPayout.assignment_id).where(RunPayout.run_id == run.id)))
    )
    return {row.id: row for row in rows}


def corrected_numbers(session: Session, *, run: PayrollRun) -> dict[int, str]:
    """The numbers of the issued payslips the run's corrections refer to, in one query."""
    corrected = select(RunPayout.corrects_payslip_id).where(
        RunPayout.run_id == run.id, RunPayout.corrects_payslip_id.is_not(None)
    )
    numbers = select(Payslip.id, Payslip.number).where(Payslip.id.in_(corrected))
    return dict(session.execute(numbers).all())
