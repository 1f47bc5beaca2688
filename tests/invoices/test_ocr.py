"""OCR payment references (Bankgirot): Luhn check digit and the optional length digit (invoicing.md)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kooperativet.invoices.ocr import (
    InvalidOcrBase,
    is_valid_ocr,
    luhn_check_digit,
    make_ocr,
    ocr_base_from_invoice_number,
)

bases = st.text(alphabet="0123456789", min_size=1, max_size=23)


@pytest.mark.parametrize(
    ("base", "with_length_digit", "reference"),
    [
        ("12345", False, "123455"),  # invoicing.md
        ("12345", True, "1234574"),  # invoicing.md
        ("123456789", True, "12345678911"),  # invoicing.md
        ("20260001", True, "2026000105"),  # length 10 -> length digit 0
        ("0", False, "00"),
    ],
)
def test_make_ocr_matches_the_documented_examples(base: str, with_length_digit: bool, reference: str) -> None:
    assert make_ocr(base, with_length_digit=with_length_digit) == reference
    assert is_valid_ocr(reference, with_length_digit=with_length_digit)


def test_the_length_digit_is_on_by_default() -> None:
    assert make_ocr("12345") == "1234574"
    assert is_valid_ocr("1234574")


@pytest.mark.parametrize(
    ("reference", "with_length_digit"),
    [
        ("123456", False),  # wrong Luhn digit
        ("1234582", True),  # wrong length digit, Luhn recomputed so only the length is off
        ("123455", True),  # valid without the length digit, but its length digit would be wrong
        ("12 3455", False),  # not digits only
        ("1", False),  # too short
        ("1" * 26, False),  # too long for Bankgirot
        ("", True),
        ("١٢٣٤٥٥", False),  # Arabic-Indic digits are digits to str.isdigit, but not to Bankgirot
    ],
)
def test_malformed_references_are_rejected(reference: str, with_length_digit: bool) -> None:
    assert not is_valid_ocr(reference, with_length_digit=with_length_digit)


@pytest.mark.parametrize("base", ["", "12a45", "12-45", "1" * 24])
def test_make_ocr_refuses_a_base_that_cannot_make_a_reference(base: str) -> None:
    with pytest.raises(InvalidOcrBase):
        make_ocr(base)


def test_a_base_of_23_digits_fills_the_25_digits_bankgirot_allows() -> None:
    assert len(make_ocr("1" * 23)) == 25


@pytest.mark.parametrize(
    ("invoice_number", "base"),
    [("2026-0001", "20260001"), ("K2026/17", "202617"), ("7", "7")],
)
def test_the_ocr_base_is_the_digits_of_the_invoice_number(invoice_number: str, base: str) -> None:
    assert ocr_base_from_invoice_number(invoice_number) == base


def test_an_invoice_number_without_digits_gives_no_ocr_base() -> None:
    with pytest.raises(InvalidOcrBase):
        ocr_base_from_invoice_number("UTKAST")


def test_luhn_check_digit_of_a_swedish_organisation_number() -> None:
    assert luhn_check_digit("556677889") == "9"  # 556677-8899


@given(bases, st.booleans())
def test_every_made_reference_validates(base: str, with_length_digit: bool) -> None:
    reference = make_ocr(base, with_length_digit=with_length_digit)
    assert reference.startswith(base)
    assert is_valid_ocr(reference, with_length_digit=with_length_digit)


@given(bases, st.booleans(), st.data())
def test_any_single_digit_change_is_detected(base: str, with_length_digit: bool, data: st.DataObject) -> None:
    reference = make_ocr(base, with_length_digit=with_length_digit)
    position = data.draw(st.integers(min_value=0, max_value=len(reference) - 1))
    replacement = data.draw(st.sampled_from([d for d in "0123456789" if d != reference[position]]))
    changed = reference[:position] + replacement + reference[position + 1 :]
    assert not is_valid_ocr(changed, with_length_digit=with_length_digit)
