"""Money as ``Decimal`` kronor, and the only rounding functions the product uses.

Every amount is a ``Decimal`` with two decimals (öre). Rounding happens only through these functions, at the
points the project's docs name (``docs/payroll.md`` §1, ``docs/invoicing.md``).
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

ORE = Decimal("0.01")
KRONA = Decimal("1")
ZERO = Decimal("0.00")

#: The pattern the API documents for money strings: optional minus, digits, optional two decimals.
MONEY_PATTERN = r"^-?\d{1,12}(\.\d{1,2})?$"


#: How an amount is written, its length aside (checked after, with a message of its own): ASCII digits, an
#: optional minus and decimal point. ``Decimal`` itself also reads "3_000.00", "+5", ".5", " ٣ " and "5.".
WRITTEN_AMOUNT = re.compile(r"-?[0-9]+(\.[0-9]+)?")

#: The first amount too large for a money column (``Numeric(14, 2)``: twelve digits of kronor, as the
#: pattern says).
TOO_LARGE = Decimal("1E+12")
#: What the refusal of such an amount says of it; the web reads it to say "too large" rather than how to
#: write an amount (``web.forms.too_large_amount``).
TOO_MANY_DIGITS = "more than twelve digits of kronor"


class InvalidAmount(ValueError):
    """An amount that is not a finite decimal with at most two decimals and twelve digits of kronor."""


def round_half_up(amount: Decimal) -> Decimal:
    """Round to whole öre, halves away from zero (ROUND_HALF_UP), as payroll.md §1 prescribes."""
    return amount.quantize(ORE, rounding=ROUND_HALF_UP)


def round_to_krona(amount: Decimal) -> Decimal:
    """Round to whole kronor, halves away from zero: öresavrundning of an invoice's payable amount."""
    return amount.quantize(KRONA, rounding=ROUND_HALF_UP).quantize(ORE)


def floor_to_krona(amount: Decimal) -> Decimal:
    """Drop the öre towards minus infinity ("öretal som uppkommer vid beräkning av skatten bortfaller")."""
    return amount.quantize(KRONA, rounding=ROUND_FLOOR).quantize(ORE)


def drop_ore(amount: Decimal) -> int:
    """Whole kronor with the öre dropped (towards zero), as the AGI reports sums."""
    return int(amount.quantize(KRONA, rounding=ROUND_DOWN))


def parse_amount(value: str | int | Decimal) -> Decimal:
    """Read an amount from user input: written as ``MONEY_PATTERN`` says (ASCII digits, an optional minus and
    decimal point; never "3_000.00"), at most two decimals and twelve digits of kronor, never a float, never
    silently rounded. A whole number (``int``) is whole kronor."""
    if isinstance(value, float):  # a float has already lost the öre; refuse it rather than guess
        raise InvalidAmount("amounts must be given as strings or decimals, not floats")
    if isinstance(value, Decimal):
        amount = value  # already a number: checked below as it is, not through its text
    else:
        text = str(value).strip()
        try:
            amount = Decimal(text)
        except InvalidOperation as exc:
            raise InvalidAmount(f"{value!r} is not a number") from exc
        if amount.is_finite() and "e" in text.lower():  # "1e5" is not ``MONEY_PATTERN``, and seldom meant
            raise InvalidAmount(f"{value!r} is written with an exponent; write the digits")
        if amount.is_finite() and not WRITTEN_AMOUNT.fullmatch(text):
            raise InvalidAmount(
                f"{value!r} is not written as an amount: digits with a decimal point, such as 1250.50 "
                "(no underscores, spaces or plus sign)"
            )
    if not amount.is_finite():
        raise InvalidAmount(f"{value!r} is not a finite number")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise InvalidAmount(f"{value!r} has more than two decimals")
    # Checked before rounding: beyond 28 digits ``quantize`` itself fails, and beyond twelve digits of kronor
    # no money column holds the amount.
    if abs(amount) >= TOO_LARGE:
        raise InvalidAmount(f"{value!r} has {TOO_MANY_DIGITS}")
    return amount.quantize(ORE)


def format_amount(amount: Decimal) -> str:
    """The canonical text of an amount: a dot and exactly two decimals (``12772.57``)."""
    return str(amount.quantize(ORE))
