"""Reading SIE 4 files (types 1 to 4, codepage 437): what the tests and the accountant's side use to read back
a file the writer (``sie``) made, or one another program wrote, record by record."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kooperativet.exports.formats.sie import ENCODING, SieError, Transaction, Voucher

#: A field of a record as read: a string, or an object list ``{…}`` as the tuple of its items.
Field = str | tuple[str, ...]


class SieSyntaxError(SieError):
    """The reader met a line it cannot make sense of (an unclosed brace, a row outside a voucher …)."""


@dataclass(frozen=True, kw_only=True)
class Record:
    """A record the reader keeps as read: its label and its fields."""

    label: str
    fields: tuple[Field, ...]
    line_number: int


@dataclass(frozen=True, kw_only=True)
class SieDocument:
    """What the reader found: every record outside the vouchers, the chart of accounts and the vouchers.

    ``records`` keeps, in file order, the header labels and everything the reader does not model (``#RAR``,
    ``#IB``, ``#PSALDO``, ``#OBJEKT`` …), including records inside a voucher other than ``#TRANS``
    (``#RTRANS``, ``#BTRANS``: per the format, an added row ``#RTRANS`` is repeated as a ``#TRANS`` row,
    which the voucher keeps; a removed row ``#BTRANS`` is not part of the voucher).
    """

    records: tuple[Record, ...]
    accounts: Mapping[str, str]
    vouchers: tuple[Voucher, ...]

    def first(self, label: str) -> Record | None:
        """The first record with ``label`` (``"#PROGRAM"``), or None."""
        return next((record for record in self.records if record.label == label), None)


def read(content: bytes) -> SieDocument:
    """Read a SIE file of type 1 to 4 (4E or 4I), codepage 437, LF or CRLF line ends.

    Tolerant of the labels it does not model (kept as ``Record``) and of a quote left open at the end of a
    line (the text runs to the end of the line); strict about structure: a row outside a voucher, a voucher
    without its braces or an unclosed object list raise ``SieSyntaxError``.
    """
    records: list[Record] = []
    accounts: dict[str, str] = {}
    vouchers: list[Voucher] = []
    pending: Record | None = None  # a #VER waiting for its "{"
    rows: list[Transaction] | None = None  # the open voucher's rows, between "{" and "}"
    for number, line in enumerate(content.decode(ENCODING).split("\n"), start=1):
        stripped = line.strip(" \t\r")
        if not stripped:
            continue
        if stripped == "{":
            if pending is None or rows is not None:
                raise SieSyntaxError(f"line {number}: '{{' without a #VER before it")
            rows = []
            continue
        if stripped == "}":
            if pending is None or rows is None:
                raise SieSyntaxError(f"line {number}: '}}' without an open voucher")
            vouchers.append(_voucher(pending, tuple(rows)))
            pending, rows = None, None
            continue
        if pending is not None and rows is None:
            raise SieSyntaxError(f"line {pending.line_number}: #VER is not followed by '{{'")
        label, *fields = _tokens(stripped, number)
        if not isinstance(label, str) or not label.startswith("#"):
            raise SieSyntaxError(f"line {number}: a record starts with a #LABEL: {line!r}")
        record = Record(label=label.upper(), fields=tuple(fields), line_number=number)
        if record.label == "#VER":
            if pending is not None:
                raise SieSyntaxError(f"line {number}: #VER inside an open voucher")
            pending = record
        elif record.label == "#TRANS":
            if rows is None:
                raise SieSyntaxError(f"line {number}: #TRANS outside a voucher")
            rows.append(_transaction_of(record))
        else:
            if record.label == "#KONTO":
                accounts[_text(record, 0)] = _text(record, 1)
            records.append(record)
    if pending is not None:
        raise SieSyntaxError(f"line {pending.line_number}: the voucher is not closed with '}}'")
    return SieDocument(records=tuple(records), accounts=accounts, vouchers=tuple(vouchers))


# A quote left open runs to the end of the line: SoftOne's export cuts long texts without closing the quote.
_TOKEN = re.compile(r'"((?:\\"|[^"])*)(?:"|$)|\{([^}]*)\}|([^ \t"{}]+)')


def _tokens(line: str, number: int) -> list[Field]:
    tokens: list[Field] = []
    position = 0
    while position < len(line):
        if line[position] in " \t":
            position += 1
            continue
        match = _TOKEN.match(line, position)
        if match is None:
            raise SieSyntaxError(f"line {number}: unclosed object list: {line!r}")
        quoted, objects, bare = match.groups()
        if quoted is not None:
            tokens.append(quoted.replace('\\"', '"'))
        elif objects is not None:
            tokens.append(tuple(str(item) for item in _tokens(objects, number)))
        else:
            tokens.append(bare)
        position = match.end()
    return tokens


def _voucher(record: Record, rows: tuple[Transaction, ...]) -> Voucher:
    return Voucher(
        series=_text(record, 0),
        number=_text(record, 1),
        date=_required_date(record, 2),
        text=_text(record, 3),
        registration_date=_date(record, 4),
        transactions=rows,
    )


def _transaction_of(record: Record) -> Transaction:
    objects = record.fields[1] if len(record.fields) > 1 else ()
    if not isinstance(objects, tuple) or len(objects) % 2:
        raise SieSyntaxError(
            f"line {record.line_number}: #TRANS needs an object list of dimension/object pairs"
        )
    quantity = _text(record, 5)
    return Transaction(
        account=_text(record, 0),
        objects=tuple(zip(objects[::2], objects[1::2], strict=True)),
        amount=_amount(record, _text(record, 2)),
        date=_date(record, 3),
        text=_text(record, 4),
        quantity=_amount(record, quantity) if quantity else None,
    )


def _text(record: Record, index: int) -> str:
    if index >= len(record.fields):
        return ""
    value = record.fields[index]
    if isinstance(value, tuple):
        raise SieSyntaxError(
            f"line {record.line_number}: field {index + 1} of {record.label} is an object list"
        )
    return value


def _date(record: Record, index: int) -> dt.date | None:
    value = _text(record, index)
    if not value:
        return None
    if not re.fullmatch(r"\d{8}", value):
        raise SieSyntaxError(f"line {record.line_number}: {value!r} is not a date YYYYMMDD")
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError as exc:
        raise SieSyntaxError(f"line {record.line_number}: {value!r} is not a date") from exc


def _required_date(record: Record, index: int) -> dt.date:
    value = _date(record, index)
    if value is None:
        raise SieSyntaxError(f"line {record.line_number}: {record.label} has no date")
    return value


def _amount(record: Record, value: str) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation as exc:
        raise SieSyntaxError(f"line {record.line_number}: {value!r} is not an amount") from exc
    if not amount.is_finite():
        raise SieSyntaxError(f"line {record.line_number}: {value!r} is not an amount")
    return amount
