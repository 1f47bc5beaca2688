"""Invoice arithmetic: line amounts, VAT per rate on the sum of lines, totals and öresavrundning."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kooperativet.core.vat import VatCategory
from kooperativet.invoices.calculation import (
    CreditedVat,
    CreditShare,
    InvoiceLine,
    InvoiceRuleViolation,
    InvoiceTotals,
    TaxedTotals,
    calculate_invoice,
)

S = VatCategory.STANDARD
E = VatCategory.EXEMPT
AE = VatCategory.REVERSE_CHARGE
OUTSIDE = VatCategory.OUTSIDE_SCOPE
EXEMPTION = "Undantag enligt 10 kap. 11 § mervärdesskattelagen"
BUYER_VAT = "DE123456789"


def line(
    quantity: str,
    unit_price: str,
    category: VatCategory = S,
    rate: str = "25",
    *,
    reason: str | None = None,
    unit: str = "HUR",
) -> InvoiceLine:
    return InvoiceLine(
        description="Konsertframträdande",
        quantity=Decimal(quantity),
        unit=unit,
        unit_price=Decimal(unit_price),
        vat_category=category,
        vat_rate=Decimal(rate),
        exemption_reason=reason,
    )


@pytest.mark.parametrize(
    ("lines", "rounding", "line_amounts", "tax", "gross", "rounding_amount", "payable"),
    [
        pytest.param([line("10", "850.00")], False, ["8500.00"], "2125.00", "10625.00", "0.00", "10625.00",
                     id="one line at 25 %"),
        pytest.param([line("1.5", "333.33")], False, ["500.00"], "125.00", "625.00", "0.00", "625.00",
                     id="line amount 499.995 rounds half up"),
        pytest.param([line("1", "0.02")] * 3, False, ["0.02", "0.02", "0.02"], "0.02", "0.08", "0.00", "0.08",
                     id="VAT on the sum (0.015 -> 0.02), not per line (3 x 0.01)"),
        pytest.param(
            [line("1", "1000.00"), line("2", "100.00", S, "12"), line("3", "50.00", S, "6")],
            False, ["1000.00", "200.00", "150.00"], "283.00", "1633.00", "0.00", "1633.00", id="mixed rates",
        ),
        pytest.param([line("1", "99.99")], True, ["99.99"], "25.00", "124.99", "0.01", "125.00",
                     id="öresavrundning up"),
        pytest.param([line("1", "101.00")], True, ["101.00"], "25.25", "126.25", "-0.25", "126.00",
                     id="öresavrundning down"),
        pytest.param([line("1", "100.40")], True, ["100.40"], "25.10", "125.50", "0.50", "126.00",
                     id="öresavrundning of a half krona goes up"),
        pytest.param([line("1", "101.00")], False, ["101.00"], "25.25", "126.25", "0.00", "126.25",
                     id="no rounding when the setting is off"),
        pytest.param([line("4", "2500.00", E, "0", reason=EXEMPTION)], True, ["10000.00"], "0.00", "10000.00",
                     "0.00", "10000.00", id="exempt"),
    ],
)  # fmt: skip
def test_totals(
    lines: list[InvoiceLine],
    rounding: bool,
    line_amounts: list[str],
    tax: str,
    gross: str,
    rounding_amount: str,
    payable: str,
) -> None:
    result = calculate_invoice(lines=lines, buyer_vat_number=None, round_payable_to_krona=rounding)
    assert [item.amount for item in result.lines] == [Decimal(amount) for amount in line_amounts]
    totals = result.totals
    assert totals.line_extension_amount == totals.tax_exclusive_amount == sum(map(Decimal, line_amounts))
    assert totals.tax_amount == Decimal(tax)
    assert totals.tax_inclusive_amount == Decimal(gross)
    assert totals.rounding_amount == Decimal(rounding_amount)
    assert totals.payable_amount == Decimal(payable)


def test_vat_breakdown_has_one_row_per_category_and_rate_highest_rate_first() -> None:
    result = calculate_invoice(
        lines=[
            line("1", "60.00", S, "6"),
            line("1", "1000.00"),
            line("2", "250.00", E, "0", reason=EXEMPTION),
            line("1", "500.00", S, "25.00"),  # 25.00 is the same rate as 25
            line("1", "100.00", S, "12"),
        ],
        buyer_vat_number=None,
        round_payable_to_krona=False,
    )
    rows = [(row.category, row.rate, row.taxable_amount, row.tax_amount) for row in result.vat_breakdown]
    assert rows == [
        (S, Decimal("25"), Decimal("1500.00"), Decimal("375.00")),
        (S, Decimal("12"), Decimal("100.00"), Decimal("12.00")),
        (S, Decimal("6"), Decimal("60.00"), Decimal("3.60")),
        (E, Decimal("0"), Decimal("500.00"), Decimal("0.00")),
    ]
    assert [row.exemption_reason for row in result.vat_breakdown] == [None, None, None, EXEMPTION]


@pytest.mark.parametrize(
    ("lines", "buyer_vat", "reason", "code"),
    [
        ([line("1", "100.00", AE, "0")], BUYER_VAT, "Omvänd betalningsskyldighet", "VATEX-EU-AE"),
        ([line("1", "100.00", OUTSIDE, "0")], None, None, "VATEX-EU-O"),
        ([line("1", "100.00", OUTSIDE, "0", reason="Tjänsten omsätts utanför EU")], None,
         "Tjänsten omsätts utanför EU", "VATEX-EU-O"),
        ([line("1", "100.00", E, "0", reason="A"), line("1", "1.00", E, "0", reason="B"),
          line("1", "1.00", E, "0", reason="A")], None, "A; B", None),
    ],
)  # fmt: skip
def test_exemption_reason_text_and_code_per_category(
    lines: list[InvoiceLine], buyer_vat: str | None, reason: str | None, code: str | None
) -> None:
    (row,) = calculate_invoice(
        lines=lines, buyer_vat_number=buyer_vat, round_payable_to_krona=False
    ).vat_breakdown
    assert (row.exemption_reason, row.exemption_reason_code, row.tax_amount) == (
        reason,
        code,
        Decimal("0.00"),
    )


@pytest.mark.parametrize(
    ("lines", "buyer_vat", "field"),
    [
        ([], None, "lines"),
        ([line("1", "100.00", S, "20")], None, "lines[0].vat_rate"),
        ([line("1", "100.00", S, "0")], None, "lines[0].vat_rate"),
        ([line("1", "100.00", S, "25", reason="Undantag")], None, "lines[0].exemption_reason"),
        ([line("1", "100.00", E, "0")], None, "lines[0].exemption_reason"),
        ([line("1", "100.00", E, "0", reason="   ")], None, "lines[0].exemption_reason"),
        ([line("1", "100.00", E, "25", reason=EXEMPTION)], None, "lines[0].vat_rate"),
        ([line("1", "100.00", AE, "0")], None, "buyer.vat_number"),
        ([line("1", "100.00", AE, "0")], "  ", "buyer.vat_number"),
        ([line("1", "100.00", AE, "25")], BUYER_VAT, "lines[0].vat_rate"),
        ([line("1", "100.00", AE, "0", reason="Reverse charge")], BUYER_VAT, "lines[0].exemption_reason"),
        ([line("1", "100.00", OUTSIDE, "6")], None, "lines[0].vat_rate"),
        ([line("1", "100.00"), line("1", "100.00", OUTSIDE, "0")], None, "lines[1].vat_category"),
        ([line("0", "100.00")], None, "lines[0].quantity"),
        ([line("-1", "100.00")], None, "lines[0].quantity"),
        ([line("1", "0.00")], None, "lines[0].unit_price"),
        ([line("1", "-100.00")], None, "lines[0].unit_price"),
        ([line("1", "100.001")], None, "lines[0].unit_price"),
        ([line("1", "100.00", unit="hour")], None, "lines[0].unit"),
        ([line("1", "100.00", unit="")], None, "lines[0].unit"),
        ([line("1", "100.00"), replace(line("1", "1.00"), description=" ")], None, "lines[1].description"),
        ([replace(line("1", "1.00"), unit_price=1.5)], None, "lines[0].unit_price"),  # type: ignore[arg-type]
        ([replace(line("1", "1.00"), quantity=Decimal("NaN"))], None, "lines[0].quantity"),
    ],
)
def test_rule_violations_name_the_field(lines: list[InvoiceLine], buyer_vat: str | None, field: str) -> None:
    with pytest.raises(InvoiceRuleViolation) as raised:
        calculate_invoice(lines=lines, buyer_vat_number=buyer_vat, round_payable_to_krona=True)
    assert raised.value.field == field
    assert str(raised.value).startswith(f"{field}: ")


def test_a_price_with_trailing_zeros_beyond_ore_is_still_whole_ore() -> None:
    result = calculate_invoice(
        lines=[line("1", "100.000")], buyer_vat_number=None, round_payable_to_krona=False
    )
    assert result.totals.payable_amount == Decimal("125.00")


def test_taxed_totals_cannot_exist_unless_net_plus_tax_is_gross() -> None:
    assert TaxedTotals(net=Decimal("100.00"), tax=Decimal("25.00"), gross=Decimal("125.00")).gross == Decimal(
        "125.00"
    )
    with pytest.raises(InvoiceRuleViolation, match="BR-CO-15"):
        TaxedTotals(net=Decimal("100.00"), tax=Decimal("25.00"), gross=Decimal("125.01"))
    with pytest.raises(InvoiceRuleViolation, match="two decimals"):
        TaxedTotals(net=Decimal("100.001"), tax=Decimal("25.00"), gross=Decimal("125.001"))


@pytest.mark.parametrize(
    ("line_extension", "rounding", "payable", "field"),
    [
        ("100.00", "0.00", "125.01", "totals.payable_amount"),
        ("100.00", "0.51", "125.51", "totals.rounding_amount"),
        ("99.00", "0.00", "125.00", "totals.line_extension_amount"),
    ],
)
def test_invoice_totals_check_their_invariants(
    line_extension: str, rounding: str, payable: str, field: str
) -> None:
    taxed = TaxedTotals(net=Decimal("100.00"), tax=Decimal("25.00"), gross=Decimal("125.00"))
    with pytest.raises(InvoiceRuleViolation) as raised:
        InvoiceTotals(
            line_extension_amount=Decimal(line_extension),
            taxed=taxed,
            rounding_amount=Decimal(rounding),
            payable_amount=Decimal(payable),
        )
    assert raised.value.field == field


def test_a_credit_note_states_its_share_of_the_invoices_vat_and_rounding() -> None:
    # The rest of 1 000.40 after 300.30 was credited: 700.10 with the 175.02 left of the VAT (not
    # 700.10 × 25 % = 175.03) and the invoice's +0.50, never an öresavrundning of its own.
    share = CreditShare(vat=(CreditedVat(S, Decimal("25"), Decimal("175.02")),), rounding=Decimal("0.50"))

    result = calculate_invoice(
        lines=[line("1", "700.10")], buyer_vat_number=None, round_payable_to_krona=True, credit_share=share
    )

    assert (result.vat_breakdown[0].tax_amount, result.totals.tax_amount) == (
        Decimal("175.02"),
        Decimal("175.02"),
    )
    assert (result.totals.rounding_amount, result.totals.payable_amount) == (
        Decimal("0.50"),
        Decimal("875.62"),
    )


def test_a_credit_share_may_carry_more_rounding_than_an_oresavrundning_but_names_every_rate() -> None:
    # What was left of the rounding after credit notes that were each rounded on their own (before the rule).
    left = CreditShare(vat=(CreditedVat(S, Decimal("25.00"), Decimal("125.05")),), rounding=Decimal("0.75"))
    result = calculate_invoice(
        lines=[line("1", "500.20")], buyer_vat_number=None, round_payable_to_krona=True, credit_share=left
    )
    assert result.totals.payable_amount == Decimal("626.00")

    with pytest.raises(InvoiceRuleViolation, match="no VAT for S 12"):
        calculate_invoice(
            lines=[line("1", "500.20", rate="12")],
            buyer_vat_number=None,
            round_payable_to_krona=True,
            credit_share=left,
        )


# Quantities with up to three decimals (hours, kilometres), prices in whole öre.
quantities = st.integers(min_value=1, max_value=10_000_000).map(lambda n: Decimal(n).scaleb(-3))
prices = st.integers(min_value=1, max_value=100_000_000).map(lambda n: Decimal(n).scaleb(-2))
treatments = st.sampled_from(
    [(S, "25", None), (S, "12", None), (S, "6", None), (E, "0", EXEMPTION), (AE, "0", None)]
)
invoice_lines = st.builds(
    lambda quantity, price, treatment: InvoiceLine(
        description="Uppdrag",
        quantity=quantity,
        unit="HUR",
        unit_price=price,
        vat_category=treatment[0],
        vat_rate=Decimal(treatment[1]),
        exemption_reason=treatment[2],
    ),
    quantities,
    prices,
    treatments,
)


@given(st.lists(invoice_lines, min_size=1, max_size=12), st.booleans())
def test_totals_always_add_up(lines: list[InvoiceLine], rounding: bool) -> None:
    result = calculate_invoice(lines=lines, buyer_vat_number=BUYER_VAT, round_payable_to_krona=rounding)
    totals = result.totals
    assert totals.payable_amount == totals.tax_inclusive_amount + totals.rounding_amount
    assert abs(totals.rounding_amount) <= Decimal("0.50")
    assert totals.tax_exclusive_amount == sum(item.amount for item in result.lines)
    assert totals.tax_inclusive_amount == totals.tax_exclusive_amount + totals.tax_amount
    assert totals.tax_amount == sum(row.tax_amount for row in result.vat_breakdown)
    assert totals.tax_exclusive_amount == sum(row.taxable_amount for row in result.vat_breakdown)
    for row in result.vat_breakdown:
        assert row.tax_amount == (row.taxable_amount * row.rate / 100).quantize(
            Decimal("0.01"), "ROUND_HALF_UP"
        )
    for item in result.lines:
        assert abs(item.amount - item.line.quantity * item.line.unit_price) <= Decimal("0.005")
    if rounding:
        assert totals.payable_amount == totals.payable_amount.to_integral_value()
    else:
        assert totals.rounding_amount == 0
