"""SIE 4 (SIE-gruppen, format 4B of 2008-09-30): the type 4I writer for the accountant (``sie_read`` reads).

A SIE file is text in IBM PC-8, codepage 437 (``#FORMAT PC8``), one record per line: a label (``#VER``) and
fields separated by spaces or tabs. A field with spaces is quoted (``"Lön november"``), a quote inside it is
written ``\\"``; an object list is written in braces (``{1 "100" 6 "P7"}``); a voucher's rows stand between a
``{`` line and a ``}`` line. Amounts use a dot and at most two decimals; dates are ``YYYYMMDD``.

The writer produces type 4I (an import file from a sub-system, extension ``.si``): the mandatory labels
``#FLAGGA 0``, ``#PROGRAM``, ``#FORMAT PC8``, ``#GEN``, ``#SIETYP 4``, ``#FNAMN``, ``#ORGNR``, ``#KONTO`` for
the accounts used that the caller named, then the vouchers. It refuses a voucher that does not sum to zero.

Characters outside codepage 437 (å ä ö Å Ä Ö é are inside it) never stop the file: the writer spells them
in codepage 437 (``Łódź`` → ``Lódz``, ``Dvořák`` → ``Dvorák``, typographic quotes and dashes → ASCII, an
emoji → ``?``, a control character → a space, a backslash → ``/`` since it would escape a quote) and the
file's ``notes`` say which texts were changed (``formats.charset``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from kooperativet.core.money import ORE, ZERO, InvalidAmount, format_amount
from kooperativet.exports.formats import ExportFile
from kooperativet.exports.formats.charset import CODEPAGE_437_PRINTABLE, TextFitter, all_of, fits_codepage_437

ENCODING = "cp437"


class SieError(ValueError):
    """Base of the SIE errors."""


class UnbalancedVoucher(SieError):
    """The writer refuses a voucher whose rows do not sum to zero (every voucher balances, exports.md)."""

    def __init__(self, voucher: Voucher) -> None:
        self.voucher = voucher
        super().__init__(
            f"voucher {voucher.series!r} {voucher.number!r} of {voucher.date.isoformat()} "
            f"({voucher.text!r}) does not balance: its rows sum to {voucher.balance}"
        )


@dataclass(frozen=True, kw_only=True)
class Transaction:
    """One voucher row (``#TRANS account {objects} amount date "text" quantity``).

    ``objects`` pairs a dimension number with an object id (``(("1", "100"),)`` for kostnadsställe 100).
    ``date`` and ``text`` are optional in SIE; the empty text means none.
    """

    account: str
    amount: Decimal
    objects: tuple[tuple[str, str], ...] = ()
    date: dt.date | None = None
    text: str = ""
    quantity: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class Voucher:
    """One voucher (``#VER series number date "text" registration_date``) and its rows.

    In a 4I file the number may be empty: the accounting program receiving the file numbers the voucher.
    """

    series: str
    number: str
    date: dt.date
    text: str = ""
    registration_date: dt.date | None = None
    transactions: tuple[Transaction, ...] = ()

    @property
    def balance(self) -> Decimal:
        """The sum of the rows: zero for a balanced voucher."""
        return sum((row.amount for row in self.transactions), ZERO)


def render(
    *,
    program_name: str,
    program_version: str,
    generated_on: dt.date,
    company_name: str,
    organisation_number: str,
    account_names: Mapping[str, str],
    vouchers: Sequence[Voucher],
    period: tuple[dt.date, dt.date] | None = None,
) -> ExportFile:
    """A SIE 4I file with the vouchers in the order given, and ``#KONTO`` for the used accounts named. Its
    name carries the ``period`` it books when one is given (``sie4i-7696001234-20261101-20261130.si``), so
    that two files made the same day for different periods are not saved over each other.

    Raises ``UnbalancedVoucher`` for a voucher that does not sum to zero and ``InvalidAmount`` for an amount
    with more than two decimals. A text codepage 437 cannot carry is spelt in it and named in the notes. The
    file is written in chunks (``chunks``).
    """
    fit = sie_fitter()
    orgnr = _organisation_number(organisation_number)
    content = b"".join(
        chunks(
            program_name=program_name,
            program_version=program_version,
            generated_on=generated_on,
            company_name=company_name,
            organisation_number=organisation_number,
            account_names=account_names,
            vouchers=vouchers,
            fit=fit,
        )
    )
    dated = f"{period[0]:%Y%m%d}-{period[1]:%Y%m%d}" if period else f"{generated_on:%Y%m%d}"
    return ExportFile(
        filename=f"sie4i-{orgnr.replace('-', '')}-{dated}.si",
        media_type="text/plain; charset=IBM437",
        content=content,
        notes=fit.notes,
    )


#: Vouchers written into one chunk.
VOUCHERS_PER_CHUNK = 500


def chunks(
    *,
    program_name: str,
    program_version: str,
    generated_on: dt.date,
    company_name: str,
    organisation_number: str,
    account_names: Mapping[str, str],
    vouchers: Sequence[Voucher],
    fit: TextFitter,
) -> Iterator[bytes]:
    """The file of ``render`` in codepage 437, ``VOUCHERS_PER_CHUNK`` vouchers a chunk, each line ended by a
    line feed; ``fit`` spells the texts and holds the notes once the last chunk is taken. Raises before the
    first chunk, for every voucher."""
    orgnr = _organisation_number(organisation_number)
    for voucher in vouchers:
        if voucher.balance != 0:
            raise UnbalancedVoucher(voucher)
    used = set()
    for row in (row for voucher in vouchers for row in voucher.transactions):
        if row.amount != row.amount.quantize(ORE):
            raise InvalidAmount(f"amount {row.amount} on account {row.account} has more than two decimals")
        used.add(row.account)
    company_name = fit(company_name, where="company name (#FNAMN)")
    names = {
        account: fit(account_names[account], where=f"name of account {account} (#KONTO)")
        for account in sorted(used)
        if account in account_names
    }
    lines = [
        "#FLAGGA 0",
        f"#PROGRAM {_quote(program_name)} {_quote(program_version)}",
        "#FORMAT PC8",
        f"#GEN {generated_on:%Y%m%d}",
        "#SIETYP 4",
        f"#FNAMN {_quote(company_name)}",
        f"#ORGNR {orgnr}",
    ]
    lines += [f"#KONTO {_bare(account)} {_quote(name)}" for account, name in names.items()]
    for index, voucher in enumerate(vouchers, start=1):
        lines += _voucher_lines(voucher, fit)
        if index % VOUCHERS_PER_CHUNK == 0:
            yield _encoded(lines)
            lines = []
    yield _encoded(lines)


def sie_fitter() -> TextFitter:
    """A fitter for SIE fields: printable codepage 437 except the backslash (``_fits_field``)."""
    return TextFitter(fits=_fits_field, charset="codepage 437", fitting=_FIELD_TEXT)


def _organisation_number(organisation_number: str) -> str:
    """``NNNNNN-NNNN`` for ``#ORGNR``, from ten digits with or without the hyphen."""
    orgnr = re.fullmatch(r"(\d{6})-?(\d{4})", organisation_number.strip())
    if orgnr is None:
        raise SieError(f"organisation number {organisation_number!r} is not NNNNNN-NNNN")
    return f"{orgnr.group(1)}-{orgnr.group(2)}"


def _voucher_lines(voucher: Voucher, fit: TextFitter) -> list[str]:
    """``#VER``, ``{``, a ``#TRANS`` line per row and ``}``, every text spelt in codepage 437 (series,
    number, texts, object ids)."""
    where = f"voucher of {voucher.date.isoformat()}"
    series, number = fit(voucher.series, where=where), fit(voucher.number, where=where)
    text = fit(voucher.text, where=where)
    registration = f" {voucher.registration_date:%Y%m%d}" if voucher.registration_date else ""
    lines = [
        f"#VER {_token(series)} {_token(number)} {voucher.date:%Y%m%d} {_quote(text)}{registration}",
        "{",
    ]
    for row in voucher.transactions:
        # Most rows have neither text nor objects: nothing to fit, and no note's place to write.
        row_text = fit(row.text, where=f"row {row.account} of the {where}") if row.text else ""
        objects = [(dimension, fit(item, where=where)) for dimension, item in row.objects]
        lines.append(f"   {_transaction(row, text=row_text, objects=objects)}")
    lines.append("}")
    return lines


def _encoded(lines: list[str]) -> bytes:
    """The lines, each ended by a line feed, in codepage 437."""
    return ("\n".join(lines) + "\n").encode(ENCODING) if lines else b""


def _transaction(row: Transaction, *, text: str, objects: Sequence[tuple[str, str]]) -> str:
    """A ``#TRANS`` line's fields, with the row's text and object ids as fitted."""
    listed = " ".join(f"{_bare(dimension)} {_quote(item)}" for dimension, item in objects)
    head = f"#TRANS {_bare(row.account)} {{{listed}}} {format_amount(row.amount)}"
    if row.date is None and not text and row.quantity is None:
        return head  # no optional field to write, as on every row the entries make
    optional = [
        row.date.strftime("%Y%m%d") if row.date else '""',
        _quote(text),
        str(row.quantity) if row.quantity is not None else "",
    ]
    while optional and optional[-1] in ("", '""'):  # trailing empty optional fields are left out
        optional.pop()
    return " ".join([head, *optional])


def _fits_field(char: str) -> bool:
    """Printable codepage 437 except the backslash, which SIE reads as the escape of a quote."""
    return char != "\\" and fits_codepage_437(char)


_FIELD_TEXT: Final = all_of(CODEPAGE_437_PRINTABLE.replace("\\", ""))


def _quote(text: str) -> str:
    """A text field: always quoted, a quote inside escaped as ``\\"`` (SIE 4B)."""
    return '"' + text.replace('"', '\\"') + '"'


#: What a bare series or number (``_token``) and an account or dimension number (``_bare``) cannot hold.
_NOT_IN_TOKEN: Final = re.compile(r'[\s"{}\\]')
_NOT_IN_NUMBER: Final = re.compile(r'[\s"{}]')


def _token(value: str) -> str:
    """A voucher series or number: bare when a plain token (``A``, ``17``), quoted otherwise (``""``)."""
    return value if value and not _NOT_IN_TOKEN.search(value) else _quote(value)


def _bare(token: str) -> str:
    """An account or dimension number: written as it is, so it must be a plain token."""
    if not token or _NOT_IN_NUMBER.search(token):
        raise SieError(f"{token!r} cannot be written as an account or dimension number")
    return token
