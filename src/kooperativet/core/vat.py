"""VAT categories and Swedish rates, shared by fee lines, invoices and the accounting export."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Final

#: Mervärdesskattelagen (2023:200) 9 kap.: the only standard rates in Sweden (Peppol rule SE-R-006).
SWEDISH_STANDARD_RATES: Final = frozenset({Decimal("25"), Decimal("12"), Decimal("6")})


class VatCategory(StrEnum):
    """EN 16931 VAT category codes (UNCL5305 subset) used by the cooperative (invoicing.md table)."""

    STANDARD = "S"  # 25, 12 or 6 %
    EXEMPT = "E"  # exempt, with a reason
    REVERSE_CHARGE = "AE"  # omvänd betalningsskyldighet: business buyer in another EU country
    OUTSIDE_SCOPE = "O"  # outside the scope of VAT: buyers outside the EU


#: The words mervärdesskattelagen 17 kap. requires on a reverse-charge invoice.
REVERSE_CHARGE_TEXT: Final = "Omvänd betalningsskyldighet"

#: The EU member states (ISO 3166-1 alpha-2), as the Treaty on European Union art. 52 lists them: where the
#: buyer is decides the category. A service to a business buyer is supplied where the buyer is established
#: (mervärdesskattelagen (2023:200) 6 kap.): in another EU country the buyer pays the VAT there (reverse
#: charge, AE, with the buyer's VAT number on the invoice, 17 kap.); outside the EU it is outside the scope
#: of Swedish VAT (O); in Sweden it is Swedish VAT.
EU_COUNTRIES: Final = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)  # fmt: skip
SWEDEN: Final = "SE"
#: VAT numbers begin with the country's ISO code, except Greece's, which begin with EL (the Commission's
#: VIES); XI (Northern Ireland) numbers are for goods only and are not an EU country's for services.
_VAT_PREFIX_COUNTRY: Final = {"EL": "GR"}


class VatRuleViolation(ValueError):
    """A line whose VAT treatment breaks a Swedish or EN 16931 rule; ``field`` names the offending input."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def check_vat_treatment(
    *,
    category: VatCategory,
    rate: Decimal,
    exemption_reason: str | None,
    buyer_vat_number: str | None,
    field: str,
    buyer_field: str,
    buyer_country: str | None = None,
) -> None:
    """Check one line's VAT category, rate and reason; raise :class:`VatRuleViolation`.

    * S: rate 25, 12 or 6 (SE-R-006) and no exemption reason (BR-S-10);
    * E: rate 0 (BR-E-05) and an exemption reason (BR-E-10, mervärdesskattelagen 17 kap.);
    * AE: rate 0 (BR-AE-05), no reason of its own, and the buyer's VAT number (BR-AE-02), of an EU country
      other than Sweden;
    * O: rate 0 (BR-O-05), and a buyer outside the EU.

    ``field`` is the line's path (``lines[2]``), ``buyer_field`` where the buyer's VAT number comes from.
    ``buyer_country`` is where the buyer is (ISO 3166-1 alpha-2); None leaves out where the buyer is (a
    credit note reverses its invoice as it was issued).
    """
    if not isinstance(category, VatCategory):
        raise VatRuleViolation(f"{field}.vat_category", "use S, E, AE or O")
    if not isinstance(rate, Decimal) or not rate.is_finite():
        raise VatRuleViolation(f"{field}.vat_rate", "a VAT rate is a decimal number of percent")
    reason = (exemption_reason or "").strip()
    match category:
        case VatCategory.STANDARD:
            if rate not in SWEDISH_STANDARD_RATES:
                raise VatRuleViolation(
                    f"{field}.vat_rate", "Swedish standard rates are 25, 12 or 6 per cent (SE-R-006)"
                )
            if reason:
                raise VatRuleViolation(
                    f"{field}.exemption_reason", "a standard-rated line has no exemption reason (BR-S-10)"
                )
        case VatCategory.EXEMPT:
            _require_zero_rate(category, rate, field=field, rule="BR-E-05")
            if not reason:
                raise VatRuleViolation(
                    f"{field}.exemption_reason",
                    "an exempt line needs the legal reference or reason for the exemption (BR-E-10)",
                )
        case VatCategory.REVERSE_CHARGE:
            _require_zero_rate(category, rate, field=field, rule="BR-AE-05")
            if reason:
                raise VatRuleViolation(
                    f"{field}.exemption_reason",
                    f"reverse charge always uses the words {REVERSE_CHARGE_TEXT!r}; leave the reason empty",
                )
            if not (buyer_vat_number or "").strip():
                raise VatRuleViolation(
                    buyer_field, "reverse charge requires the buyer's VAT number (BR-AE-02)"
                )
        case VatCategory.OUTSIDE_SCOPE:
            _require_zero_rate(category, rate, field=field, rule="BR-O-05")
    if buyer_country is not None:
        check_buyer_place(
            category=category, buyer_vat_number=buyer_vat_number, buyer_country=buyer_country, field=field
        )


def check_buyer_place(
    *, category: VatCategory, buyer_vat_number: str | None, buyer_country: str, field: str
) -> None:
    """Reverse charge (AE) only for a buyer whose VAT number is of an EU country other than Sweden; outside
    the scope (O) only for a buyer outside the EU, by its country and by its VAT number (``EU_COUNTRIES``).
    The refusal names the line's ``vat_category``: the client is right, the line's choice is not."""
    registered = vat_number_country(buyer_vat_number)
    match category:
        case VatCategory.REVERSE_CHARGE if registered == SWEDEN:
            raise VatRuleViolation(
                f"{field}.vat_category",
                "reverse charge (AE) is for a business buyer in another EU country; a buyer with a Swedish "
                "VAT number is charged Swedish VAT (S)",
            )
        case VatCategory.REVERSE_CHARGE if registered not in EU_COUNTRIES:
            raise VatRuleViolation(
                f"{field}.vat_category",
                "reverse charge (AE) is for a business buyer in another EU country, with a VAT number of "
                "that country",
            )
        case VatCategory.OUTSIDE_SCOPE if buyer_country.upper() in EU_COUNTRIES or registered in EU_COUNTRIES:
            raise VatRuleViolation(
                f"{field}.vat_category",
                "outside the scope of VAT (O) is for a buyer outside the EU; a buyer in Sweden is charged "
                "Swedish VAT, a business buyer in another EU country reverse charge (AE)",
            )


def vat_number_country(vat_number: str | None) -> str | None:
    """The ISO country code a VAT number belongs to (``DE136695976`` → DE, ``EL…`` → GR), None without one."""
    prefix = "".join((vat_number or "").split())[:2].upper()
    if len(prefix) < 2 or not prefix.isalpha():
        return None
    return _VAT_PREFIX_COUNTRY.get(prefix, prefix)


def _require_zero_rate(category: VatCategory, rate: Decimal, *, field: str, rule: str) -> None:
    if rate != 0:
        raise VatRuleViolation(f"{field}.vat_rate", f"category {category.value} has VAT rate 0 ({rule})")
