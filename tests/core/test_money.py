from __future__ import annotations

import re
from decimal import Decimal

import pytest

from kooperativet.core import money


@pytest.mark.parametrize(
    ("amount", "half_up", "krona", "floor", "dropped"),
    [
        (Decimal("1.005"), Decimal("1.01"), Decimal("1.00"), Decimal("1.00"), 1),
        (Decimal("4291.584"), Decimal("4291.58"), Decimal("4292.00"), Decimal("4291.00"), 4291),
        (Decimal("26094.31"), Decimal("26094.31"), Decimal("26094.00"), Decimal("26094.00"), 26094),
        (Decimal("0.50"), Decimal("0.50"), Decimal("1.00"), Decimal("0.00"), 0),
        (Decimal("-2.345"), Decimal("-2.35"), Decimal("-2.00"), Decimal("-3.00"), -2),
    ],
)
def test_each_rounding_rule(
    amount: Decimal, half_up: Decimal, krona: Decimal, floor: Decimal, dropped: int
) -> None:
    assert money.round_half_up(amount) == half_up
    assert money.round_to_krona(amount) == krona
    assert money.floor_to_krona(amount) == floor
    assert money.drop_ore(amount) == dropped


@pytest.mark.parametrize("text", ["3_000.00", "1_0", "+5", ".5", "-.5", "5.", "\N{ARABIC-INDIC DIGIT THREE}"])
def test_amounts_not_written_as_the_documented_pattern_are_refused(text: str) -> None:
    """``Decimal`` reads all of these; an amount is ASCII digits with an optional minus and decimal point."""
    with pytest.raises(money.InvalidAmount, match="not written as an amount"):
        money.parse_amount(text)


@pytest.mark.parametrize("text", ["12.345", "abc", "NaN", "Infinity"])
def test_amounts_with_more_than_two_decimals_or_no_number_are_refused(text: str) -> None:
    with pytest.raises(money.InvalidAmount):
        money.parse_amount(text)


@pytest.mark.parametrize("text", ["12.345", "NaN", "-Infinity", "1E-3"])
def test_decimals_are_held_to_the_same_rules_as_text(text: str) -> None:
    """A Decimal (an amount read from the database) is checked as it is, not through its text: the same
    refusals, the same result."""
    with pytest.raises(money.InvalidAmount):
        money.parse_amount(Decimal(text))


@pytest.mark.parametrize(
    ("number", "text"),
    [("0", "0"), ("-0.5", "-0.5"), ("12772.5", "12772.5"), ("1E+3", "1000"), ("100.00", "100.00")],
)
def test_a_decimal_reads_as_its_text_does(number: str, text: str) -> None:
    read = money.parse_amount(Decimal(number))
    assert read == money.parse_amount(text)
    assert read.as_tuple() == money.parse_amount(text).as_tuple()  # sign and two decimals kept alike
    assert read.as_tuple().exponent == -2


@pytest.mark.parametrize("amount", ["1000000000000", "-1000000000000.00", "9" * 27, "9" * 40 + ".5"])
def test_amounts_beyond_twelve_digits_of_kronor_are_refused_as_text_and_as_decimals(amount: str) -> None:
    """A money column is Numeric(14, 2), as ``MONEY_PATTERN`` documents; beyond 28 digits the rounding itself
    would fail."""
    for value in (amount, Decimal(amount)):
        with pytest.raises(money.InvalidAmount, match="twelve digits"):
            money.parse_amount(value)


@pytest.mark.parametrize("text", ["1e5", "1E+3", "2.5e2", "1e400", "-1E-2"])
def test_amounts_written_with_an_exponent_are_refused(text: str) -> None:
    with pytest.raises(money.InvalidAmount, match="exponent"):
        money.parse_amount(text)


@pytest.mark.parametrize("text", ["999999999999.99", "-999999999999", "0.5", "-0", " 12 ", 42])
def test_every_amount_read_is_written_as_the_documented_pattern(text: str | int) -> None:
    assert re.fullmatch(money.MONEY_PATTERN, money.format_amount(money.parse_amount(text)))


def test_floats_are_refused_and_strings_keep_every_ore() -> None:
    with pytest.raises(money.InvalidAmount, match="float"):
        money.parse_amount(0.1)  # type: ignore[arg-type]
    assert money.parse_amount(" 12772.5 ") == Decimal("12772.50")
    assert money.format_amount(Decimal("12772.5")) == "12772.50"
