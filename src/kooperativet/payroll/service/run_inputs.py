"""Everything a run's calculation reads, loaded in a fixed number of queries whatever the run's size.

The members, their tax settings, the parameters, the tax tables in use and what issued payslips already paid
each member in the month and the year are read once for the whole run, each by a subquery on the run's
payouts rather than a list of ids (the same statement for ten payouts or twenty thousand). The pure
calculation then works in memory (``calculate``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol, cast

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from kooperativet.db import table_of
from kooperativet.parties.models import Member, MemberTaxSetting, TaxMode
from kooperativet.payroll.calculation import MonthToDate, YearToDatePay
from kooperativet.payroll.models import PayrollRun, RunPayout, TaxTableImport
from kooperativet.payroll.parameters import LoadedParameters, payroll_parameters_on
from kooperativet.payroll.service.history import (
    Among,
    YearToDate,
    months_to_date,
    year_pay_before,
    years_to_date,
)
from kooperativet.payroll.tax_table_store import latest_import, tax_tables_of
from kooperativet.payroll.tax_tables import TaxTable


class PayoutRow(Protocol):
    """A run's payout as the calculation reads it (a row of ``RunPayout``'s columns)."""

    @property
    def member_id(self) -> int: ...
    @property
    def position(self) -> int: ...
    @property
    def assignment_id(self) -> int: ...
    @property
    def client_name(self) -> str: ...
    @property
    def invoice_numbers(self) -> list[str]: ...
    @property
    def invoiced_amount(self) -> Decimal: ...
    @property
    def expense_reimbursement(self) -> Decimal: ...
    @property
    def corrects_payslip_id(self) -> int | None: ...
    @property
    def correction_reason(self) -> str | None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class RunInputs:
    """A run's payouts by member (members in id order, payouts in position order) and what they need."""

    payouts: dict[int, list[PayoutRow]]
    members: dict[int, Member]
    parameters: LoadedParameters
    month: dict[int, MonthToDate]
    year: dict[int, YearToDate]
    year_pay: dict[int, YearToDatePay]
    tables: dict[int, TaxTable]
    table_import: TaxTableImport | None


def run_members(run: PayrollRun) -> Among:
    """The run's members as a subquery on its stored payouts."""
    return select(RunPayout.member_id).where(RunPayout.run_id == run.id).distinct()


def load_run_inputs(session: Session, *, run: PayrollRun) -> RunInputs:
    """What calculating ``run`` reads, in a constant number of queries (the run's payouts are flushed)."""
    by_member: dict[int, list[PayoutRow]] = defaultdict(list)
    # Plain rows, not ORM objects: twenty thousand instrumented objects cost more than their calculation.
    payouts = select(*table_of(RunPayout).c).where(RunPayout.run_id == run.id).order_by(RunPayout.position)
    for payout in session.execute(payouts):
        by_member[payout.member_id].append(cast(PayoutRow, payout))
    member_ids = sorted(by_member)
    among = run_members(run)
    members = _members_with_tax_settings(session, among=among)
    loaded = payroll_parameters_on(session, pay_date=run.pay_date)
    threshold = loaded.parameters.contribution_threshold
    table_import = latest_import(session, year=run.pay_date.year)
    numbers = _table_numbers(members.values(), on=run.pay_date)
    return RunInputs(
        payouts={member_id: by_member[member_id] for member_id in member_ids},
        members=members,
        parameters=loaded,
        month=months_to_date(session, member_ids=member_ids, pay_date=run.pay_date, among=among),
        year=years_to_date(session, member_ids=member_ids, pay_date=run.pay_date, among=among),
        year_pay=year_pay_before(
            session,
            member_ids=member_ids,
            year=run.pay_date.year,
            threshold=threshold.value if threshold is not None else None,
            among=among,
        ),
        tables=tax_tables_of(session, record=table_import, table_numbers=numbers) if table_import else {},
        table_import=table_import,
    )


def _members_with_tax_settings(session: Session, *, among: Among) -> dict[int, Member]:
    """The members and every tax setting of theirs in two queries (the relationship's own loading would
    read them in batches of a few hundred members)."""
    members = {
        member.id: member
        for member in session.scalars(
            select(Member).where(Member.id.in_(among)).options(lazyload(Member.tax_settings))
        )
    }
    settings: dict[int, list[MemberTaxSetting]] = defaultdict(list)
    for setting in session.scalars(
        select(MemberTaxSetting)
        .where(MemberTaxSetting.member_id.in_(among))
        .order_by(MemberTaxSetting.member_id, MemberTaxSetting.valid_from)
    ):
        settings[setting.member_id].append(setting)
    for member_id, member in members.items():
        set_committed_value(member, "tax_settings", settings[member_id])
    return members


def _table_numbers(members: Iterable[Member], *, on: date) -> set[int]:
    """The tax tables the members' settings in force on ``on`` use; a member without a setting is left to
    the calculation, which names them."""
    numbers = set()
    for member in members:
        valid = [s for s in member.tax_settings if s.valid_from <= on]
        if valid:
            setting = max(valid, key=lambda s: s.valid_from)
            if setting.mode == TaxMode.table and setting.table_number is not None:
                numbers.add(setting.table_number)
    return numbers
