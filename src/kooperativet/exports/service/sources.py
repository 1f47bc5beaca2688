"""What every export reads: the cooperative's details a file needs, and the payslips and runs of a month or
a run. ``PROGRAM_NAME`` and ``SWEDEN`` are the program and the clock's zone the files are written with.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from kooperativet.errors import RuleViolation
from kooperativet.exports.service.period import Month
from kooperativet.parties.models import Cooperative, Member
from kooperativet.payroll.models import PayrollRun, Payslip, RunStatus

PROGRAM_NAME: Final = "kooperativet"
SWEDEN: Final = ZoneInfo("Europe/Stockholm")


def require_filled(cooperative: Cooperative, names: Sequence[str], *, what: str) -> None:
    missing = [name for name in names if not (getattr(cooperative, name) or "").strip()]
    if missing:
        raise RuleViolation(
            f"{what} needs the cooperative's {', '.join(missing)}; an admin fills them in "
            "(PATCH /api/v1/cooperative)",
            code="cooperative_incomplete",
            field=missing[0],
        )


def payslips_paid_in(session: Session, month: Month) -> list[Payslip]:
    return list(
        session.scalars(
            select(Payslip)
            .where(Payslip.pay_date >= month.start, Payslip.pay_date < month.end)
            .order_by(Payslip.pay_date, Payslip.year, Payslip.sequence)
        )
    )


def run_payslips(session: Session, run_id: int) -> list[Payslip]:
    return list(session.scalars(select(Payslip).where(Payslip.run_id == run_id).order_by(Payslip.sequence)))


def draft_runs(session: Session, month: Month) -> list[PayrollRun]:
    return list(
        session.scalars(
            select(PayrollRun)
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


#: Ids per ``IN (…)`` list: well under SQLite's and PostgreSQL's limits on bound parameters.
IDS_PER_QUERY: Final = 5_000


def in_chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    """``ids`` sorted, in lists of at most ``IDS_PER_QUERY``: a month of 20 000 payslips is four queries."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), IDS_PER_QUERY):
        yield ordered[start : start + IDS_PER_QUERY]


def members_by_id(session: Session, ids: Iterable[int]) -> dict[int, Member]:
    """The members ``ids`` by id, without their tax settings (no export needs them)."""
    members: dict[int, Member] = {}
    for chunk in in_chunks(ids):
        query = select(Member).where(Member.id.in_(chunk)).options(lazyload(Member.tax_settings))
        members.update((member.id, member) for member in session.scalars(query))
    return members
