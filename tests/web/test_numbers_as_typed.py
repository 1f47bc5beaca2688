"""Numbers typed into the web's forms are read as the page's language writes them, and a number that could be
read two ways is refused by its field, never guessed (web.forms.decimal_text)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from kooperativet.web.forms import UNCLEAR_MARK, decimal_text
from tests.web.conftest import sign_in
from tests.web.test_commissions import a_commission, assignments_of, posted, theatre  # noqa: F401

UNCLEAR_IN_SWEDISH = "Skriv decimaler med komma (1,5) och tusental med mellanslag (1\N{NO-BREAK SPACE}500)."


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("1,5", "1.5"),
        ("1 500", "1500"),
        ("1\N{NO-BREAK SPACE}500,25", "1500.25"),
        ("1,500", "1.500"),  # a decimal comma with three decimals, as a Swede writes it
        ("1.5", "1.5"),  # a phone's keyboard offers the point: one or two decimals cannot be thousands
        ("12.75", "12.75"),
        ("0.500", "0.500"),  # a leading nought is no group of thousands: a half
        ("1.500.000", "1500000"),  # two points: thousands, nothing else
        ("1.500,50", "1500.50"),  # points before the decimal comma: thousands
        ("-2,5", "-2.5"),
        ("", ""),
        ("tre", "tre"),  # not a number: the schema says so
    ],
)
def test_swedish_numbers_are_read_with_a_decimal_comma(typed: str, read: str) -> None:
    assert decimal_text(typed, "sv") == read


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("1.5", "1.5"),
        ("1,500", "1500"),
        ("1,250.50", "1250.50"),
        ("1 250.50", "1250.50"),
        ("12,345,678", "12345678"),
        ("1.500", "1.500"),  # a decimal point, whatever follows it
    ],
)
def test_english_numbers_are_read_with_a_decimal_point(typed: str, read: str) -> None:
    assert decimal_text(typed, "en") == read


@pytest.mark.parametrize(
    ("typed", "language"),
    [
        ("1.500", "sv"),  # one and a half from a phone's keyboard, or fifteen hundred
        ("-1.500", "sv"),
        ("1.5,5", "sv"),
        ("1.2.3", "sv"),
        ("12,50", "en"),  # twelve and a half to someone used to a decimal comma; was read as 1250
        ("1,5", "en"),
        ("1,50.5", "en"),
    ],
)
def test_a_number_that_can_be_read_two_ways_is_marked_not_guessed(typed: str, language: str) -> None:
    read = decimal_text(typed, language)
    assert read.startswith(UNCLEAR_MARK)
    with pytest.raises(ArithmeticError):
        Decimal(read)


def test_the_commission_form_asks_how_a_quantity_with_a_point_was_meant(
    browser_client,
    session,
    make_member,
    theatre,  # noqa: F811
) -> None:
    """ "1.500" days is refused by its field with the rule for writing it, what was typed stays in the box,
    and nothing is saved; "1,5" and "1 500" are read."""
    alva = make_member()
    sign_in(browser_client, alva.user.email)
    refused = posted(
        browser_client, "/commissions/new", a_commission(theatre.id, **{"lines.0.quantity": "1.500"})
    )
    assert refused.status_code == 422
    assert f'id="e-lines.0.quantity">{UNCLEAR_IN_SWEDISH}</p>' in refused.text, re.findall(
        r'class="error"[^>]*>[^<]*', refused.text
    )
    assert 'value="1.500"' in refused.text
    assert assignments_of(session, alva.member) == []

    price = posted(
        browser_client, "/commissions/new", a_commission(theatre.id, **{"lines.0.unit_price": "1.500"})
    )
    assert price.status_code == 422
    assert f'id="e-lines.0.unit_price">{UNCLEAR_IN_SWEDISH}</p>' in price.text

    for typed, quantity in (("1,5", Decimal("1.5")), ("1 500", Decimal("1500"))):
        saved = posted(
            browser_client, "/commissions/new", a_commission(theatre.id, **{"lines.0.quantity": typed})
        )
        assert saved.status_code == 303, re.findall(r'class="error"[^>]*>[^<]*', saved.text)
        assert assignments_of(session, alva.member)[-1].lines[0].quantity == quantity
