"""Why a bank credit was left unmatched, written out for the person who reads it (invoicing.md, "Bank files").

The importer stores its reason as one English sentence (``UnmatchedBankEntry.reason``; the API and the audit
log show it as it is). A credit that names several invoices gets a reason of several parts joined by "; ",
each part about one reference starting with that reference ("2026000206: no valid OCR reference"). The
office page and the treasurers' e-mail show the same reason in the reader's language: every sentence the
importer writes (``payments``, ``camt054``) is listed here once with its English and Swedish wording, the
amounts in it written as the language writes them. A part that is not listed (a reason cut at 500
characters) is shown as stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from kooperativet.documents.render import money


@dataclass(frozen=True)
class _Wording:
    stored: re.Pattern[str]
    en: str
    sv: str


def _w(stored: str, en: str, sv: str) -> _Wording:
    return _Wording(re.compile(f"^{stored}$"), en, sv)


_REASONS: Final = (
    _w(
        r"no valid OCR reference",
        "The payer gave no valid OCR number.",
        "Betalaren angav inget giltigt OCR-nummer.",
    ),
    _w(
        r"no invoice has this OCR reference",
        "No invoice has this OCR number.",
        "Ingen faktura har det här OCR-numret.",
    ),
    _w(
        r"paid in (?P<paid>\w+), invoiced in (?P<invoiced>\w+)",
        "Paid in {paid}, invoiced in {invoiced}.",
        "Betalt i {paid}, fakturerat i {invoiced}.",
    ),
    _w(
        r"invoice (?P<number>\S+) is the importer's own work; another treasurer or an admin records it",
        "Invoice {number} is the own work of the person who read the file: another treasurer or an admin "
        "assigns it.",
        "Faktura {number} gäller eget arbete för den som läste in filen: en annan kassör eller en "
        "administratör kopplar den.",
    ),
    _w(
        r"invoice (?P<number>\S+) was already paid",
        "Invoice {number} was already paid.",
        "Faktura {number} var redan betald.",
    ),
    _w(
        r"invoice (?P<number>\S+) is \w+",
        "Invoice {number} is no longer unpaid.",
        "Faktura {number} är inte längre obetald.",
    ),
    _w(
        r"more than the (?P<due>[\d.]+) due on invoice (?P<number>\S+)",
        "More than the {due} kr due on invoice {number}.",
        "Mer än de {due} kr som återstår på faktura {number}.",
    ),
    _w(
        r"nothing was left of the amount",
        "Nothing was left of the amount for it.",
        "Inget fanns kvar av beloppet till den.",
    ),
    _w(
        r"(?P<left>[\d.]+) of (?P<amount>[\d.]+) was left after paying the invoices its references name",
        "{left} kr of {amount} kr was left after paying the invoices its references name.",
        "{left} kr av {amount} kr blev över när fakturorna som referenserna anger var betalda.",
    ),
    _w(
        r"none of its references names an open invoice",
        "None of its references names an unpaid invoice.",
        "Ingen av dess referenser anger en obetald faktura.",
    ),
    _w(r"incomplete entry", "The bank's entry is incomplete.", "Bankens post är ofullständig."),
    _w(
        r"the bank gave no booking date",
        "The bank gave no booking date.",
        "Banken angav inget bokföringsdatum.",
    ),
    _w(
        r"the (entry|transaction) has no readable amount in öre above zero",
        "The bank's entry has no readable amount above zero.",
        "Bankens post har inget läsbart belopp över noll.",
    ),
    _w(
        r"the bank identified the entry only by its UETR",
        "The bank identified the entry only by the payer's tracking number (UETR).",
        "Banken identifierade posten bara med betalarens spårningsnummer (UETR).",
    ),
    _w(
        r"the bank gave no reference for the entry",
        "The bank gave no reference for the entry.",
        "Banken angav ingen referens för posten.",
    ),
)
#: The values in a reason that are amounts, written as the reader's language writes amounts.
_AMOUNTS: Final = frozenset({"due", "left", "amount"})
#: Where one part of a reason ends and the next begins: at "; ", but for the own-work sentence, which has
#: one of its own.
_PARTS: Final = re.compile(r"; (?!another treasurer or an admin records it)")
#: A part of a several-reference credit's reason that is about one of its references.
_ABOUT_REFERENCE: Final = re.compile(r"^(?P<reference>\d+): (?P<reason>.+)$")


def reason_in(reason: str, language: str) -> str:
    """The stored ``reason`` in ``language`` (``sv`` or ``en``; another is Swedish): each part a sentence."""
    return " ".join(_part_in(part, language) for part in _PARTS.split(reason) if part)


def _part_in(part: str, language: str) -> str:
    about = _ABOUT_REFERENCE.match(part)
    if about is not None:
        return f"{about['reference']}: {_part_in(about['reason'], language)}"
    for wording in _REASONS:
        found = wording.stored.match(part)
        if found is not None:
            values = {
                name: money(Decimal(value), language) if name in _AMOUNTS else value
                for name, value in found.groupdict().items()
            }
            return (wording.en if language == "en" else wording.sv).format(**values)
    return part
