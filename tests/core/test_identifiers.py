from __future__ import annotations

from datetime import date

import pytest

from kooperativet.core import identifiers as ids


@pytest.mark.parametrize(
    ("given", "number", "birth_date", "coordination"),
    [
        ("19900514-1230", "199005141230", date(1990, 5, 14), False),
        ("199005141230", "199005141230", date(1990, 5, 14), False),
        ("19371201-4566", "193712014566", date(1937, 12, 1), False),
        ("20040830-3451", "200408303451", date(2004, 8, 30), False),
        ("19900574-1237", "199005741237", date(1990, 5, 14), True),
    ],
)
def test_personal_identity_numbers_give_their_birth_date(
    given: str, number: str, birth_date: date, coordination: bool
) -> None:
    parsed = ids.parse_personal_identity(given)
    assert (parsed.number, parsed.birth_date, parsed.is_coordination_number) == (
        number,
        birth_date,
        coordination,
    )


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("19900514-1231", "check digit"),
        ("900514-1230", "12 digits"),
        ("19901314-1230", "not a real date"),
        ("1990051412", "12 digits"),
        ("19900514-12a0", "digits only"),
        # Digits to ``str.isdigit`` that are no digits of a personnummer (``int`` refuses ``²``).
        ("199005²4-1230", "digits only"),
        ("١٩٩٠٠٥١٤-١٢٣٠", "digits only"),
    ],
)
def test_bad_personal_identity_numbers_say_why(given: str, reason: str) -> None:
    with pytest.raises(ids.InvalidIdentifier, match=reason):
        ids.parse_personal_identity(given)


@pytest.mark.parametrize(
    ("clearing", "account", "valid"),
    [
        ("6000", "123456789", True),
        ("5000", "1234560", True),
        ("3300", "9005141230", True),
        ("5000", "1234566", False),
        ("6000", "12345678", False),
        ("0999", "1234567", False),
        ("60²0", "123456789", False),
        ("6000", "12345678²", False),
    ],
)
def test_bank_accounts_are_checked_per_clearing_range(clearing: str, account: str, valid: bool) -> None:
    if valid:
        assert (
            ids.parse_bank_account(clearing_number=clearing, account_number=account).account_number == account
        )
    else:
        with pytest.raises(ids.InvalidIdentifier):
            ids.parse_bank_account(clearing_number=clearing, account_number=account)


def test_organisation_vat_and_bankgiro_numbers_are_normalised() -> None:
    assert ids.normalise_organisation_number("165560269986") == "556026-9986"
    assert ids.swedish_vat_number("556026-9986") == "SE556026998601"
    assert ids.normalise_bankgiro("50501055") == "5050-1055"
    assert ids.normalise_bankgiro("5050109") == "505-0109"
    with pytest.raises(ids.InvalidIdentifier, match="check digit"):
        ids.normalise_bankgiro("5050108")


def test_masks_show_enough_to_recognise_and_no_more() -> None:
    assert ids.mask_personal_identity("199005141230") == "19900514-****"
    assert ids.mask_account("123456789") == "****6789"
    assert ids.mask_account("123") == "****"
    assert ids.mask_iban("SE3550000000054910000003") == "SE35****0003"
    assert ids.mask_iban_grouped("SE3550000000054910000003") == "SE35 5000 **** **** **** 0003"
    assert ids.mask_iban_grouped("se35 5000 0000 0549 1000 0003") == "SE35 5000 **** **** **** 0003"


@pytest.mark.parametrize(
    ("given", "stored"), [("12345", "123 45"), ("123 45", "123 45"), (" 11846 ", "118 46")]
)
def test_a_swedish_postal_code_is_five_digits_written_as_addresses_print_it(given: str, stored: str) -> None:
    assert ids.normalise_swedish_postal_code(given) == stored


@pytest.mark.parametrize("given", ["ABCDE", "1184", "123456", "12-345", "١٢٣٤٥", ""])
def test_a_swedish_postal_code_of_another_form_is_refused(given: str) -> None:
    with pytest.raises(ids.InvalidIdentifier, match="five digits"):
        ids.normalise_swedish_postal_code(given)
