"""Arbetsgivardeklaration på individnivå (AGI): Skatteverket's XML file, schema 1.1, one file per period.

The period is the **month of payment** (``YYYYMM``). The file holds a sender block (``Avsandare``), the
employer (``Blankettgemensamt/Arbetsgivare``), one ``Blankett`` with the main return (``HU``) and one
``Blankett`` per individual return (``IU``). Element names, their order, the two namespaces (default
*instans*, prefix ``agd`` *komponent*) and the ``faltkod`` attributes are copied from Skatteverket's example
files ("Bilaga Exempelfiler" 1.1.4 and 1.1.9, ``tests/reference/agi/``); the XSD is not among them.

Field codes written (source: the example files named; Skatteverket's technical description for AGI 1.1):

======  =============================  ==========================================================  ===========
FK      element                        value                                                       example
======  =============================  ==========================================================  ===========
201     AgRegistreradId                employer id, 12 digits (``16`` + organisation number)       01
006     RedovisningsPeriod             period ``YYYYMM``                                           01
487     SummaArbAvgSlf (HU)            per rate: Σ of the persons' whole-krona bases × rate, öre   01, 08
                                       dropped; then the rates' amounts added (83 050 × 31.42 %
                                       = 26 094.31 → 26094)
497     SummaSkatteavdr (HU)           Σ of the IUs' FK001 + FK274 + FK275                         01, 07
215     BetalningsmottagarId (IU)      personnummer with century, 12 digits                        01
216     Fornamn (IU)                   SINK/A-SINK payee: first name                               02, 03
217     Efternamn (IU)                 SINK/A-SINK payee: last name                                02, 03
218     Gatuadress (IU)                SINK/A-SINK payee: street address abroad                    02, 03
219     Postnummer (IU)                SINK/A-SINK payee: postal code                              02, 03
220     Postort (IU)                   SINK/A-SINK payee: town                                     02, 03
221     LandskodPostort (IU)           SINK/A-SINK payee: country of the address (ISO 3166 alpha-2) 02, 03
081     LandskodMedborgare (IU)        SINK/A-SINK payee: country of citizenship                   02, 03, 07
252     TIN (IU)                       SINK/A-SINK payee: tax identification number abroad         02, 03
076     LandskodTIN (IU)               the country that issued the TIN                             02, 03
570     Specifikationsnummer (IU)      stable per person and period, written ``001``               01
011     KontantErsattningUlagAG (IU)   cash pay that is a contribution base, öre dropped           01
001     AvdrPrelSkatt (IU)             preliminary tax withheld, ``0`` when none                   01, 14
274     AvdrSkattSINK (IU)             SINK tax instead of FK001                                   02
275     AvdrSkattASINK (IU)            A-SINK tax instead of FK001, with FK112                     03
131     KontantErsattningEjUlagSA (IU) cash pay that is not a base for employer contributions      03, 07
                                       (born 1937 or earlier; the year's pay below 1 000 kr)
112     VerksamhetensArt (IU)          A-SINK: kind of activity (``Konsert``)                      03
205     Borttag (IU)                   ``1``: removes an earlier IU; only 201/215/006/570 besides  10
======  =============================  ==========================================================  ===========

The IU's amounts come in the examples' order: FK011, the tax field, FK131, FK112 (Exempelfil_03 and _07).
FK011 is left out when all the pay is in FK131 (Exempelfil_03), and written as ``0`` when there is no pay.

FK487 (Skatteverket, ställningstagande 2017-06-08, dnr 131 238881-17/111): the IU amounts are whole kronor
(öre dropped on each person's amount), the contributions are computed for each rate on the sum of those whole-
krona bases with the öre dropped, and the amounts of the rates are added. Skatteverket derives each person's
rate from the personnummer in FK215 and the base from the IU amounts, so the bases per rate are *inputs to
FK487 only*; the HU has only 201, 006, 487 and 497 (plus 491/492/495/496 for tax on pensions and interest,
Exempelfil_11). A base may be larger than the person's FK011 of the month: the month in which the year's pay
reaches 1 000 kr also carries the contributions on the year's earlier pay (SFS 2000:980 2 kap. 24 § fourth
paragraph). The youth reduction (20.81 % up to 25 000 kr per person and month of payment, 2026-04-01 …
2027-09-30, SFS 2026:100) post-dates the examples, which show no youth field: we write none — **verify**
against the current "Teknisk beskrivning" for AGI 1.1 before the first youth period.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Literal

from lxml import etree

from kooperativet.core.identifiers import mask_personal_identity
from kooperativet.core.money import ZERO, drop_ore
from kooperativet.exports.formats import ExportFile
from kooperativet.exports.formats.charset import TextFitter, xml_fitter

INSTANS_NS = "http://xmls.skatteverket.se/se/skatteverket/da/instans/schema/1.1"
KOMPONENT_NS = "http://xmls.skatteverket.se/se/skatteverket/da/komponent/schema/1.1"
_XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
_SCHEMA_LOCATION = (
    f"{INSTANS_NS} http://xmls.skatteverket.se/se/skatteverket/da/arbetsgivardeklaration/"
    "arbetsgivardeklaration_1.1.xsd"
)

ContributionCategory = Literal["full", "pension_only", "youth", "none"]
TaxMode = Literal["flat", "table", "sink", "asink"]

_TWELVE_DIGITS = re.compile(r"\d{12}")
_ORGANISATION_NUMBER = re.compile(r"(\d{6})-?(\d{4})|(\d{12})")
_PERIOD = re.compile(r"(\d{4})(0[1-9]|1[0-2])")
_COUNTRY = re.compile(r"[A-Z]{2}")


class InvalidDeclaration(ValueError):
    """The data cannot make a valid arbetsgivardeklaration (wrong id, period or combination of fields)."""


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


@dataclass(frozen=True, kw_only=True)
class ForeignPayee:
    """Who a SINK or A-SINK payee is, as Exempelfil_02 and _03 write it (FK216–221, 081, 252, 076).

    Countries are ISO 3166-1 alpha-2 codes. The TIN (the tax number the country of residence gave) and the
    country that issued it go together; a field left ``None`` or empty is not written.
    """

    first_name: str | None = None
    last_name: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None
    citizenship: str | None = None
    tin: str | None = None
    tin_country: str | None = None

    def __post_init__(self) -> None:
        for name in ("country", "citizenship", "tin_country"):
            value = getattr(self, name)
            if value and not _COUNTRY.fullmatch(value):
                raise InvalidDeclaration(f"{name} {value!r} is not a two-letter country code (ISO 3166)")
        if bool(self.tin) != bool(self.tin_country):
            raise InvalidDeclaration("a TIN (FK252) is written with the country that issued it (FK076)")


@dataclass(frozen=True, kw_only=True)
class IndividualReturn:
    """One individuell uppgift (IU): what one person was paid and what tax was withheld in the period.

    ``cash_pay`` is pay that is a base for employer contributions (FK011), ``pay_not_contribution_base`` pay
    that is not (FK131: a person born 1937 or earlier, or whose pay from us in the year is below 1 000 kr).
    ``tax_mode`` decides the tax field: ``flat``/``table`` → FK001, ``sink`` → FK274, ``asink`` → FK275 with
    ``activity`` in FK112. A SINK or A-SINK payee carries ``payee`` (FK216–221, 081, 252, 076). ``removed``
    sends FK205 to delete an IU sent earlier with the same personnummer, period and specification number;
    the amounts are then not written.
    """

    personal_identity_number: str
    specification_number: int
    cash_pay: Decimal = ZERO
    pay_not_contribution_base: Decimal = ZERO
    tax: Decimal = ZERO
    tax_mode: TaxMode = "flat"
    activity: str | None = None
    payee: ForeignPayee | None = None
    removed: bool = False

    def __post_init__(self) -> None:
        if not _TWELVE_DIGITS.fullmatch(self.personal_identity_number):
            raise InvalidDeclaration(
                f"personnummer {mask_personal_identity(self.personal_identity_number)} must be 12 digits "
                "with the century"
            )
        if not 1 <= self.specification_number <= 9_999_999_999:
            raise InvalidDeclaration(f"specification number {self.specification_number} is out of range")
        if self.cash_pay < 0 or self.pay_not_contribution_base < 0 or self.tax < 0:
            raise InvalidDeclaration(
                f"negative amount in the IU for {mask_personal_identity(self.personal_identity_number)}"
            )
        if (self.tax_mode == "asink") != (self.activity is not None):
            raise InvalidDeclaration("FK112 (activity) is given with, and only with, A-SINK (FK275)")


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


def sum_tax_withheld(*, returns: Sequence[IndividualReturn]) -> int:
    """FK497: the sum of the tax fields written in the IUs (FK001, FK274, FK275), removed IUs excluded."""
    return sum(drop_ore(iu.tax) for iu in returns if not iu.removed)


def agi_due_date(*, period: str, is_bank_day: Callable[[date], bool] | None = None) -> date:
    """The day the declaration for ``period`` must have reached Skatteverket.

    The 12th of the following month, the 17th when that month is January or August (26 kap. SFL); a
    Saturday, Sunday or — when ``is_bank_day`` is given, e.g. backed by the ``holidays`` package — a public
    holiday moves it to the next weekday (lag om beräkning av lagstadgad tid).
    """
    year, month = _parse_period(period)
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    due = date(year, month, 17 if month in (1, 8) else 12)
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
    character) is replaced, and the file's notes say so.
    """
    _parse_period(period)
    if created_at.tzinfo is not None:
        raise InvalidDeclaration("created_at must be local time without a zone, as Skatteverket's examples")
    keys = [(iu.personal_identity_number, iu.specification_number) for iu in returns]
    if len(set(keys)) != len(keys):
        raise InvalidDeclaration("two IUs share personnummer and specification number")
    employer_id = agi_party_id(employer.organisation_number)
    fit = xml_fitter()
    sender = replace(sender, technical_contact=_fitted(sender.technical_contact, fit, "technical contact"))
    employer = replace(employer, contact=_fitted(employer.contact, fit, "employer's contact"))
    returns = [_fitted_return(iu, fit) for iu in returns]

    root = etree.Element(
        f"{{{INSTANS_NS}}}Skatteverket",
        {"omrade": "Arbetsgivardeklaration", f"{{{_XSI_NS}}}schemaLocation": _SCHEMA_LOCATION},
        nsmap={None: INSTANS_NS, "agd": KOMPONENT_NS, "xsi": _XSI_NS},  # type: ignore[dict-item]  # lxml-stubs lack the None (default) prefix
    )
    avsandare = _sub(root, "Avsandare")
    _sub(avsandare, "Programnamn", sender.program_name)
    _sub(avsandare, "Organisationsnummer", agi_party_id(sender.organisation_number))
    _contact(avsandare, "TekniskKontaktperson", sender.technical_contact)
    _sub(avsandare, "Skapad", created_at.strftime("%Y-%m-%dT%H:%M:%S"))
    arbetsgivare = _sub(_sub(root, "Blankettgemensamt"), "Arbetsgivare")
    _sub(arbetsgivare, "AgRegistreradId", employer_id)
    _contact(arbetsgivare, "Kontaktperson", employer.contact)

    hu = _blankett(root, employer_id, period, "HU")
    _field(_sub(hu, "ArbetsgivareHUGROUP"), "AgRegistreradId", "201", employer_id)
    _field(hu, "RedovisningsPeriod", "006", period)
    _field(hu, "SummaArbAvgSlf", "487", str(sum_employer_contributions(bases=contribution_bases)))
    _field(hu, "SummaSkatteavdr", "497", str(sum_tax_withheld(returns=returns)))

    for individual in returns:
        _individual_return(_blankett(root, employer_id, period, "IU"), employer_id, period, individual)

    return ExportFile(
        filename=f"agi-{employer_id}-{period}.xml",
        media_type="application/xml",
        content=etree.tostring(
            root, xml_declaration=True, encoding="UTF-8", standalone=False, pretty_print=True
        ),
        notes=fit.notes,
    )


_TAX_FIELDS: dict[TaxMode, tuple[str, str]] = {
    "flat": ("AvdrPrelSkatt", "001"),
    "table": ("AvdrPrelSkatt", "001"),
    "sink": ("AvdrSkattSINK", "274"),
    "asink": ("AvdrSkattASINK", "275"),
}


#: The payee fields of a SINK or A-SINK IU in the examples' order (Exempelfil_02, _03).
_PAYEE_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("first_name", "Fornamn", "216"),
    ("last_name", "Efternamn", "217"),
    ("street", "Gatuadress", "218"),
    ("postal_code", "Postnummer", "219"),
    ("city", "Postort", "220"),
    ("country", "LandskodPostort", "221"),
    ("citizenship", "LandskodMedborgare", "081"),
    ("tin", "TIN", "252"),
    ("tin_country", "LandskodTIN", "076"),
)


def _individual_return(
    iu: etree._Element, employer_id: str, period: str, individual: IndividualReturn
) -> None:
    _field(_sub(iu, "ArbetsgivareIUGROUP"), "AgRegistreradId", "201", employer_id)
    payee_group = _sub(iu, "BetalningsmottagareIUGROUP")
    choice = _sub(payee_group, "BetalningsmottagareIDChoice")
    _field(choice, "BetalningsmottagarId", "215", individual.personal_identity_number)
    if individual.payee is not None and not individual.removed:
        for attribute, tag, code in _PAYEE_FIELDS:
            value = getattr(individual.payee, attribute)
            if value:
                _field(payee_group, tag, code, value)
    _field(iu, "RedovisningsPeriod", "006", period)
    _field(iu, "Specifikationsnummer", "570", f"{individual.specification_number:03d}")
    if individual.removed:
        _field(iu, "Borttag", "205", "1")
        return
    cash_pay = drop_ore(individual.cash_pay)
    not_base = drop_ore(individual.pay_not_contribution_base)
    if cash_pay or not not_base:
        _field(iu, "KontantErsattningUlagAG", "011", str(cash_pay))
    name, code = _TAX_FIELDS[individual.tax_mode]
    _field(iu, name, code, str(drop_ore(individual.tax)))
    if not_base:
        _field(iu, "KontantErsattningEjUlagSA", "131", str(not_base))
    if individual.activity is not None:
        _field(iu, "VerksamhetensArt", "112", individual.activity)


def _fitted_return(iu: IndividualReturn, fit: TextFitter) -> IndividualReturn:
    """The IU with its free texts (activity, payee's name and address) fitted to what XML 1.0 carries."""
    if iu.activity:
        iu = replace(iu, activity=fit(iu.activity, where="activity (FK112)"))
    if iu.payee is not None:
        texts = {
            attribute: fit(value, where=f"payee's {attribute.replace('_', ' ')} (FK{code})")
            for attribute, _, code in _PAYEE_FIELDS
            if (value := getattr(iu.payee, attribute))
        }
        iu = replace(iu, payee=replace(iu.payee, **texts))
    return iu


def _blankett(root: etree._Element, employer_id: str, period: str, kind: str) -> etree._Element:
    blankett = _sub(root, "Blankett")
    arende = _sub(blankett, "Arendeinformation")
    _sub(arende, "Arendeagare", employer_id)
    _sub(arende, "Period", period)
    return _sub(_sub(blankett, "Blankettinnehall"), kind)


def _fitted(contact: Contact, fit: TextFitter, who: str) -> Contact:
    return Contact(
        name=fit(contact.name, where=f"{who}'s name"),
        phone=fit(contact.phone, where=f"{who}'s phone"),
        email=fit(contact.email, where=f"{who}'s e-mail"),
    )


def _contact(parent: etree._Element, tag: str, contact: Contact) -> None:
    element = _sub(parent, tag)
    _sub(element, "Namn", contact.name)
    _sub(element, "Telefon", contact.phone)
    _sub(element, "Epostadress", contact.email)


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{KOMPONENT_NS}}}{tag}")
    element.text = text
    return element


def _field(parent: etree._Element, tag: str, faltkod: str, text: str) -> None:
    _sub(parent, tag, text).set("faltkod", faltkod)


def _parse_period(period: str) -> tuple[int, int]:
    match = _PERIOD.fullmatch(period)
    if match is None:
        raise InvalidDeclaration(f"period {period!r} is not YYYYMM")
    return int(match.group(1)), int(match.group(2))
