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
) -> None:
    """Check one line's VAT category, rate and reason; raise :class:`VatRuleViolation`.

    * S: rate 25, 12 or 6 (SE-R-006) and no exemption reason (BR-S-10);
    * E: rate 0 (BR-E-05) and an exemption reason (BR-E-10, mervärdesskattelagen 17 kap.);
    * AE: rate 0 (BR-AE-05), no reason of its own, and the buyer's VAT number (BR-AE-02);
    * O: rate 0 (BR-O-05).

    ``field`` is the line's path (``lines[2]``), ``buyer_field`` where the buyer's VAT number comes from.
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


def _require_zero_rate(category: VatCategory, rate: Decimal, *, field: str, rule: str) -> None:
    if rate != 0:
        raise VatRuleViolation(f"{field}.vat_rate", f"category {category.value} has VAT rate 0 ({rule})")
