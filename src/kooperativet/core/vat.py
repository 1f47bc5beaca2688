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
