"""Issuing a run's payslips at approval: a block of gap-free numbers, then every payslip and line written in
bulk with its stored totals and snapshot (payroll.md §5).

The statements do not grow with the run: one block of numbers from the counter, one query each for the
assignments' work periods and the corrected payslips' numbers, one multi-row INSERT of the payslips, one
query for their ids and one multi-row INSERT of the lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, inspect, select
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment
from kooperativet.numbering import take_next_sequence, take_sequences
from kooperativet.parties.models import Cooperative
from kooperativet.payroll.models import PayrollRun, Payslip, PayslipLine, PayslipNumberCounter, RunPayout
from kooperativet.payroll.service.calculate import LineValues, PayslipDraft, payslip_lines
from kooperativet.payroll.service.snapshot import TOTALS, WorkPeriod, parameters_json, snapshot


def take_payslip_number(session: Session, *, year: int) -> int:
    """The next payslip sequence of ``year``, from the shared gap-free counter (``numbering``)."""
    return take_next_sequence(session, PayslipNumberCounter, year=year)


def payslip_number(year: int, sequence: int) -> str:
    return f"L{year}-{sequence:05d}"


def issue_payslips(
    session: Session,
    *,
    run: PayrollRun,
    drafts: Sequence[PayslipDraft],
    cooperative: Cooperative | None,
    issued_by_id: int,
) -> list[str]:
    """Issue one payslip per draft, numbered in the drafts' order (members by id); their numbers."""
    if not drafts:
        return []
    year = run.pay_date.year
    sequences = take_sequences(session, PayslipNumberCounter, len(drafts), year=year)
    works = _work_periods(session, run=run)
    corrected = _corrected_numbers(session, run=run)
    parameters = parameters_json(drafts[0])  # one set of parameters for the whole run (its pay date)
    rows, lines_by_sequence = [], {}
    for sequence, draft in zip(sequences, drafts, strict=True):
        lines = payslip_lines(draft)
        lines_by_sequence[sequence] = lines
        rows.append(
            _payslip_row(run, draft, sequence, lines, cooperative, works, corrected, parameters)
            | {"issued_by_id": issued_by_id}
        )
    # render_nulls: every row has the same columns, so each table is one executemany however many are None.
    session.execute(insert(Payslip).execution_options(render_nulls=True), rows)
    issued = select(Payslip.sequence, Payslip.id).where(Payslip.year == year, Payslip.run_id == run.id)
    ids: dict[int, int] = dict(session.execute(issued).all())
    session.execute(
        insert(PayslipLine).execution_options(render_nulls=True),
        [
            _line_row(line) | {"payslip_id": ids[sequence]}
            for sequence, lines in lines_by_sequence.items()
            for line in lines
        ],
    )
    return [payslip_number(year, sequence) for sequence in sequences]


def _payslip_row(
    run: PayrollRun,
    draft: PayslipDraft,
    sequence: int,
    lines: list[LineValues],
    cooperative: Cooperative | None,
    works: dict[int, WorkPeriod],
    corrected: dict[int, str],
    parameters: list[dict[str, Any]],
) -> dict[str, Any]:
    member = draft.member
    account = member.salary_account
    assert account is not None  # checked by the approval before anything is issued
    year = run.pay_date.year
    return {
        "run_id": run.id,
        "member_id": member.id,
        "year": year,
        "sequence": sequence,
        "number": payslip_number(year, sequence),
        "pay_date": run.pay_date,
        "language": member.language,
        **{name: draft.total(name) for name in TOTALS},
        "year_to_date_gross": draft.year_to_date.gross,
        "year_to_date_taxable": draft.year_to_date.taxable,
        "year_to_date_tax": draft.year_to_date.tax,
        "bank_clearing_number": account.clearing_number,
        "bank_account_number": account.account_number,
        "bank_iban": account.iban,
        "snapshot": snapshot(
            run=run,
            draft=draft,
            cooperative=cooperative,
            lines=lines,
            assignments=works,
            payslip_numbers=corrected,
            parameters=parameters,
        ),
    }


#: What a line stores, as its mapped attributes (the id and the payslip's id are not known yet).
_LINE_COLUMNS = tuple(
    attribute.key
    for attribute in inspect(PayslipLine).column_attrs
    if attribute.key not in ("id", "payslip_id")
)


def _line_row(line: LineValues) -> dict[str, Any]:
    return {name: getattr(line, name) for name in _LINE_COLUMNS}


def _work_periods(session: Session, *, run: PayrollRun) -> dict[int, WorkPeriod]:
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


def _corrected_numbers(session: Session, *, run: PayrollRun) -> dict[int, str]:
    """The numbers of the issued payslips the run's corrections refer to, in one query."""
    corrected = select(RunPayout.corrects_payslip_id).where(
        RunPayout.run_id == run.id, RunPayout.corrects_payslip_id.is_not(None)
    )
    numbers = select(Payslip.id, Payslip.number).where(Payslip.id.in_(corrected))
    return dict(session.execute(numbers).all())
