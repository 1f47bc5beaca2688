"""VAT categories against where the buyer is (invoicing.md, "VAT per line"): reverse charge (AE) for a buyer
with a VAT number of another EU country, outside the scope (O) for a buyer outside the EU."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kooperativet.core.vat import VatCategory, VatRuleViolation, check_vat_treatment, vat_number_country

AE = VatCategory.REVERSE_CHARGE
OUTSIDE = VatCategory.OUTSIDE_SCOPE


def check(category: VatCategory, *, vat_number: str | None, country: str | None) -> None:
    check_vat_treatment(
        category=category,
        rate=Decimal("0"),
        exemption_reason=None,
        buyer_vat_number=vat_number,
        field="lines[0]",
        buyer_field="buyer.vat_number",
        buyer_country=country,
    )


@pytest.mark.parametrize(
    ("category", "vat_number", "country"),
    [
        (AE, "DE136695976", "DE"),
        (AE, "EL094259216", "GR"),  # Greece's VAT numbers begin with EL
        (AE, "FR40303265045", "FR"),
        (OUTSIDE, None, "NO"),
        (OUTSIDE, "NO923609016MVA", "NO"),
        (OUTSIDE, "GB980780684", "GB"),
        (OUTSIDE, None, None),  # where the buyer is is not known: not checked here, but at the invoice
    ],
)
def test_a_category_that_fits_where_the_buyer_is_passes(
    category: VatCategory, vat_number: str | None, country: str | None
) -> None:
    check(category, vat_number=vat_number, country=country)


@pytest.mark.parametrize(
    ("category", "vat_number", "country", "reason"),
    [
        (AE, "SE556026998601", "SE", "Swedish VAT"),
        (AE, "NO923609016MVA", "NO", "another EU country"),
        (AE, "XI123456782", "GB", "another EU country"),  # Northern Ireland's numbers are for goods
        (OUTSIDE, None, "SE", "outside the EU"),
        (OUTSIDE, "DE136695976", "DE", "outside the EU"),
        (OUTSIDE, "SE556026998601", "NO", "outside the EU"),  # the VAT number says Sweden
    ],
)
def test_a_category_that_does_not_fit_where_the_buyer_is_is_refused_on_the_lines_category(
    category: VatCategory, vat_number: str | None, country: str, reason: str
) -> None:
    with pytest.raises(VatRuleViolation) as refused:
        check(category, vat_number=vat_number, country=country)

    assert refused.value.field == "lines[0].vat_category"
    assert reason in refused.value.reason


def test_without_the_buyers_country_where_the_buyer_is_is_not_checked() -> None:
    # A credit note reverses its invoice as it was issued.
    check(AE, vat_number="SE556026998601", country=None)


@pytest.mark.parametrize(
    ("vat_number", "country"),
    [("DE136695976", "DE"), ("el094259216", "GR"), (" SE 5560269986 01", "SE"), ("", None), (None, None)],
)
def test_the_country_of_a_vat_number_is_its_prefix(vat_number: str | None, country: str | None) -> None:
    assert vat_number_country(vat_number) == country
