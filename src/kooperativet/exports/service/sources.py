"""What every export reads: the cooperative's details a file needs, the payslips and runs of a month or a
run, and whom each payslip was issued to. ``PROGRAM_NAME`` and ``SWEDEN`` are the program and the clock's
zone the files are written with (``SWEDEN`` is ``core.calendar``'s, named here for the exports).

A month has thousands of payslips, so the exports read plain rows of the columns they need, in a number of
statements that does not grow with the month (ids go ``db.VALUES_PER_QUERY`` to a statement), and decrypt only
the fields a file writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final, TypeVarTuple

from sqlalchemy import ColumnElement, Row, Select, select
from sqlalchemy.orm import Session

from kooperativet.core.calendar import SWEDEN as SWEDEN
from kooperativet.db import in_chunks
from kooperativet.errors import Conflict, RuleViolation
from kooperativet.exports.service.period import Month
from kooperativet.parties.models import Cooperative
from kooperativet.payroll.models import PayrollRun, Payslip, RunStatus

PROGRAM_NAME: Final = "kooperativet"


def require_filled(cooperative: Cooperative, names: Sequence[str], *, what: str) -> None:
    missing = [name for name in names if not (getattr(cooperative, name) or "").strip()]
    if missing:
        raise RuleViolation(
            f"{what} needs the cooperative's {', '.join(missing)}; an admin fills them in under "
            "Administration › Kooperativet in the web interface (or PATCH /api/v1/cooperative)",
            code="cooperative_incomplete",
            field=missing[0],
        )


def paid_in(month: Month) -> tuple[ColumnElement[bool], ...]:
    """The conditions on a payslip paid out in the month."""
    return (Payslip.pay_date >= month.start, Payslip.pay_date < month.end)


def payslips_paid_in_query(month: Month, *columns: Any) -> Select[Any]:
    """``columns`` of the payslips paid out in the month."""
    return select(*columns).where(*paid_in(month))


#: The columns of a select and of its rows.
_Columns = TypeVarTuple("_Columns")


def plain_rows(session: Session, query: Select[*_Columns]) -> Sequence[Row[*_Columns]]:
    """The rows of a select of columns, read on the session's connection: the ORM's loading, which for
    thousands of plain rows costs more than the database's reading them, is skipped. What the session holds
    unflushed is flushed first, as ``session.execute`` would."""
    session.flush()
    return session.connection().execute(query).all()


def payslips_paid_in(session: Session, month: Month, *columns: Any) -> list[Row[Any]]:
    """``columns`` of the payslips paid out in the month, as plain rows, in the order they were issued."""
    query = payslips_paid_in_query(month, *columns).order_by(Payslip.pay_date, Payslip.year, Payslip.sequence)
    return list(session.execute(query))


def draft_runs(session: Session, month: Month) -> list[Row[Any]]:
    """The id and pay date of the month's draft runs (not their payouts: a draft may hold thousands)."""
    return list(
        session.execute(
            select(PayrollRun.id, PayrollRun.pay_date)
            .where(
                PayrollRun.pay_date >= month.start,
                PayrollRun.pay_date < month.end,
                PayrollRun.status == RunStatus.draft,
            )
            .order_by(PayrollRun.id)
        )
    )


def left_out_runs(session: Session, month: Month) -> list[str]:
    return [
        f"payroll run {run.id} ({run.pay_date}) is not approved and was left out"
        for run in draft_runs(session, month)
    ]


def as_issued(session: Session, issued: Iterable[tuple[int, str | None]], *, field: str) -> dict[int, str]:
    """An ``employee`` field of payslips (``name``, ``personal_identity_number``) as each was issued, by
    payslip id. ``issued`` gives for each payslip its id and the value of its own column
    (``Payslip.employee_name``, ``Payslip.employee_personal_identity_number``, decrypted), which an issued
    payslip keeps beside its snapshot; a payslip issued before those columns existed has them empty and is
    read from its snapshot, which holds the same and never changes."""
    values: dict[int, str] = {}
    from_snapshot = []
    for payslip, value in issued:
        if value is None:
            from_snapshot.append(payslip)
        else:
            values[payslip] = value
    for chunk in in_chunks(from_snapshot):
        snapshots = session.execute(select(Payslip.id, Payslip.snapshot).where(Payslip.id.in_(chunk)))
        for payslip, snapshot in snapshots:
            value = snapshot["employee"][field]
            if value is None:  # emptied by the purge after the retention period (privacy.purge)
                raise Conflict(
                    f"the {field} of payslip {payslip} was erased after the retention period; "
                    "a file of its period cannot be made again",
                    code="erased_after_retention",
                )
            values[payslip] = value
    return values


def full_name(first_name: str, last_name: str) -> str:
    """A member's name as ``Member.full_name`` gives it, which is what the snapshot holds."""
    return f"{first_name} {last_name}"
