"""OCR payment references for Bankgirot (invoicing.md, "OCR payment reference").

An OCR reference is 2–25 digits whose last digit is a Luhn (modulus 10) check digit. In the variant with a
**length digit** the second-to-last digit is the total length of the reference, both added digits included,
modulo 10, and the Luhn digit covers it. Bankgirot lets the payee choose per bankgiro number whether
incoming references are checked with or without the length digit ("OCR-referenskontroll").
"""

from __future__ import annotations

from typing import Final

#: Bankgirot accepts OCR references of 2 to 25 digits.
MIN_OCR_LENGTH: Final = 2
MAX_OCR_LENGTH: Final = 25


class InvalidOcrBase(ValueError):
    """The digits an OCR reference should be built from are missing, not digits, or too many."""


def luhn_check_digit(digits: str) -> str:
    """The Luhn (modulus 10) check digit to append to ``digits``.

    From the right, every other digit starting with the rightmost is doubled (subtracting 9 when the product
    is above 9); the check digit brings the sum up to a multiple of ten. Used for OCR references, Swedish
    organisation numbers and bankgiro numbers.
    """
    if not digits.isascii() or not digits.isdigit():
        raise InvalidOcrBase(f"{digits!r} is not a string of digits")
    total = 0
    for position, character in enumerate(reversed(digits)):
        value = int(character)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def make_ocr(base_digits: str, *, with_length_digit: bool = True) -> str:
    """An OCR reference for ``base_digits``: the base, the length digit (optional) and the Luhn digit.

    Examples from invoicing.md: ``12345`` → ``123455`` without and ``1234574`` with the length digit;
    ``123456789`` → ``12345678911`` with the length digit.
    """
    if not base_digits or not base_digits.isascii() or not base_digits.isdigit():
        raise InvalidOcrBase(f"an OCR reference is built from digits only, got {base_digits!r}")
    added = 2 if with_length_digit else 1
    total_length = len(base_digits) + added
    if total_length > MAX_OCR_LENGTH:
        raise InvalidOcrBase(
            f"{base_digits!r} gives a reference of {total_length} digits; Bankgirot allows {MAX_OCR_LENGTH}"
        )
    body = base_digits + (str(total_length % 10) if with_length_digit else "")
    return body + luhn_check_digit(body)


def is_valid_ocr(reference: str, *, with_length_digit: bool = True) -> bool:
    """True if ``reference`` is a well-formed OCR reference: 2–25 digits, a correct Luhn digit and, in the
    length-digit variant, a second-to-last digit equal to the length modulo 10. Used for incoming payments."""
    if not reference.isascii() or not reference.isdigit():
        return False
    if not MIN_OCR_LENGTH <= len(reference) <= MAX_OCR_LENGTH:
        return False
    if with_length_digit and int(reference[-2]) != len(reference) % 10:
        return False
    return luhn_check_digit(reference[:-1]) == reference[-1]


def ocr_base_from_invoice_number(invoice_number: str) -> str:
    """The digits of an invoice number, in order, as the base of its OCR reference (``2026-0001`` →
    ``20260001``; invoicing.md: "Build it from the invoice number").

    Invoice numbers are unique per series and year, so the digits are unique as long as series differ in
    their digits too; a series told apart only by letters (``A2026-1`` / ``B2026-1``) would share references.
    """
    digits = "".join(character for character in invoice_number if character.isascii() and character.isdigit())
    if not digits:
        raise InvalidOcrBase(f"invoice number {invoice_number!r} contains no digits")
    return digits
