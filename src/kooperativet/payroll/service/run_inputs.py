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
from sqlalchemy.orm import Session

from kooperativet.db import table_of
from kooperativet.encryption import decrypted, stored
from kooperativet.parties.models import (
    Language,
    Member,
    MemberTaxSetting,
    SalaryAccount,
    TaxMode,
    salary_account_of,
)
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


class TaxSettingValues(Protocol):
    """A member's tax setting as the calculation reads it (a ``MemberTaxSetting`` or a row of its columns)."""

    @property
    def id(self) -> int: ...
    @property
    def valid_from(self) -> date: ...
    @property
    def mode(self) -> str: ...
    @property
    def percent(self) -> Decimal | None: ...
    @property
    def table_number(self) -> int | None: ...
    @property
    def table_column(self) -> int | None: ...
    @property
    def tax_information_missing(self) -> bool: ...
    @property
    def extra_monthly_tax(self) -> Decimal: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class RunMember:
    """A member as a run's calculation and payslips read them: plain values, not an ORM object (ten thousand
    instrumented members, each decrypting every encrypted column, cost more than their calculation)."""

    id: int
    first_name: str
    last_name: str
    personal_identity_number: str
    birth_date: date
    street: str | None
    postal_code: str | None
    city: str | None
    #: ISO 3166 code of the country the member lives in (``SE`` unless abroad); the payslip prints its name.
    country: str
    language: Language
    bank_clearing_number: str | None
    bank_account_number: str | None
    bank_iban: str | None
    has_pending_bank_account: bool
    tax_settings: tuple[TaxSettingValues, ...]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def salary_account(self) -> SalaryAccount | None:
        return salary_account_of(
            iban=self.bank_iban,
            clearing_number=self.bank_clearing_number,
            account_number=self.bank_account_number,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class RunInputs:
    """A run's payouts by member (members in id order, payouts in position order) and what they need."""

    payouts: dict[int, list[PayoutRow]]
    members: dict[int, RunMember]
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


def _members_with_tax_settings(session: Session, *, among: Among) -> dict[int, RunMember]:
    """The members and every tax setting of theirs in two queries, as plain values: only the columns a
    payslip shows are decrypted, a column at a time (``encryption.decrypted``)."""
    settings: dict[int, list[TaxSettingValues]] = defaultdict(list)
    for setting in session.execute(
        select(*table_of(MemberTaxSetting).c)
        .where(MemberTaxSetting.member_id.in_(among))
        .order_by(MemberTaxSetting.member_id, MemberTaxSetting.valid_from)
    ):
        settings[setting.member_id].append(cast(TaxSettingValues, setting))
    rows = session.execute(
        select(
            Member.id,
            Member.first_name,
            Member.last_name,
            Member.birth_date,
            Member.street,
            Member.postal_code,
            Member.city,
            Member.country,
            Member.language,
            *(stored(column) for column in _DECRYPTED),
            (
                Member.pending_account_number.is_not(None)
                | Member.pending_iban.is_not(None)
                | Member.bank_account_removal_pending
            ).label("pending"),
        )
        .where(Member.id.in_(among))
        .order_by(Member.id)
    ).all()
    numbers, clearings, accounts, ibans = (
        decrypted((getattr(row, column.key) for row in rows), column) for column in _DECRYPTED
    )
    return {
        row.id: RunMember(
            id=row.id,
            first_name=row.first_name,
            last_name=row.last_name,
            birth_date=row.birth_date,
            street=row.street,
            postal_code=row.postal_code,
            city=row.city,
            country=row.country,
            language=Language(row.language),
            has_pending_bank_account=bool(row.pending),
            tax_settings=tuple(settings[row.id]),
            personal_identity_number=cast(str, numbers[index]),  # NOT NULL
            bank_clearing_number=clearings[index],
            bank_account_number=accounts[index],
            bank_iban=ibans[index],
        )
        for index, row in enumerate(rows)
    }


#: The encrypted columns of a member that a payslip shows.
_DECRYPTED = (
    Member.personal_identity_number,
    Member.bank_clearing_number,
    Member.bank_account_number,
    Member.bank_iban,
)


def _table_numbers(members: Iterable[RunMember], *, on: date) -> set[int]:
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
