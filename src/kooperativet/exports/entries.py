"""Accounting entries: issued documents → balanced SIE vouchers on the cooperative's accounts (exports.md).

Pure: snapshots of plain values in, ``sie.Voucher`` out; the account map is data (the ``account_map``
parameter, BAS defaults). Every voucher balances by construction; the SIE writer refuses one that does not.

- invoice: Dr receivables (the payable amount); Cr sales per VAT category and rate (net); Cr output VAT per
  rate; the öresavrundning on the rounding account. A credit note is the same voucher with the signs turned.
- payment received: Dr bank, Cr receivables.
- payroll run: Dr salaries (G), Dr holiday pay (H), Dr employer contributions (C); Cr tax withheld (T),
  Cr contributions payable (C), Cr bank (B − T, the net pay without the expense reimbursements). The
  residue R that the cooperative keeps (payroll.md §1) is not booked: it is part of the sale the invoice
  credited to its sales account, as the fee is, and stays there. The outlays its correction payouts pay
  back (E of a correction, which no expense record holds) are booked here too: Dr reimbursed expenses,
  Cr bank.
- expense reimbursement: Dr reimbursed expenses (net of VAT), Dr input VAT, Cr bank (the amount paid back).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from kooperativet.assignments.rules import expense_vat
from kooperativet.core.money import ZERO, round_half_up
from kooperativet.core.vat import VatCategory
from kooperativet.exports.formats.sie import Transaction, Voucher

#: Every role an account plays in the vouchers; the ``account_map`` parameter names one account per role.
ACCOUNT_ROLES: Final = (
    "receivables", "bank", "sales_25", "sales_12", "sales_6", "sales_exempt", "sales_outside_eu",
    "sales_eu_reverse_charge", "output_vat_25", "output_vat_12", "output_vat_6", "input_vat", "rounding",
    "salaries", "holiday_pay", "employer_contributions", "tax_withheld", "employer_contributions_payable",
    "reimbursed_expenses",
)  # fmt: skip

#: Names for ``#KONTO`` of the BAS accounts the defaults use (BAS-kontoplanen; 3305 and 3308 as BAS 2025 names
#: them).
BAS_ACCOUNT_NAMES: Final[Mapping[str, str]] = {
    "1510": "Kundfordringar",
    "1930": "Företagskonto",
    "2611": "Utgående moms på försäljning inom Sverige, 25 %",
    "2621": "Utgående moms på försäljning inom Sverige, 12 %",
    "2631": "Utgående moms på försäljning inom Sverige, 6 %",
    "2641": "Debiterad ingående moms",
    "2710": "Personalskatt",
    "2731": "Avräkning lagstadgade sociala avgifter",
    "3041": "Försäljning tjänster inom Sverige, 25 % moms",
    "3042": "Försäljning tjänster inom Sverige, 12 % moms",
    "3043": "Försäljning tjänster inom Sverige, 6 % moms",
    "3044": "Försäljning tjänster, momsfri",
    "3305": "Försäljning tjänster till land utanför EU",
    "3308": "Försäljning tjänster till annat EU-land",
    "3740": "Öres- och kronutjämning",
    "6990": "Övriga externa kostnader",
    "7210": "Löner till tjänstemän",
    "7285": "Semesterersättning",
    "7510": "Arbetsgivaravgifter",
}

_STANDARD_RATE_SUFFIX: Final = {Decimal("25"): "25", Decimal("12"): "12", Decimal("6"): "6"}
_OTHER_SALES: Final = {
    VatCategory.EXEMPT: "sales_exempt",
    VatCategory.OUTSIDE_SCOPE: "sales_outside_eu",
    VatCategory.REVERSE_CHARGE: "sales_eu_reverse_charge",
}


class InvalidAccountMap(ValueError):
    """The account map lacks a role or names an account that is not a plain account number."""


@dataclass(frozen=True, slots=True)
class AccountMap:
    """One account number per role (``ACCOUNT_ROLES``)."""

    accounts: Mapping[str, str]

    @classmethod
    def of(cls, value: object) -> AccountMap:
        """The map from the ``account_map`` parameter's JSON value; every role must be there."""
        if not isinstance(value, dict):
            raise InvalidAccountMap("the account map is a JSON object of role → account number")
        missing = [role for role in ACCOUNT_ROLES if role not in value]
        if missing:
            raise InvalidAccountMap(f"the account map has no account for {', '.join(missing)}")
        accounts = {role: value[role] for role in ACCOUNT_ROLES}
        wrong = [f"{role}={number!r}" for role, number in accounts.items() if not _is_account(number)]
        if wrong:
            raise InvalidAccountMap(f"not account numbers: {', '.join(wrong)}")
        return cls(accounts)

    def __getitem__(self, role: str) -> str:
        return self.accounts[role]


def _is_account(number: object) -> bool:
    return isinstance(number, str) and number.isascii() and number.isdigit() and 1 <= len(number) <= 10


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceLineAmount:
    """One issued line's VAT treatment and amount excluding VAT."""

    vat_category: VatCategory
    vat_rate: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceSnapshot:
    """An issued invoice or credit note as the books need it (amounts positive, as issued)."""

    number: str
    issue_date: date
    client_name: str
    is_credit_note: bool
    lines: tuple[InvoiceLineAmount, ...]
    payable: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentSnapshot:
    invoice_number: str
    paid_on: date
    amount: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class PayrollRunSnapshot:
    """The totals of an approved run's payslips (gross G, holiday pay H, contributions C, residue R, tax T,
    taxable pay B = G + H) and the outlays its correction payouts paid back (``corrections_reimbursed``).
    R is not booked (``payroll_run_voucher``)."""

    run_id: int
    pay_date: date
    gross_salary: Decimal
    holiday_pay: Decimal
    employer_contributions: Decimal
    residue: Decimal
    tax: Decimal
    corrections_reimbursed: Decimal = ZERO


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpenseSnapshot:
    """An outlay paid back to a member with a salary: ``amount`` includes VAT at ``vat_rate`` percent."""

    expense_id: int
    paid_on: date
    member_name: str
    description: str
    amount: Decimal
    vat_rate: Decimal


def invoice_voucher(invoice: InvoiceSnapshot, *, accounts: AccountMap) -> Voucher:
    """Dr receivables; Cr sales and output VAT per (category, rate); the rounding on its account.

    VAT per rate is ``round_half_up(net × rate / 100)`` as on the invoice (invoicing.md); whatever is left
    between that and the payable amount is the öresavrundning.
    """
    nets: dict[tuple[VatCategory, Decimal], Decimal] = {}
    for line in invoice.lines:
        key = (line.vat_category, line.vat_rate.normalize())
        nets[key] = nets.get(key, ZERO) + line.amount
    credits: list[tuple[str, Decimal]] = []
    for (category, rate), net in sorted(nets.items(), key=lambda item: (str(item[0][0]), -item[0][1])):
        if category is VatCategory.STANDARD:
            suffix = _STANDARD_RATE_SUFFIX.get(rate)
            if suffix is None:
                raise InvalidAccountMap(f"invoice {invoice.number}: no sales account for {rate} % VAT")
            credits.append((accounts[f"sales_{suffix}"], net))
            credits.append((accounts[f"output_vat_{suffix}"], round_half_up(net * rate / 100)))
        else:
            credits.append((accounts[_OTHER_SALES[category]], net))
    rounding = invoice.payable - sum((amount for _, amount in credits), ZERO)
    if rounding:
        credits.append((accounts["rounding"], rounding))
    sign = Decimal(-1) if invoice.is_credit_note else Decimal(1)
    kind = "Kreditfaktura" if invoice.is_credit_note else "Faktura"
    rows = [(accounts["receivables"], sign * invoice.payable)]
    rows += [(account, -sign * amount) for account, amount in credits]
    return _voucher(invoice.issue_date, f"{kind} {invoice.number} {invoice.client_name}", rows)


def payment_voucher(payment: PaymentSnapshot, *, accounts: AccountMap) -> Voucher:
    """Dr bank, Cr receivables: a client's payment of an invoice."""
    return _voucher(
        payment.paid_on,
        f"Inbetalning faktura {payment.invoice_number}",
        [(accounts["bank"], payment.amount), (accounts["receivables"], -payment.amount)],
    )


def payroll_run_voucher(run: PayrollRunSnapshot, *, accounts: AccountMap) -> Voucher:
    """The run's salary costs, the liabilities to Skatteverket and the net pay leaving the bank.

    The bank row is B − T plus the outlays the run's corrections paid back: the outlays paid back with the
    salaries themselves have their own vouchers, one per expense record (``expense_voucher``), but a
    correction's outlay is an amount the treasurer typed, with no expense record, receipt or VAT rate. It is
    booked whole on reimbursed expenses, without input VAT, so that every krona the run's payment file sends
    leaves the bank in the books exactly once.

    The residue R is the part of the salary pool no whole öre of pay could take; the cooperative keeps it as
    it keeps its fee. Both are part of the sale the invoice already credited to its sales account, so nothing
    moves. Until 2026-12-05 R was moved from 3041 to 3740 (öres- och kronutjämning): it is no rounding of a
    booked amount (the voucher balances without it), and taking it off 3041 left the 25 % sales below the
    base the invoices charged VAT on, or, for a sale at 6 %, abroad or exempt, debited a sales account the
    sale never touched.
    """
    net_salaries = run.gross_salary + run.holiday_pay - run.tax
    rows = [
        (accounts["salaries"], run.gross_salary),
        (accounts["holiday_pay"], run.holiday_pay),
        (accounts["employer_contributions"], run.employer_contributions),
        (accounts["reimbursed_expenses"], run.corrections_reimbursed),
        (accounts["tax_withheld"], -run.tax),
        (accounts["employer_contributions_payable"], -run.employer_contributions),
        (accounts["bank"], -(net_salaries + run.corrections_reimbursed)),
    ]
    return _voucher(run.pay_date, f"Lönekörning {run.run_id} {run.pay_date:%Y-%m}", rows)


def expense_voucher(expense: ExpenseSnapshot, *, accounts: AccountMap) -> Voucher:
    """Dr the cost net of VAT, Dr input VAT (``assignments.rules.expense_vat``, as the office sees it on the
    commission), Cr bank."""
    vat = expense_vat(amount=expense.amount, vat_rate=expense.vat_rate)
    return _voucher(
        expense.paid_on,
        f"Utlägg {expense.member_name}: {expense.description}",
        [
            (accounts["reimbursed_expenses"], expense.amount - vat),
            (accounts["input_vat"], vat),
            (accounts["bank"], -expense.amount),
        ],
    )


def account_names(vouchers: Sequence[Voucher]) -> dict[str, str]:
    """``#KONTO`` names for the BAS accounts the vouchers use (a cooperative's own accounts go unnamed)."""
    used = {row.account for voucher in vouchers for row in voucher.transactions}
    return {account: BAS_ACCOUNT_NAMES[account] for account in used if account in BAS_ACCOUNT_NAMES}


def _voucher(day: date, text: str, rows: Sequence[tuple[str, Decimal]]) -> Voucher:
    # Rows on the same account are summed and zero rows left out, so each account appears once.
    merged: dict[str, Decimal] = {}
    for account, amount in rows:
        merged[account] = merged.get(account, ZERO) + amount
    return Voucher(
        series="A",
        number="",
        date=day,
        text=text[:100],
        transactions=tuple(
            Transaction(account=account, amount=amount) for account, amount in merged.items() if amount
        ),
    )
