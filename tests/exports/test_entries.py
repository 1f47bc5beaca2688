"""Accounting entries (exports.md, SIE 4): each document becomes one balanced voucher on the BAS accounts."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from kooperativet.core.vat import VatCategory
from kooperativet.exports import entries
from kooperativet.parameters.catalog import DEFAULTS

BAS = entries.AccountMap.of(json.loads(next(d.value for d in DEFAULTS if d.key == "account_map")))
DAY = date(2026, 11, 20)


def rows(voucher) -> dict[str, Decimal]:  # type: ignore[no-untyped-def]
    return {row.account: row.amount for row in voucher.transactions}


def line(category: VatCategory, rate: str, amount: str) -> entries.InvoiceLineAmount:
    return entries.InvoiceLineAmount(vat_category=category, vat_rate=Decimal(rate), amount=Decimal(amount))


def invoice(*lines: entries.InvoiceLineAmount, payable: str, credit: bool = False) -> entries.InvoiceSnapshot:
    return entries.InvoiceSnapshot(
        number="2026-0001",
        issue_date=DAY,
        client_name="Kund",
        is_credit_note=credit,
        lines=lines,
        payable=Decimal(payable),
    )


@pytest.mark.parametrize(
    ("lines", "payable", "expected"),
    [
        ((line(VatCategory.STANDARD, "25", "17111.32"),), "21389.00",
         {"1510": "21389.00", "3041": "-17111.32", "2611": "-4277.83", "3740": "0.15"}),
        ((line(VatCategory.STANDARD, "12", "1000.00"),), "1120.00",
         {"1510": "1120.00", "3042": "-1000.00", "2621": "-120.00"}),
        ((line(VatCategory.STANDARD, "6", "9500.00"),), "10070.00",
         {"1510": "10070.00", "3043": "-9500.00", "2631": "-570.00"}),
        ((line(VatCategory.EXEMPT, "0", "500.00"),), "500.00", {"1510": "500.00", "3044": "-500.00"}),
        # Services abroad on BAS 2025's accounts: 3305 outside the EU, 3308 to another EU country (AE).
        ((line(VatCategory.OUTSIDE_SCOPE, "0", "800.00"),), "800.00", {"1510": "800.00", "3305": "-800.00"}),
        ((line(VatCategory.REVERSE_CHARGE, "0", "13200.00"),), "13200.00",
         {"1510": "13200.00", "3308": "-13200.00"}),
        ((line(VatCategory.STANDARD, "25", "100.00"), line(VatCategory.STANDARD, "6", "100.00")), "231.00",
         {"1510": "231.00", "3041": "-100.00", "2611": "-25.00", "3043": "-100.00", "2631": "-6.00"}),
    ],
)  # fmt: skip
def test_an_invoice_debits_receivables_and_credits_sales_and_vat_per_rate(
    lines: tuple[entries.InvoiceLineAmount, ...], payable: str, expected: dict[str, str]
) -> None:
    voucher = entries.invoice_voucher(invoice(*lines, payable=payable), accounts=BAS)
    assert rows(voucher) == {account: Decimal(amount) for account, amount in expected.items()}
    assert voucher.balance == 0


def test_a_credit_note_is_the_invoice_with_the_signs_turned() -> None:
    voucher = entries.invoice_voucher(
        invoice(line(VatCategory.STANDARD, "6", "1500.00"), payable="1590.00", credit=True), accounts=BAS
    )
    assert rows(voucher) == {
        "1510": Decimal("-1590.00"),
        "3043": Decimal("1500.00"),
        "2631": Decimal("90.00"),
    }
    assert voucher.text.startswith("Kreditfaktura")


def test_a_payment_moves_the_receivable_to_the_bank() -> None:
    payment = entries.PaymentSnapshot(invoice_number="2026-0001", paid_on=DAY, amount=Decimal("500.00"))
    assert rows(entries.payment_voucher(payment, accounts=BAS)) == {
        "1930": Decimal("500.00"),
        "1510": Decimal("-500.00"),
    }


def test_a_payroll_run_books_costs_liabilities_and_net_pay_and_leaves_the_residue_on_the_sale() -> None:
    """R (0,01 here) is the cooperative's, like its fee, and already on the sales account the invoice
    credited: the run books no 3041 and no 3740 (until 2026-12-05 it moved R from 3041 to 3740)."""
    run = entries.PayrollRunSnapshot(
        run_id=1,
        pay_date=DAY,
        gross_salary=Decimal("12772.57"),
        holiday_pay=Decimal("1532.71"),
        employer_contributions=Decimal("4494.72"),
        residue=Decimal("0.01"),
        tax=Decimal("4291.00"),
    )
    voucher = entries.payroll_run_voucher(run, accounts=BAS)
    assert rows(voucher) == {
        "7210": Decimal("12772.57"), "7285": Decimal("1532.71"), "7510": Decimal("4494.72"),
        "2710": Decimal("-4291.00"), "2731": Decimal("-4494.72"), "1930": Decimal("-10014.28"),
    }  # fmt: skip
    assert voucher.balance == 0


def test_the_seeded_map_names_only_accounts_the_vouchers_use_and_each_has_its_bas_name() -> None:
    """No role without a voucher that books it; each default account named in ``#KONTO`` as BAS names it."""
    seeded = json.loads(next(d.value for d in DEFAULTS if d.key == "account_map"))
    assert set(seeded) == set(entries.ACCOUNT_ROLES)
    assert {seeded["sales_outside_eu"], seeded["sales_eu_reverse_charge"]} == {"3305", "3308"}
    assert set(seeded.values()) <= set(entries.BAS_ACCOUNT_NAMES)
    assert entries.BAS_ACCOUNT_NAMES["3308"] == "Försäljning tjänster till annat EU-land"
    assert entries.BAS_ACCOUNT_NAMES["3305"] == "Försäljning tjänster till land utanför EU"


def test_a_payroll_run_books_the_outlays_its_corrections_paid_back_as_leaving_the_bank() -> None:
    run = entries.PayrollRunSnapshot(
        run_id=2,
        pay_date=DAY,
        gross_salary=Decimal("12772.57"),
        holiday_pay=Decimal("1532.71"),
        employer_contributions=Decimal("4494.72"),
        residue=Decimal("0.00"),
        tax=Decimal("4291.00"),
        corrections_reimbursed=Decimal("250.00"),
    )
    voucher = entries.payroll_run_voucher(run, accounts=BAS)
    assert rows(voucher) == {
        "7210": Decimal("12772.57"), "7285": Decimal("1532.71"), "7510": Decimal("4494.72"),
        "6990": Decimal("250.00"), "2710": Decimal("-4291.00"), "2731": Decimal("-4494.72"),
        "1930": Decimal("-10264.28"),
    }  # fmt: skip
    assert voucher.balance == 0


def test_an_expense_reimbursement_books_the_cost_and_input_vat() -> None:
    expense = entries.ExpenseSnapshot(
        expense_id=1,
        paid_on=DAY,
        member_name="Alva",
        description="Tåg Malmö–Lund",
        amount=Decimal("789.00"),
        vat_rate=Decimal("6"),
    )
    voucher = entries.expense_voucher(expense, accounts=BAS)
    assert rows(voucher) == {"6990": Decimal("744.34"), "2641": Decimal("44.66"), "1930": Decimal("-789.00")}
    assert voucher.text == "Utlägg Alva: Tåg Malmö–Lund"  # the SIE writer spells the en dash, with a note


def test_the_account_map_is_configuration_with_every_role() -> None:
    custom = {role: "1930" if role == "bank" else account for role, account in BAS.accounts.items()} | {
        "bank": "1940"
    }
    payment = entries.PaymentSnapshot(invoice_number="1", paid_on=DAY, amount=Decimal("1.00"))
    assert "1940" in rows(entries.payment_voucher(payment, accounts=entries.AccountMap.of(custom)))
    with pytest.raises(entries.InvalidAccountMap, match="bank"):
        entries.AccountMap.of({role: account for role, account in custom.items() if role != "bank"})
    with pytest.raises(entries.InvalidAccountMap, match="not account numbers"):
        entries.AccountMap.of(custom | {"bank": "19 30"})
    with pytest.raises(entries.InvalidAccountMap, match="not account numbers"):
        entries.AccountMap.of(custom | {"bank": "193²"})  # a digit to str.isdigit, not to the accountant
