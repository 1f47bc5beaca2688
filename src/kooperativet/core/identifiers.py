"""Swedish and EU identifiers, validated with python-stdnum and bankkonto; masks for lists and logs.

Every parser returns the canonical form the database stores, or raises ``InvalidIdentifier`` with a reason
a person can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import bankkonto
from stdnum import bic, iban, luhn
from stdnum.eu import vat
from stdnum.exceptions import ValidationError
from stdnum.se import orgnr, personnummer

COORDINATION_DAY_OFFSET = 60  # a samordningsnummer adds 60 to the day of birth (folkbokföringslagen 18 a §)


class InvalidIdentifier(ValueError):
    """An identifier that fails its format or check digit; the message says why."""


@dataclass(frozen=True, slots=True)
class PersonalIdentity:
    number: str  # 12 digits, century included: 199005141234
    birth_date: date
    is_coordination_number: bool


def _digits(value: str) -> str:
    return re.sub(r"[\s\-+]", "", value)


def _only_digits(value: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also takes ``²`` and ``٣``, which ``int`` and the checks refuse."""
    return value.isascii() and value.isdigit()


def parse_personal_identity(value: str) -> PersonalIdentity:
    """A personnummer or samordningsnummer with century (``YYYYMMDD-NNNN``); birth date derived.

    Ten-digit forms are refused: their century depends on the reader's clock and on a ``+`` sign that
    people often omit, and the AGI needs all twelve digits.
    """
    digits = _digits(value)
    if not _only_digits(digits):
        raise InvalidIdentifier("must contain digits only (YYYYMMDD-NNNN)")
    if len(digits) == 10:
        raise InvalidIdentifier("give all 12 digits with the century (YYYYMMDD-NNNN)")
    if len(digits) != 12:
        raise InvalidIdentifier("must have 12 digits (YYYYMMDD-NNNN)")
    day = int(digits[6:8])
    is_coordination = day > COORDINATION_DAY_OFFSET
    if not luhn.is_valid(digits[2:]):
        raise InvalidIdentifier("the check digit is wrong")
    birth_digits = digits[:6] + f"{day - COORDINATION_DAY_OFFSET:02d}" if is_coordination else digits[:8]
    try:
        birth_date = date(int(birth_digits[:4]), int(birth_digits[4:6]), int(birth_digits[6:8]))
    except ValueError as exc:
        raise InvalidIdentifier("the date of birth is not a real date") from exc
    if not is_coordination:
        try:
            personnummer.validate(digits)
        except ValidationError as exc:
            raise InvalidIdentifier(str(exc)) from exc
    return PersonalIdentity(number=digits, birth_date=birth_date, is_coordination_number=is_coordination)


def normalise_organisation_number(value: str) -> str:
    """A Swedish organisation number as ``NNNNNN-NNNN`` (Luhn-checked)."""
    digits = _digits(value)
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]
    try:
        return str(orgnr.format(orgnr.validate(digits)))
    except ValidationError as exc:
        raise InvalidIdentifier(_reason(exc, "organisation number")) from exc


def normalise_vat_number(value: str) -> str:
    """An EU VAT number (``SE556026998601``, ``DE136695976`` …), validated for its country's format."""
    try:
        return str(vat.validate(value))
    except ValidationError as exc:
        raise InvalidIdentifier(_reason(exc, "VAT number")) from exc


def swedish_vat_number(organisation_number: str) -> str:
    """The Swedish VAT number of an organisation: ``SE`` + the ten digits + ``01``."""
    return "SE" + _digits(normalise_organisation_number(organisation_number)) + "01"


@dataclass(frozen=True, slots=True)
class BankAccount:
    clearing_number: str
    account_number: str


def parse_bank_account(*, clearing_number: str, account_number: str) -> BankAccount:
    """A Swedish bank account, checked against Bankgirot's rules per clearing-number range."""
    clearing = _digits(clearing_number)
    account = _digits(account_number)
    if not _only_digits(clearing) or not _only_digits(account):
        raise InvalidIdentifier("clearing and account numbers must be digits")
    try:
        bankkonto.validate(clearing, account)
    except bankkonto.BankkontoException as exc:
        raise InvalidIdentifier(str(exc)) from exc
    return BankAccount(clearing_number=clearing, account_number=account)


def normalise_swedish_postal_code(value: str) -> str:
    """A Swedish postal code as ``NNN NN``, the form Swedish addresses print: five digits, with or without
    the space after the third (``12345``, ``123 45``)."""
    digits = re.sub(r"\s", "", value)
    if len(digits) != 5 or not _only_digits(digits):
        raise InvalidIdentifier("a Swedish postal code has five digits, such as 123 45")
    return f"{digits[:3]} {digits[3:]}"


def normalise_bankgiro(value: str) -> str:
    """A bankgiro number as ``NNN-NNNN`` or ``NNNN-NNNN`` (7–8 digits, Luhn check digit)."""
    digits = _digits(value)
    if not _only_digits(digits) or len(digits) not in (7, 8):
        raise InvalidIdentifier("a bankgiro number has 7 or 8 digits")
    if not luhn.is_valid(digits):
        raise InvalidIdentifier("the bankgiro check digit is wrong")
    return f"{digits[:-4]}-{digits[-4:]}"


def normalise_iban(value: str) -> str:
    try:
        return str(iban.validate(value))
    except ValidationError as exc:
        raise InvalidIdentifier(_reason(exc, "IBAN")) from exc


def parse_salary_iban(value: str) -> str:
    """A member's IBAN for salary, compact (``SE3550000000054910000003``): checked by python-stdnum (the
    country's length and format and the mod-97 check digits), and Swedish — the salary file pays SEK within
    Sweden; an account abroad would need a cross-border payment the file does not make."""
    compact = normalise_iban(value)
    if not compact.startswith("SE"):
        raise InvalidIdentifier("salary is paid to a Swedish account: give an IBAN starting with SE")
    return compact


def normalise_bic(value: str) -> str:
    try:
        return str(bic.validate(value))
    except ValidationError as exc:
        raise InvalidIdentifier(_reason(exc, "BIC")) from exc


def mask_personal_identity(number: str | None) -> str:
    """``199005141234`` → ``19900514-****``: enough to recognise, not enough to use (``****`` for none, as
    for a member purged after the retention period)."""
    return f"{number[:8]}-****" if number is not None and len(number) == 12 else "****"


def mask_name(name: str) -> str:
    """``Anna-Lena`` → ``A********``: the initial, for an audit trail that must not repeat the name."""
    return name[:1] + "*" * max(len(name) - 1, 0)


def mask_account(account_number: str) -> str:
    return "****" + account_number[-4:] if len(account_number) > 4 else "****"


def mask_iban(iban: str) -> str:
    """``SE3550000000054910000003`` → ``SE35****0003``: country, check digits and the last four."""
    return iban[:4] + "****" + iban[-4:] if len(iban) > 8 else "****"


def iban_in_groups(iban: str) -> str:
    """An IBAN as printed on paper, in groups of four (ISO 13616): ``SE45 5000 0000 0583 9825 7466``."""
    compact = re.sub(r"\s", "", iban).upper()
    return " ".join(compact[start : start + 4] for start in range(0, len(compact), 4))


def mask_iban_grouped(iban: str) -> str:
    """An IBAN as printed for the member, in groups of four and masked like ``6000-****6789``: the country,
    check digits and bank code stay readable, and the last four — ``SE3550000000054910000003`` →
    ``SE35 5000 **** **** **** 0003``."""
    compact = re.sub(r"\s", "", iban).upper()
    groups = [compact[start : start + 4] for start in range(0, len(compact), 4)]
    if len(groups) < 4:
        return mask_iban(compact)
    return " ".join([*groups[:2], *("*" * len(group) for group in groups[2:-1]), groups[-1]])


def _reason(error: ValidationError, what: str) -> str:
    reasons = {
        "InvalidChecksum": f"the {what}'s check digit is wrong",
        "InvalidLength": f"the {what} has the wrong length",
        "InvalidFormat": f"the {what} has the wrong format",
        "InvalidComponent": f"a part of the {what} is not valid",
    }
    return reasons.get(type(error).__name__, f"not a valid {what}")
