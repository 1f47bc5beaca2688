from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from kooperativet.api.types import Money, ReadSchema, Schema, Text
from kooperativet.payroll.models import DraftPayslip, PayOn, Payslip, RunStatus, TaxTableShape

if TYPE_CHECKING:
    from kooperativet.payroll.service import PayslipDraft, RunWithPayslips
    from kooperativet.payroll.service.pay_estimate import PayEstimate
    from kooperativet.payroll.service.payslip_pdfs import PdfProgress


def _fraction(value: Decimal | str) -> str:
    return f"{Decimal(value).normalize():f}"


#: A rate or percent as its shortest decimal text: ``0.06``, ``30``.
Fraction = Annotated[str, BeforeValidator(_fraction)]


class TaxTableImportRead(ReadSchema):
    id: int
    year: int
    filename: str
    shape: TaxTableShape
    sha256: str
    table_numbers: list[int]
    row_count: int
    imported_at: datetime


class PayrollRunCreate(Schema):
    pay_date: date | None = Field(
        default=None, description="default: the next 25th, or the bank day before it", examples=["2026-11-25"]
    )
    pay_on: PayOn | None = Field(
        default=None, description="collect payouts when the client has paid (default) or when invoiced"
    )


class PayrollRunPaid(Schema):
    paid_on: date | None = Field(
        default=None,
        description="the day the salaries left the bank: not after today, not before the run was approved; "
        "default today",
        examples=["2026-11-25"],
    )


class CorrectionCreate(Schema):
    payslip_id: int = Field(description="the issued payslip this corrects")
    assignment_id: int = Field(description="the assignment of the payslip line it corrects")
    invoiced_amount: Money = Field(description="further invoiced amount for work (N) to pay now")
    expense_reimbursement: Money = Field(default=Decimal("0.00"))
    reason: Text = Field(min_length=1, max_length=500, examples=["invoice 2026-0007 was left out"])


class ParameterUseRead(ReadSchema):
    key: str
    valid_from: date
    value: str
    source: str
    parameter_id: int | None


class PayslipLineRead(ReadSchema):
    position: int
    assignment_id: int
    client_name: str
    invoice_numbers: list[str]
    corrects_payslip_id: int | None
    correction_reason: str | None
    invoiced_amount: Money
    fee_rate: Fraction = Field(examples=["0.06"])
    fee: Money
    pool: Money
    gross_salary: Money
    holiday_pay: Money
    contribution_category: str = Field(examples=["full"])
    contribution_base_month_to_date_before: Money
    employer_contributions: Money
    residue: Money
    taxable_pay: Money
    tax_mode: str = Field(examples=["flat"])
    tax_percent: Fraction | None = Field(examples=["30"])
    tax_table_number: int | None
    tax_column: int | None
    tax: Money
    extra_tax: Money = Field(
        description="the part of tax withheld on top of the preliminary tax at the member's request"
    )
    expense_reimbursement: Money
    net_pay: Money


class PayslipSummary(Schema):
    """A payslip in a run: issued (with number and id) or, on a draft, as it would be issued now."""

    id: int | None
    number: str | None
    member_id: int
    member_name: str
    invoiced_amount: Money
    gross_salary: Money
    holiday_pay: Money
    employer_contributions: Money
    taxable_pay: Money
    tax: Money
    extra_tax: Money = Field(
        description="the part of tax withheld on top of the preliminary tax at the member's request"
    )
    expense_reimbursement: Money
    net_pay: Money
    lines: list[PayslipLineRead]

    @classmethod
    def from_model(
        cls, payslip: Payslip | DraftPayslip | PayslipDraft, *, lines: Sequence[Any] | None = None
    ) -> PayslipSummary:
        """An issued payslip as stored, or a draft's totals as they would be issued; with its ``lines`` where
        they were read apart from it (``RunWithPayslips.lines``)."""
        if isinstance(payslip, DraftPayslip):
            identity = {
                "id": None,
                "number": None,
                "member_id": payslip.member_id,
                "member_name": _issued_name(payslip),
            }
            amounts = {name: getattr(payslip, name) for name in _SUMMARY_AMOUNTS}
        elif isinstance(payslip, Payslip):
            identity = {
                "id": payslip.id,
                "number": payslip.number,
                "member_id": payslip.member_id,
                "member_name": _issued_name(payslip),
            }
            amounts = {name: getattr(payslip, name) for name in _SUMMARY_AMOUNTS}
        else:
            identity = {
                "id": None,
                "number": None,
                "member_id": payslip.member.id,
                "member_name": payslip.member.full_name,
            }
            amounts = {name: payslip.total(name) for name in _SUMMARY_AMOUNTS}
        read = [PayslipLineRead.model_validate(line) for line in (payslip.lines if lines is None else lines)]
        return cls.model_validate({**identity, **amounts, "lines": read})


def _issued_name(payslip: Payslip | DraftPayslip) -> str:
    """The name a stored payslip was made out to: its own column, or on one stored before that column
    existed its snapshot (the same name)."""
    if payslip.employee_name is not None:
        return payslip.employee_name
    name: str = payslip.snapshot["employee"]["name"]
    return name


_SUMMARY_AMOUNTS = (
    "invoiced_amount", "gross_salary", "holiday_pay", "employer_contributions", "taxable_pay", "tax",
    "extra_tax", "expense_reimbursement", "net_pay",
)  # fmt: skip


class PayslipPdfProgress(ReadSchema):
    """How many of a locked run's payslips have their PDF stored: the workers render them after the
    approval, a run of thousands over some minutes."""

    rendered: int
    total: int


class PayrollRunRead(ReadSchema):
    id: int
    pay_date: date
    pay_on: PayOn
    status: RunStatus
    approved_at: datetime | None
    paid_on: date | None
    version: int
    created_at: datetime
    calculated_at: datetime | None = Field(
        description="when a draft's payslips were calculated and stored for review"
    )
    changed_since_calculation: list[str] = Field(
        description="what a draft was calculated from that has changed since: approving it is refused "
        "(409 draft_changed) until it is recalculated"
    )
    ready_since_created: int | None = Field(
        default=None,
        description="on a draft, how many payouts are ready for its pay date but not in it: they became "
        "ready after the draft was made, which collected its payouts then. Discard the draft and create "
        "the run again to include them, or approve it and they are paid in the next run. null on a locked "
        "run",
    )
    payslips: list[PayslipSummary]
    #: ``null`` on a draft, whose payslips are not issued yet.
    payslip_pdfs: PayslipPdfProgress | None = None

    @classmethod
    def from_model(cls, shown: RunWithPayslips, *, pdfs: PdfProgress | None = None) -> PayrollRunRead:
        """The run with the payslips the service returned with it (a draft's are not calculated again),
        and for a locked run how many of their PDFs are stored (``pdfs``)."""
        run = shown.run
        return cls(
            id=run.id,
            pay_date=run.pay_date,
            pay_on=run.pay_on,
            status=run.status,
            approved_at=run.approved_at,
            paid_on=run.paid_on,
            version=run.version,
            created_at=run.created_at,
            calculated_at=run.calculated_at if run.status == RunStatus.draft else None,
            changed_since_calculation=list(shown.changed_since_calculation),
            ready_since_created=shown.ready_since_created if run.status == RunStatus.draft else None,
            payslips=[
                PayslipSummary.from_model(payslip, lines=_lines_read_apart(shown, payslip))
                for payslip in shown.payslips
            ],
            payslip_pdfs=None if pdfs is None else PayslipPdfProgress.model_validate(pdfs),
        )


def _lines_read_apart(
    shown: RunWithPayslips, payslip: Payslip | DraftPayslip | PayslipDraft
) -> Sequence[Any] | None:
    """A stored payslip's lines where the service read them apart from it (``RunWithPayslips.lines``)."""
    if shown.lines is None or not isinstance(payslip, Payslip | DraftPayslip):
        return None
    return shown.lines.get(payslip.id, [])


class PayrollRunListItem(ReadSchema):
    id: int
    pay_date: date
    pay_on: PayOn
    status: RunStatus
    approved_at: datetime | None
    paid_on: date | None
    version: int


class PayslipRead(ReadSchema):
    id: int
    number: str
    run_id: int
    member_id: int
    pay_date: date
    language: str
    invoiced_amount: Money
    fee: Money
    gross_salary: Money
    holiday_pay: Money
    employer_contributions: Money
    taxable_pay: Money
    tax: Money
    extra_tax: Money = Field(
        description="the part of tax withheld on top of the preliminary tax at the member's request"
    )
    expense_reimbursement: Money
    net_pay: Money
    year_to_date_gross: Money
    year_to_date_taxable: Money
    year_to_date_tax: Money
    pdf_sha256: str | None
    issued_at: datetime
    lines: list[PayslipLineRead]
    parameters: list[ParameterUseRead]
    tax_setting: dict[str, Any]
    tax_table: dict[str, Any] | None

    @classmethod
    def from_model(cls, payslip: Payslip) -> PayslipRead:
        """The payslip's columns, and from its snapshot the parameter values, tax setting and table used."""
        snapshot = payslip.snapshot
        columns = {name: getattr(payslip, name) for name in cls.model_fields if name not in _FROM_SNAPSHOT}
        return cls.model_validate(
            columns
            | {
                "language": str(payslip.language),
                "lines": [PayslipLineRead.model_validate(line) for line in payslip.lines],
                "parameters": [ParameterUseRead.model_validate(item) for item in snapshot["parameters"]],
                "tax_setting": snapshot["tax_setting"],
                "tax_table": snapshot["tax_table"],
            }
        )


_FROM_SNAPSHOT = frozenset({"parameters", "tax_setting", "tax_table"})


class YearToDateRead(ReadSchema):
    member_id: int
    year: int
    gross: Money
    taxable: Money
    tax: Money
    payslips: int


class PayEstimateCreate(Schema):
    """Forwards (``invoiced_amount``: what do I get?) or backwards (``wanted_net_pay``: what do I
    invoice?); give exactly one."""

    invoiced_amount: Money | None = Field(
        default=None, description="the work, excluding VAT and expenses", examples=["20000.00"]
    )
    wanted_net_pay: Money | None = Field(
        default=None, description="the net pay wanted: the smallest invoiced amount that pays at least this"
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> PayEstimateCreate:
        given = [v for v in (self.invoiced_amount, self.wanted_net_pay) if v is not None]
        if len(given) != 1:
            raise ValueError("give either invoiced_amount or wanted_net_pay")
        if given[0] <= 0:
            raise ValueError("the amount must be more than 0")
        return self


class PayEstimateRead(ReadSchema):
    """One payout as payroll would calculate it on ``pay_date`` (payroll.md §1–§3): an estimate only."""

    pay_date: date
    wanted_net_pay: Money | None
    invoiced_amount: Money
    fee_rate: Fraction
    fee: Money
    gross_salary: Money
    holiday_pay_rate: Fraction
    holiday_pay: Money
    contribution_category: str = Field(examples=["full"])
    employer_contribution_rates: list[Fraction] = Field(examples=[["0.3142"]])
    employer_contributions: Money
    residue: Money
    taxable_pay: Money
    tax_mode: str = Field(examples=["flat"])
    tax_percent: Fraction | None = Field(description="None in table mode")
    tax_table_number: int | None
    tax_column: int | None
    tax: Money
    net_pay: Money

    @classmethod
    def from_estimate(cls, estimate: PayEstimate) -> PayEstimateRead:
        payout = estimate.payout
        return cls(
            pay_date=estimate.pay_date,
            wanted_net_pay=estimate.wanted_net_pay,
            invoiced_amount=payout.invoiced_amount,
            fee_rate=_fraction(payout.fee_rate.value),
            fee=payout.fee,
            gross_salary=payout.gross_salary,
            holiday_pay_rate=_fraction(payout.holiday_pay_rate.value),
            holiday_pay=payout.holiday_pay,
            contribution_category=payout.contribution_category.value,
            employer_contribution_rates=[_fraction(part.rate.value) for part in payout.contribution_parts],
            employer_contributions=payout.employer_contributions,
            residue=payout.residue,
            taxable_pay=payout.taxable_pay,
            tax_mode=payout.tax_mode.value,
            tax_percent=None if payout.tax_percent is None else _fraction(payout.tax_percent),
            tax_table_number=payout.tax_table_number,
            tax_column=payout.tax_column,
            tax=payout.tax,
            net_pay=payout.net_pay,
        )
