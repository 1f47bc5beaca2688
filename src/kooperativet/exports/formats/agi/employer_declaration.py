"""The employer's declaration (huvuduppgift, HU) and the whole file: sender, employer, the HU with FK487 and
FK497, then the individual returns (``agi.individual_return``); and the day it is due.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Literal

from kooperativet.core.money import ZERO, drop_ore
from kooperativet.exports.formats import ExportFile
from kooperativet.exports.formats.agi.elements import (
    DECLARATION,
    ROOT,
    ROOT_ATTRIBUTES,
    InvalidDeclaration,
    blankett,
    field,
    leaf,
    parse_period,
    sub,
)
from kooperativet.exports.formats.agi.individual_return import (
    IndividualReturn,
    fitted_return,
    sum_tax_withheld,
    write_individual_return,
)
from kooperativet.exports.formats.charset import TextFitter, xml_fitter
from kooperativet.exports.formats.xml_text import XmlText

ContributionCategory = Literal["full", "pension_only", "youth", "none"]

_ORGANISATION_NUMBER = re.compile(r"(\d{6})-?(\d{4})|(\d{12})")


@dataclass(frozen=True, kw_only=True)
class Contact:
    """Whom Skatteverket calls about the file (``TekniskKontaktperson``) or the return (``Kontaktperson``)."""

    name: str
    phone: str
    email: str


@dataclass(frozen=True, kw_only=True)
class Sender:
    """Who produced the file (``Avsandare``): the program and its technical contact.

    ``organisation_number`` is the sender's id: ``NNNNNN-NNNN``, ten or twelve digits (see ``agi_party_id``).
    """

    program_name: str
    organisation_number: str
    technical_contact: Contact


@dataclass(frozen=True, kw_only=True)
class Employer:
    """The employer the return is for (``Arbetsgivare``, ``AgRegistreradId`` FK201) and its contact person."""

    organisation_number: str
    contact: Contact


@dataclass(frozen=True, kw_only=True)
class ContributionBase:
    """One person's contribution base of the month at one rate (a fraction: ``0.3142``).

    One entry per person and rate: the öre of each entry are dropped before the entries of a rate are added
    (FK487). The payroll has already split a young person's month at 25 000 kr: the part above the cap is a
    second entry with the full rate.
    """

    category: ContributionCategory
    rate: Decimal
    base: Decimal

    def __post_init__(self) -> None:
        if not ZERO <= self.rate < 1:
            raise InvalidDeclaration(f"rate {self.rate} for {self.category} must be a fraction (0.3142)")


def agi_party_id(organisation_number: str) -> str:
    """The 12-digit id AGI gives an organisation: ``16`` + its digits (``556026-9986`` → ``165560269986``).

    Source: Skatteverket's example files (``AgRegistreradId`` 165560269986). Twelve digits are kept as given.
    """
    match = _ORGANISATION_NUMBER.fullmatch(organisation_number.strip())
    if match is None:
        raise InvalidDeclaration(
            f"organisation number {organisation_number!r} is not NNNNNN-NNNN or 12 digits"
        )
    if match.group(3):
        return match.group(3)
    return f"16{match.group(1)}{match.group(2)}"


def sum_employer_contributions(*, bases: Sequence[ContributionBase]) -> int:
    """FK487 as Skatteverket computes it (ställningstagande 2017-06-08, dnr 131 238881-17/111).

    Each person's base at a rate in whole kronor (öre dropped, as on the IU), the whole-krona bases of a rate
    added, multiplied by the rate with the öre dropped, and the amounts of the rates added. Exempelfil_01:
    83 050 × 31.42 % = 26 094.31 → 26094. The payslips' contributions, rounded per payout in öre, come to a
    krona or so more; the difference is booked as rounding when the tax account is settled.
    """
    per_rate: dict[Decimal, int] = {}
    for entry in bases:
        per_rate[entry.rate] = per_rate.get(entry.rate, 0) + drop_ore(entry.base)
    return sum(drop_ore(Decimal(base) * rate) for rate, base in per_rate.items())


def agi_due_date(
    *, period: str, is_bank_day: Callable[[date], bool] | None = None, vat_base_above_40_million: bool = False
) -> date:
    """The day the declaration for ``period`` must have reached Skatteverket.

    The 12th of the following month, the 17th when that month is January or August (26 kap. 26 § SFL); the
    26th for an employer whose VAT base is above 40 million kronor a year (26 kap. 30 § SFL). A Saturday,
    Sunday or — when ``is_bank_day`` is given, e.g. backed by the ``holidays`` package — a public holiday
    moves it to the next weekday (lagen (1930:173) om beräkning av lagstadgad tid): the 26th of December is
    always one, so November's declaration of such an employer is due the 27th or later.
    """
    year, month = _following_month(period)
    small_day = 17 if month in (1, 8) else 12
    day = 26 if vat_base_above_40_million else small_day
    return _on_a_weekday(date(year, month, day), is_bank_day)


def tax_payment_due_date(
    *, period: str, is_bank_day: Callable[[date], bool] | None = None, vat_base_above_40_million: bool = False
) -> date:
    """The day the tax withheld and the employer contributions declared for ``period`` must be on the tax
    account (62 kap. 3 § SFL): the declaration's own day, except that an employer declaring on the 26th
    pays earlier, by the 12th (the 17th in January), moved to a weekday as the declaration is."""
    if not vat_base_above_40_million:
        return agi_due_date(period=period, is_bank_day=is_bank_day)
    year, month = _following_month(period)
    return _on_a_weekday(date(year, month, 17 if month == 1 else 12), is_bank_day)


def _following_month(period: str) -> tuple[int, int]:
    year, month = parse_period(period)
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _on_a_weekday(due: date, is_bank_day: Callable[[date], bool] | None) -> date:
    while due.weekday() >= 5 or (is_bank_day is not None and not is_bank_day(due)):
        due += timedelta(days=1)
    return due


def render(
    *,
    sender: Sender,
    employer: Employer,
    period: str,
    contribution_bases: Sequence[ContributionBase],
    returns: Sequence[IndividualReturn],
    created_at: datetime,
) -> ExportFile:
    """The AGI file for one period: HU with FK487/FK497 first, then one IU per entry of ``returns`` in order.

    ``contribution_bases`` holds one entry per person and rate (see ``sum_employer_contributions``).
    ``created_at`` is Swedish local time without a zone, as in Skatteverket's examples (``Skapad``). A
    character XML 1.0 cannot carry in a contact, an activity or a payee's name or address (a control
    character) is replaced, and the file's notes say so. The file is written in chunks (``chunks``).
    """
    fit = xml_fitter()
    content = b"".join(
        chunks(
            sender=sender,
            employer=employer,
            period=period,
            contribution_bases=contribution_bases,
            returns=returns,
            created_at=created_at,
            fit=fit,
        )
    )
    return ExportFile(
        filename=f"agi-{agi_party_id(employer.organisation_number)}-{period}.xml",
        media_type="application/xml",
        content=content,
        notes=fit.notes,
    )


#: IUs written into one chunk: a chunk of some hundred kilobytes, whatever the number of payees.
RETURNS_PER_CHUNK = 200


def chunks(
    *,
    sender: Sender,
    employer: Employer,
    period: str,
    contribution_bases: Sequence[ContributionBase],
    returns: Sequence[IndividualReturn],
    created_at: datetime,
    fit: TextFitter,
) -> Iterator[bytes]:
    """The AGI file of ``render`` as UTF-8 chunks: the sender, employer and HU, then ``RETURNS_PER_CHUNK``
    IUs at a time; no tree of the whole file is built. ``fit`` spells the texts and holds the notes once the
    last chunk is taken. Raises ``InvalidDeclaration`` before the first chunk."""
    parse_period(period)
    if created_at.tzinfo is not None:
        raise InvalidDeclaration("created_at must be local time without a zone, as Skatteverket's examples")
    keys = [(iu.personal_identity_number, iu.specification_number) for iu in returns]
    if len(set(keys)) != len(keys):
        raise InvalidDeclaration("two IUs share personnummer and specification number")
    employer_id = agi_party_id(employer.organisation_number)
    sender_id = agi_party_id(sender.organisation_number)
    technical_contact = _fitted(sender.technical_contact, fit, "technical contact")
    employer_contact = _fitted(employer.contact, fit, "employer's contact")

    xml = XmlText()
    xml.line(DECLARATION)
    with xml.element(ROOT, ROOT_ATTRIBUTES):
        with sub(xml, "Avsandare"):
            leaf(xml, "Programnamn", sender.program_name)
            leaf(xml, "Organisationsnummer", sender_id)
            _contact(xml, "TekniskKontaktperson", technical_contact)
            leaf(xml, "Skapad", created_at.strftime("%Y-%m-%dT%H:%M:%S"))
        with sub(xml, "Blankettgemensamt"), sub(xml, "Arbetsgivare"):
            leaf(xml, "AgRegistreradId", employer_id)
            _contact(xml, "Kontaktperson", employer_contact)
        with blankett(xml, employer_id, period, "HU"):
            with sub(xml, "ArbetsgivareHUGROUP"):
                field(xml, "AgRegistreradId", "201", employer_id)
            field(xml, "RedovisningsPeriod", "006", period)
            field(xml, "SummaArbAvgSlf", "487", str(sum_employer_contributions(bases=contribution_bases)))
            field(xml, "SummaSkatteavdr", "497", str(sum_tax_withheld(returns=returns)))
        for index, individual in enumerate(returns, start=1):
            write_individual_return(xml, employer_id, period, fitted_return(individual, fit))
            if index % RETURNS_PER_CHUNK == 0:
                yield xml.take()
    yield xml.take()


#: The most characters of a contact's name (``Namn``: ``TEXT50`` in Skatteverket's schema 1.1, technical
#: description 1.1.18; 1–50 in classes generated from that schema too, exports.md): a longer one is cut, with
#: a note. The phone and e-mail are identifiers, written as given: the exporter refuses one outside its format
#: before the file is made (``field_formats``).
CONTACT_NAME_MAX = 50


def _fitted(contact: Contact, fit: TextFitter, who: str) -> Contact:
    return Contact(
        name=fit(contact.name, where=f"{who}'s name", max_length=CONTACT_NAME_MAX),
        phone=fit(contact.phone, where=f"{who}'s phone"),
        email=fit(contact.email, where=f"{who}'s e-mail"),
    )


def _contact(xml: XmlText, tag: str, contact: Contact) -> None:
    with sub(xml, tag):
        leaf(xml, "Namn", contact.name)
        leaf(xml, "Telefon", contact.phone)
        leaf(xml, "Epostadress", contact.email)
