"""A run's payslips as they would be issued now: calculated from the payouts it holds (payroll.md §5)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from kooperativet.core.money import ZERO
from kooperativet.errors import RuleViolation
from kooperativet.payroll.calculation import (
    MissingTaxTable,
    NoContributionRule,
    Payout,
    PayoutInput,
    TaxMode,
    TaxSetting,
    YearToDatePay,
    calculate_payouts_in_order,
)
from kooperativet.payroll.models import DraftPayslip, PayrollRun, Payslip
from kooperativet.payroll.parameters import LoadedParameters
from kooperativet.payroll.service.history import YearToDate
from kooperativet.payroll.service.run_inputs import (
    PayoutRow,
    RunInputs,
    RunMember,
    TaxSettingValues,
    load_run_inputs,
)

SettingT = TypeVar("SettingT", bound=TaxSettingValues)
SettingT_co = TypeVar("SettingT_co", bound=TaxSettingValues, covariant=True)

#: The payslip's totals: each the sum of its lines' amounts of the same name.
TOTALS = (
    "invoiced_amount", "fee", "gross_salary", "holiday_pay", "employer_contributions", "residue",
    "taxable_pay", "tax", "extra_tax", "expense_reimbursement", "net_pay",
)  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class PayslipDraft:
    """One member's payslip as calculated for a run: the payouts in order and their results."""

    member: RunMember
    payouts: tuple[PayoutRow, ...]
    results: tuple[Payout, ...]
    tax_setting: TaxSettingValues
    parameters: LoadedParameters
    tax_table_sha256: str | None
    tax_table_import_id: int | None
    year_to_date: YearToDate
    #: ``TOTALS`` summed once (the review, the stored row and the snapshot each read all of them).
    totals: dict[str, Decimal]

    def total(self, field: str) -> Decimal:
        return self.totals[field]

    @property
    def lines(self) -> list[LineValues]:
        return payslip_lines(self)


@dataclass(frozen=True, slots=True)
class RunWithPayslips:
    """A run and its payslips as the service has them: a draft's as calculated by the same call or as
    stored, a locked run's as issued. The router turns this into the read model; it never calculates a draft
    again. ``changed_since_calculation`` names what changed since a stored draft was calculated
    (``drafts.BASIS_PARTS``). ``lines`` are stored payslips' lines by payslip id, as plain rows, where the
    service read them apart from the payslips (``run_pages.shown_payslips``); otherwise each payslip's own.
    ``ready_since_created`` counts the payouts ready for a draft's pay date that it does not hold
    (``runs.ready_since_created``), where the service counted them."""

    run: PayrollRun
    payslips: Sequence[PayslipDraft] | Sequence[DraftPayslip] | Sequence[Payslip]
    changed_since_calculation: Sequence[str] = ()
    lines: Mapping[int, Sequence[Any]] | None = None
    ready_since_created: int | None = None


def calculate_run(session: Session, *, run: PayrollRun) -> list[PayslipDraft]:
    """Every payslip of ``run`` as it would be issued now, members in id order (payroll.md §5).

    Several payouts to one member become one payslip, applied in order from what the member was already
    paid in the same calendar month (youth cap, table tax). A member in table mode without an imported table
    is a 422 naming the table and year. What the run needs is read in a fixed number of queries
    (``run_inputs``); each member is then calculated in memory by the same pure function as one payout alone.
    """
    inputs = load_run_inputs(session, run=run)
    return [
        _draft(run=run, member=inputs.members[member_id], payouts=payouts, inputs=inputs)
        for member_id, payouts in inputs.payouts.items()
    ]


def _draft(
    *, run: PayrollRun, member: RunMember, payouts: list[PayoutRow], inputs: RunInputs
) -> PayslipDraft:
    setting = tax_setting_on(member, on=run.pay_date)
    tax = _calculation_tax_setting(setting)
    table, table_sha256, table_import_id = None, None, None
    if tax.mode is TaxMode.TABLE:
        assert tax.table_number is not None
        record = inputs.table_import
        table = inputs.tables.get(tax.table_number)
        if record is None or table is None:
            exc = MissingTaxTable(tax.table_number, run.pay_date.year)
            raise RuleViolation(
                f"{member.full_name} (member {member.id}) is taxed by table: {exc}",
                code="missing_tax_table",
                table_number=exc.table_number,
                year=exc.year,
            )
        table_sha256, table_import_id = record.sha256, record.id
    try:
        results = calculate_payouts_in_order(
            payouts=[
                PayoutInput(invoiced_amount=p.invoiced_amount, expense_reimbursement=p.expense_reimbursement)
                for p in payouts
            ],
            birth_date=member.birth_date,
            pay_date=run.pay_date,
            parameters=inputs.parameters.parameters,
            tax=tax,
            month_to_date=inputs.month[member.id],
            tax_table=table,
            year_to_date=inputs.year_pay.get(member.id, YearToDatePay()),
        )
    except NoContributionRule as exc:
        raise RuleViolation(str(exc), code="no_contribution_rule") from exc
    before = inputs.year[member.id]
    return PayslipDraft(
        member=member,
        payouts=tuple(payouts),
        results=results,
        tax_setting=setting,
        parameters=inputs.parameters,
        tax_table_sha256=table_sha256,
        tax_table_import_id=table_import_id,
        year_to_date=YearToDate(
            gross=before.gross + sum((r.gross_salary + r.holiday_pay for r in results), ZERO),
            taxable=before.taxable + sum((r.taxable_pay for r in results), ZERO),
            tax=before.tax + sum((r.tax for r in results), ZERO),
        ),
        totals={name: sum((getattr(r, name) for r in results), ZERO) for name in TOTALS},
    )


class WithTaxSettings(Protocol[SettingT_co]):
    """A member with tax settings: a ``Member`` or a run's ``RunMember``."""

    @property
    def id(self) -> int: ...
    @property
    def full_name(self) -> str: ...
    @property
    def tax_settings(self) -> Sequence[SettingT_co]: ...


def tax_setting_on(member: WithTaxSettings[SettingT], *, on: date) -> SettingT:
    """The member's tax setting in force on ``on`` (the latest valid from that day or earlier)."""
    valid = [setting for setting in member.tax_settings if setting.valid_from <= on]
    if not valid:
        raise RuleViolation(
            f"{member.full_name} (member {member.id}) has no tax setting in force on {on}",
            code="missing_tax_setting",
        )
    return max(valid, key=lambda setting: setting.valid_from)


_FLAT = Decimal("30")  # TaxSetting's default; only flat mode reads the percent


def _calculation_tax_setting(setting: TaxSettingValues) -> TaxSetting:
    mode = TaxMode(setting.mode)
    return TaxSetting(
        mode=mode,
        percent=Decimal(str(setting.percent))
        if mode is TaxMode.FLAT and setting.percent is not None
        else _FLAT,
        table_number=setting.table_number,
        column=setting.table_column,
        tax_information_missing=setting.tax_information_missing,
        extra_per_month=Decimal(str(setting.extra_monthly_tax)),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class LineValues:
    """One line of a payslip as it is (or would be) issued: the columns of ``PayslipLine`` without its ids.

    Plain values, not an ORM object: a run of 20 000 payouts builds 20 000 of them, and an instrumented
    object costs ten times as much to make; the approval inserts them as rows (``issue.issue_payslips``)."""

    position: int
    assignment_id: int
    client_name: str
    invoice_numbers: list[str]
    corrects_payslip_id: int | None
    correction_reason: str | None
    invoiced_amount: Decimal
    fee_rate: Decimal
    fee: Decimal
    pool: Decimal
    gross_salary: Decimal
    holiday_pay_rate: Decimal
    holiday_pay: Decimal
    contribution_category: str
    contribution_parts: list[dict[str, str]]
    contribution_base_month_to_date_before: Decimal
    employer_contributions: Decimal
    residue: Decimal
    taxable_pay: Decimal
    tax_mode: str
    tax_percent: Decimal | None
    tax_table_number: int | None
    tax_column: int | None
    tax: Decimal
    extra_tax: Decimal
    expense_reimbursement: Decimal
    net_pay: Decimal


def payslip_lines(draft: PayslipDraft) -> list[LineValues]:
    """The payslip's lines, one per payout in order, as they are (or would be) issued."""
    return [
        _line(position, payout, result)
        for position, (payout, result) in enumerate(zip(draft.payouts, draft.results, strict=True), start=1)
    ]


def _line(position: int, payout: PayoutRow, result: Payout) -> LineValues:
    return LineValues(
        position=position,
        assignment_id=payout.assignment_id,
        client_name=payout.client_name,
        invoice_numbers=list(payout.invoice_numbers),
        corrects_payslip_id=payout.corrects_payslip_id,
        correction_reason=payout.correction_reason,
        invoiced_amount=result.invoiced_amount,
        fee_rate=result.fee_rate.value,
        fee=result.fee,
        pool=result.pool,
        gross_salary=result.gross_salary,
        holiday_pay_rate=result.holiday_pay_rate.value,
        holiday_pay=result.holiday_pay,
        contribution_category=result.contribution_category.value,
        contribution_parts=[
            {"base": str(part.base), "rate": str(part.rate.value), "source": part.rate.source}
            for part in result.contribution_parts
        ],
        contribution_base_month_to_date_before=result.month_to_date_before.contribution_base_youth_used,
        employer_contributions=result.employer_contributions,
        residue=result.residue,
        taxable_pay=result.taxable_pay,
        tax_mode=result.tax_mode.value,
        tax_percent=result.tax_percent,
        tax_table_number=result.tax_table_number,
        tax_column=result.tax_column,
        tax=result.tax,
        extra_tax=result.extra_tax,
        expense_reimbursement=result.expense_reimbursement,
        net_pay=result.net_pay,
    )
