"""The individual returns (individuell uppgift, IU): one per person and period, with the pay, the tax field
for the person's tax mode and, for SINK and A-SINK, who the payee is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from typing import Final, Literal

from kooperativet.core.identifiers import mask_personal_identity
from kooperativet.core.money import ZERO, drop_ore
from kooperativet.exports.formats.agi.elements import InvalidDeclaration, blankett, field, sub
from kooperativet.exports.formats.charset import TextFitter
from kooperativet.exports.formats.xml_text import Template, XmlText

TaxMode = Literal["flat", "table", "sink", "asink"]

_TWELVE_DIGITS = re.compile(r"\d{12}")
_COUNTRY = re.compile(r"[A-Z]{2}")


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


def sum_tax_withheld(*, returns: Sequence[IndividualReturn]) -> int:
    """FK497: the sum of the tax fields written in the IUs (FK001, FK274, FK275), removed IUs excluded."""
    return sum(drop_ore(iu.tax) for iu in returns if not iu.removed)


_TAX_FIELDS: dict[TaxMode, tuple[str, str]] = {
    "flat": ("AvdrPrelSkatt", "001"),
    "table": ("AvdrPrelSkatt", "001"),
    "sink": ("AvdrSkattSINK", "274"),
    "asink": ("AvdrSkattASINK", "275"),
}


#: The payee fields of a SINK or A-SINK IU in the examples' order (Exempelfil_02, _03): the attribute, the
#: element and its field code.
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

#: The most characters taken in a payee's name and address fields: 50, as the KU field list gives FK216–218
#: and 220; the AGI schema's own lengths were not found (exports.md) — verify against the AGI Fältlista. A
#: longer text is cut, with a note. The postal code, the TIN and the country codes are identifiers: cut, they
#: would be wrong, so they are written as given (the exporter refuses a postal code or TIN outside its format
#: before the file is made: ``field_formats``).
PAYEE_TEXT_MAX: Final = 50
_SHORTENED_PAYEE_FIELDS: Final = frozenset({"first_name", "last_name", "street", "city"})

#: For each payee field: the attribute, the name of its text in an IU's layout (``f216``), where a note
#: places a changed text and the most characters it takes (None: not cut); written once here, not for
#: each of a month's payees.
_PAYEE_TEXTS: tuple[tuple[str, str, str, int | None], ...] = tuple(
    (
        attribute,
        f"f{code}",
        f"payee's {attribute.replace('_', ' ')} (FK{code})",
        PAYEE_TEXT_MAX if attribute in _SHORTENED_PAYEE_FIELDS else None,
    )
    for attribute, _, code in _PAYEE_FIELDS
)

#: The amounts' fields, in the examples' order, after the specification number.
_AMOUNT_FIELDS: tuple[tuple[str, str], ...] = (
    ("Borttag", "205"),
    ("KontantErsattningUlagAG", "011"),
    ("AvdrPrelSkatt", "001"),
    ("AvdrSkattSINK", "274"),
    ("AvdrSkattASINK", "275"),
    ("KontantErsattningEjUlagSA", "131"),
    ("VerksamhetensArt", "112"),
)


def write_individual_return(
    xml: XmlText, employer_id: str, period: str, individual: IndividualReturn
) -> None:
    """The IU's ``Blankett``, below the root. Every IU of a month has one of a few shapes (which fields it
    has), each laid out once for the file's employer and period (``_layout``)."""
    texts = _field_texts(individual)
    xml.fill(_layout(tuple(texts), employer_id, period), **texts)


#: The name of the tax field's text in an IU's layout, by tax mode (``f001``).
_TAX_TEXTS: dict[TaxMode, str] = {mode: f"f{code}" for mode, (_, code) in _TAX_FIELDS.items()}


def _field_texts(individual: IndividualReturn) -> dict[str, str]:
    """The texts of the IU's fields by field code (``f215``), the fields it has only, in the file's order."""
    texts = {"f215": individual.personal_identity_number}
    if individual.payee is not None and not individual.removed:
        payee = individual.payee
        for attribute, name, _, _ in _PAYEE_TEXTS:
            value = getattr(payee, attribute)
            if value:
                texts[name] = value
    texts["f570"] = f"{individual.specification_number:03d}"
    if individual.removed:
        texts["f205"] = "1"
        return texts
    cash_pay = drop_ore(individual.cash_pay)
    not_base = drop_ore(individual.pay_not_contribution_base)
    if cash_pay or not not_base:
        texts["f011"] = str(cash_pay)
    texts[_TAX_TEXTS[individual.tax_mode]] = str(drop_ore(individual.tax))
    if not_base:
        texts["f131"] = str(not_base)
    if individual.activity is not None:
        texts["f112"] = individual.activity
    return texts


@lru_cache(maxsize=64)
def _layout(fields: tuple[str, ...], employer_id: str, period: str) -> Template:
    """An IU's ``Blankett`` with the fields ``fields`` (``f215``, ``f216`` …), laid out with a ``{}`` field
    for each text (``Template``). The employer and the period, the same in every IU of a file, are written
    in the layout (digits, which hold no brace)."""

    def write(xml: XmlText) -> None:
        with blankett(xml, employer_id, period, "IU"):
            with sub(xml, "ArbetsgivareIUGROUP"):
                field(xml, "AgRegistreradId", "201", employer_id)
            with sub(xml, "BetalningsmottagareIUGROUP"):
                with sub(xml, "BetalningsmottagareIDChoice"):
                    field(xml, "BetalningsmottagarId", "215", "{f215}")
                for _, tag, code in _PAYEE_FIELDS:
                    if f"f{code}" in fields:
                        field(xml, tag, code, f"{{f{code}}}")
            field(xml, "RedovisningsPeriod", "006", period)
            field(xml, "Specifikationsnummer", "570", "{f570}")
            for tag, code in _AMOUNT_FIELDS:
                if f"f{code}" in fields:
                    field(xml, tag, code, f"{{f{code}}}")

    return Template(1, write)  # below the root


def fitted_return(iu: IndividualReturn, fit: TextFitter) -> IndividualReturn:
    """The IU with its free texts (activity, payee's name and address) fitted to what XML 1.0 carries and
    the payee's name and address to ``PAYEE_TEXT_MAX``; the same IU when they all fit, as nearly every one
    does."""
    activity = fit(iu.activity, where="activity (FK112)") if iu.activity else iu.activity
    payee = iu.payee
    if payee is not None:
        changed = {}
        for attribute, _, where, max_length in _PAYEE_TEXTS:
            value = getattr(payee, attribute)
            if value and (text := fit(value, where=where, max_length=max_length)) != value:
                changed[attribute] = text
        if changed:
            payee = replace(payee, **changed)
    if activity == iu.activity and payee is iu.payee:
        return iu
    return replace(iu, activity=activity, payee=payee)
