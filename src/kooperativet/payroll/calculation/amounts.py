"""Checks and conversions of amounts that every part of the payout calculation shares."""

from __future__ import annotations

from decimal import Decimal

from kooperativet.core.money import ORE

HUNDRED = Decimal(100)


def require_amount(name: str, amount: Decimal) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise TypeError(f"{name} must be a finite Decimal, not {amount!r}")
    if amount < 0 or amount != amount.quantize(ORE):
        raise ValueError(f"{name} must be a non-negative amount in whole öre, not {amount}")


def from_ore(ore: int) -> Decimal:
    return Decimal(ore).scaleb(-2)


def plain(value: Decimal) -> Decimal:
    """A percent without trailing zeros and without exponent notation (``30``, ``22.5``)."""
    normalized = value.normalize()
    return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral_value() else normalized
