"""An export batch's notes, written out for the person who reads the month-end page (exports.md, "Notes").

The exporters store each note as one English sentence (``ExportBatch.notes``; the API shows them as they
are): the draft runs an AGI or SIE file left out (``service.sources.left_out_runs``, ``service.sie``), the
pay of earlier months in an AGI's contribution base (``service.agi``), the outlays a SIE file books without
input VAT (``service.sie``), the bank accounts changed since the last salary file (``service.pain001``) and
the texts a file writer had to spell in its character set (``formats.charset.TextFitter``). The page shows the
same notes in the reader's language: every sentence is listed here once with its English and Swedish
wording, its amounts and dates written as the language writes them. A note that is not listed is shown as
stored, never dropped.

``notes_shown`` gives the page's markup: the finished words (``notes_in``) escaped, and each date in them
(ISO, ``2026-11-26``, as Swedish and a note as stored write it; ``26 Nov 2026`` in English) a
``<time class="nowrap">`` (``templating.on_one_line``), so that a narrow screen never breaks ``2026-11-26`` at
a hyphen nor ``26 Nov`` from ``2026``. The dates are found in the finished text, in one place, rather than
marked where each wording writes them. The stored notes (and the API and the files) keep their text.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final

from babel.dates import get_month_names
from markupsafe import Markup, escape

from kooperativet.documents.render import LOCALES, money
from kooperativet.web.templating import on_one_line, short_date


@dataclass(frozen=True)
class _Wording:
    stored: re.Pattern[str]
    en: str
    sv: str


def _w(stored: str, en: str, sv: str) -> _Wording:
    return _Wording(re.compile(f"^{stored}$", re.DOTALL), en, sv)


_DAY: Final = r"(?P<day>\d{4}-\d{2}-\d{2})"
_AMOUNT: Final = r"(?P<amount>-?\d+(?:\.\d+)?)"
#: A text as ``repr`` writes it, in single or double quotes.
_QUOTED: Final = r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*\""""
#: Each month's number by its name in an English date (``templating.short_date``: ``Nov``, ``Sept``).
_ENGLISH_MONTHS: Final = {
    str(name): number for number, name in get_month_names("abbreviated", locale=LOCALES["en"]).items()
}
#: A date as a note writes it, kept on one line where the page shows it: ISO, or as English writes it.
_A_DATE: Final = re.compile(
    rf"\b(\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}} (?:{'|'.join(map(re.escape, _ENGLISH_MONTHS))}) \d{{4}})\b"
)

_NOTES: Final = (
    _w(
        rf"payroll run (?P<run>\d+) \({_DAY}\) is not approved and was left out",
        "Payroll run {run} (paid out {day}) is not approved and was left out.",
        "Lönekörningen med utbetalning {day} (nr {run}) är inte godkänd och togs inte med.",
    ),
    _w(
        r"payslip (?P<number>.+?) \((?P<who>[^()]*)\): the year's pay reached the 1 000 kr threshold, so the "
        rf"contributions include {_AMOUNT} kr paid earlier in (?P<year>\d{{4}}) without contributions "
        r"\(SFS 2000:980 2 kap\. 24 §\); FK487 is that much base more than this month's FK011",
        "Payslip {number} ({who}): the year's pay reached the 1,000 kr threshold, so the employer "
        "contributions include {amount} kr paid earlier in {year} without contributions (SFS 2000:980, "
        "chapter 2, section 24); the base in FK487 is that much more than this month's FK011.",
        "Lönespecifikation {number} ({who}): årets lön nådde gränsen 1\N{NO-BREAK SPACE}000 kr, så "
        "arbetsgivaravgifterna omfattar även {amount} kr som betalades ut tidigare under {year} utan "
        "avgifter (2 kap. 24 § socialavgiftslagen, SFS 2000:980); underlaget i FK487 är därför så mycket "
        "större än månadens FK011.",
    ),
    _w(
        rf"payroll run (?P<run>\d+) \({_DAY}\): {_AMOUNT} kr of outlays paid back by its corrections is "
        r"booked on (?P<account>\d+) without input VAT \(no receipt is recorded for a correction\); move the "
        r"VAT to input VAT if a receipt shows it",
        "Payroll run {run} (paid out {day}): {amount} kr of outlays paid back by its corrections is booked "
        "on account {account} without input VAT (no receipt is recorded for a correction); move the VAT to "
        "input VAT if a receipt shows it.",
        # "rättelser", as the run's page and the payslip call what the office adds to a draft run.
        "Lönekörningen med utbetalning {day} (nr {run}): {amount} kr i utlägg som betalades tillbaka genom "
        "körningens rättelser är bokförda på konto {account} utan ingående moms (en rättelse har inget "
        "kvitto registrerat); flytta momsen till ingående moms om ett kvitto visar den.",
    ),
    _w(
        rf"bank account of (?P<name>.*) \(member (?P<member>\d+)\) changed on {_DAY} and is NOT confirmed: "
        r"this file pays the last confirmed account (?P<paid_to>.+); another treasurer or admin, or the "
        r"member, must confirm the new account before it is used",
        "The bank account of {name} (member {member}) changed on {day} and is NOT confirmed: this file pays "
        "the last confirmed account, {paid_to}. Another treasurer or admin, or the member, must confirm the "
        "new account before it is used.",
        "Bankkontot för {name} (medlem {member}) ändrades {day} och är INTE bekräftat: filen betalar till "
        "det senast bekräftade kontot, {paid_to}. En annan kassör eller administratör, eller medlemmen "
        "själv, måste bekräfta det nya kontot innan det används.",
    ),
    _w(
        rf"bank account of (?P<name>.*) \(member (?P<member>\d+)\) changed on {_DAY}, since the previous "
        r"payment file, and was confirmed: this file pays (?P<paid_to>.+)",
        "The bank account of {name} (member {member}) changed on {day}, since the previous salary file, and "
        "was confirmed: this file pays {paid_to}.",
        "Bankkontot för {name} (medlem {member}) ändrades {day}, efter den förra lönefilen, och är "
        "bekräftat: filen betalar till {paid_to}.",
    ),
    _w(
        rf"(?P<where>.+?): (?P<text>{_QUOTED}) was written as (?P<written>{_QUOTED}) \((?P<reasons>[^()]+)\)",
        "{where}: {text} was written as {written} ({reasons}).",
        "{where}: {text} skrevs som {written} ({reasons}).",
    ),
)

#: Where in a file a text the writer had to change stands (``TextFitter``'s ``where``).
_PLACES: Final = (
    _w(r"the cooperative's name", "The cooperative's name", "Kooperativets namn"),
    _w(
        r"payee of payslip (?P<number>.+)",
        "The payee of payslip {number}",
        "Mottagaren på lönespecifikation {number}",
    ),
    _w(r"company name \(#FNAMN\)", "The company name (#FNAMN)", "Företagsnamnet (#FNAMN)"),
    _w(
        r"name of account (?P<account>\S+) \(#KONTO\)",
        "The name of account {account} (#KONTO)",
        "Namnet på konto {account} (#KONTO)",
    ),
    _w(rf"voucher of {_DAY}", "The voucher of {day}", "Verifikationen den {day}"),
    _w(
        rf"row (?P<account>\S+) of the voucher of {_DAY}",
        "The row on account {account} in the voucher of {day}",
        "Raden på konto {account} i verifikationen den {day}",
    ),
    _w(r"technical contact's name", "The technical contact's name", "Den tekniska kontaktpersonens namn"),
    _w(
        r"technical contact's phone", "The technical contact's phone", "Den tekniska kontaktpersonens telefon"
    ),
    _w(
        r"technical contact's e-mail",
        "The technical contact's e-mail",
        "Den tekniska kontaktpersonens e-post",
    ),
    _w(r"employer's contact's name", "The employer's contact's name", "Arbetsgivarens kontaktpersons namn"),
    _w(
        r"employer's contact's phone",
        "The employer's contact's phone",
        "Arbetsgivarens kontaktpersons telefon",
    ),
    _w(
        r"employer's contact's e-mail",
        "The employer's contact's e-mail",
        "Arbetsgivarens kontaktpersons e-post",
    ),
    _w(r"activity \(FK112\)", "The activity (FK112)", "Verksamhetens art (FK112)"),
    _w(
        r"payee's (?P<field>[a-z ]+) \((?P<code>FK\d+)\)",
        "The payee's {field} ({code})",
        "Betalningsmottagarens {field} ({code})",
    ),
)
#: The payee's fields of an AGI (``formats.agi.individual_return._PAYEE_FIELDS``), in Swedish.
_PAYEE_FIELDS_SV: Final = {
    "first name": "förnamn",
    "last name": "efternamn",
    "street": "gatuadress",
    "postal code": "postnummer",
    "city": "postort",
    "country": "land",
    "citizenship": "medborgarskap",
    "tin": "utländska skatteregistreringsnummer (TIN)",
    "tin country": "land för TIN",
}
_PAYEE_FIELDS_EN: Final = {"tin": "foreign tax identification number (TIN)", "tin country": "TIN country"}

#: Why a text was changed (``TextFitter``'s reasons, joined by "; ").
_REASONS: Final = (
    _w(
        r"(?P<charset>.+) has no spelling for some of its characters",
        "{charset} has no spelling for some of its characters",
        "några av tecknen finns inte i {charset}",
    ),
    _w(
        r"the field takes at most (?P<most>\d+) characters",
        "the field takes at most {most} characters",
        "fältet rymmer högst {most} tecken",
    ),
)
_CHARSETS_SV: Final = {
    "XML 1.0": "XML 1.0",
    "the payment file's Latin character set": "betalfilens latinska teckenuppsättning",
    "codepage 437": "teckentabell 437",
}
#: An account a salary file pays when the member has none confirmed (``service.pain001._masked``).
_PAYSLIP_ACCOUNT: Final = {"en": "the account on the payslip", "sv": "kontot på lönespecifikationen"}


def note_in(note: str, language: str) -> str:
    """The stored ``note`` in ``language`` (``sv`` or ``en``; another is Swedish); as stored when it is not a
    sentence an exporter writes."""
    return _worded(_NOTES, note, language, _note_value) or note


def notes_in(notes: list[str] | None, language: str) -> list[str]:
    """Each of a batch's ``notes`` in ``language``, in their order."""
    return [note_in(note, language) for note in notes or []]


def note_shown(note: str, language: str) -> Markup:
    """:func:`note_in` as the page shows it: escaped, with each date kept on one line."""
    parts = _A_DATE.split(note_in(note, language))  # the text between the dates, and each date (odd places)
    return Markup("").join(
        on_one_line(part, _iso(part)) if i % 2 else escape(part) for i, part in enumerate(parts)
    )


def notes_shown(notes: list[str] | None, language: str) -> list[Markup]:
    """Each of a batch's ``notes`` as the page shows it (:func:`note_shown`), in their order."""
    return [note_shown(note, language) for note in notes or []]


def _iso(written: str) -> str:
    """The ISO date (a ``<time>``'s ``datetime``) of a date as a note writes it."""
    if "-" in written:
        return written
    day, month, year = written.split(" ")
    return f"{year}-{_ENGLISH_MONTHS[month]:02d}-{int(day):02d}"


def _worded(
    wordings: tuple[_Wording, ...],
    text: str,
    language: str,
    value: Callable[[str, str, str], str | None],
) -> str | None:
    """``text`` in the wording that matches it, in ``language``; ``None`` when none does."""
    for wording in wordings:
        found = wording.stored.match(text)
        if found is None:
            continue
        values = {name: value(name, found, language) for name, found in found.groupdict().items()}
        if any(written is None for written in values.values()):
            continue
        return (wording.en if language == "en" else wording.sv).format(**values)
    return None


def _day(value: str, language: str) -> str:
    return short_date(date.fromisoformat(value), language)


def _note_value(name: str, value: str, language: str) -> str | None:
    if name == "day":
        return _day(value, language)
    if name == "amount":
        try:
            return money(Decimal(value), language)
        except InvalidOperation:
            return None
    if name == "paid_to" and value == _PAYSLIP_ACCOUNT["en"]:
        return _PAYSLIP_ACCOUNT["en" if language == "en" else "sv"]
    if name == "where":
        return _worded(_PLACES, value, language, _place_value)
    if name in ("text", "written"):
        return _quoted(value, language)
    if name == "reasons":
        reasons = [_worded(_REASONS, reason, language, _reason_value) for reason in value.split("; ")]
        return None if None in reasons else "; ".join(r for r in reasons if r is not None)
    return value


def _place_value(name: str, value: str, language: str) -> str | None:
    if name == "day":
        return _day(value, language)
    if name == "field":
        return _words(value, _PAYEE_FIELDS_EN if language == "en" else _PAYEE_FIELDS_SV, language)
    return value


def _reason_value(name: str, value: str, language: str) -> str | None:
    if name == "charset":
        return _words(value, {} if language == "en" else _CHARSETS_SV, language)
    return value


def _words(value: str, words: Mapping[str, str], language: str) -> str | None:
    """``value`` in the language's ``words``; English keeps a value it has no other word for."""
    return words.get(value, value if language == "en" else None)


def _quoted(stored: str, language: str) -> str | None:
    """A text the note gives in Python's quotes, in the language's quotation marks (”…” in Swedish, “…” in
    English); a text with a character that cannot be shown (a control character) is left as stored."""
    try:
        text = ast.literal_eval(stored)
    except (ValueError, SyntaxError):
        return None
    if not isinstance(text, str):
        return None
    if not text.isprintable():
        return stored
    return f"”{text}”" if language != "en" else f"“{text}”"
