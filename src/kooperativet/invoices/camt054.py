"""Reading ISO 20022 camt.054 bank-to-customer debit/credit notifications (exports.md, "Incoming payments").

Only booked credits count: ``Ntry`` with ``CdtDbtInd`` CRDT and status BOOK (``Sts`` as text in .001.02, as
``Sts/Cd`` in .001.08). An entry with several ``TxDtls`` (a bankgiro batch) gives one credit per transaction.
The bank's reference of a credit is the transaction's ``Refs/AcctSvcrRef`` when given, else the entry's
``AcctSvcrRef`` or ``NtryRef`` (with the transaction's position when the entry holds several): that
reference makes an import idempotent. The OCR reference is in ``RmtInf/Strd/CdtrRefInf/Ref``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final

from lxml import etree

NAMESPACES: Final = frozenset(
    {
        "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02",
        "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08",
    }
)


class InvalidCamt054(ValueError):
    """The file is not a camt.054 notification this reader understands."""


@dataclass(frozen=True, slots=True)
class BankCredit:
    """One booked incoming payment."""

    entry_reference: str
    amount: Decimal
    currency: str
    booked_on: date
    reference: str | None


def parse_camt054(content: bytes) -> list[BankCredit]:
    """The booked credits in a camt.054 file, in file order; raises :class:`InvalidCamt054`."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise InvalidCamt054(f"not well-formed XML: {exc}") from exc
    namespace = etree.QName(root).namespace
    if namespace not in NAMESPACES or etree.QName(root).localname != "Document":
        raise InvalidCamt054("not a camt.054.001.02 or .001.08 document")
    ns = {"c": namespace}
    credits: list[BankCredit] = []
    for entry in root.iterfind("c:BkToCstmrDbtCdtNtfctn/c:Ntfctn/c:Ntry", ns):
        if _text(entry, "c:CdtDbtInd", ns) != "CRDT":
            continue
        if (_text(entry, "c:Sts", ns) or _text(entry, "c:Sts/c:Cd", ns)) != "BOOK":
            continue
        credits.extend(_entry_credits(entry, ns))
    return credits


def _entry_credits(entry: etree._Element, ns: dict[str, str]) -> list[BankCredit]:
    entry_reference = _text(entry, "c:AcctSvcrRef", ns) or _text(entry, "c:NtryRef", ns)
    booked = _text(entry, "c:BookgDt/c:Dt", ns) or (_text(entry, "c:BookgDt/c:DtTm", ns) or "")[:10]
    try:
        booked_on = date.fromisoformat(booked)
    except ValueError as exc:
        raise InvalidCamt054(f"entry {entry_reference!r} has no booking date") from exc
    entry_amount, entry_currency = _amount(entry.find("c:Amt", ns), entry_reference)
    transactions = entry.findall("c:NtryDtls/c:TxDtls", ns)
    if not transactions:
        if not entry_reference:
            raise InvalidCamt054("an entry has neither AcctSvcrRef nor NtryRef")
        return [BankCredit(entry_reference, entry_amount, entry_currency, booked_on, None)]
    credits = []
    for position, transaction in enumerate(transactions, start=1):
        reference = _text(transaction, "c:Refs/c:AcctSvcrRef", ns)
        if reference is None:
            if not entry_reference:
                raise InvalidCamt054("an entry has neither AcctSvcrRef nor NtryRef")
            reference = entry_reference if len(transactions) == 1 else f"{entry_reference}/{position}"
        amount_element = transaction.find("c:AmtDtls/c:TxAmt/c:Amt", ns)
        if amount_element is None:
            amount_element = transaction.find("c:Amt", ns)
        if amount_element is None:
            if len(transactions) > 1:
                raise InvalidCamt054(f"transaction {reference!r} has no amount")
            amount, currency = entry_amount, entry_currency
        else:
            amount, currency = _amount(amount_element, reference)
        ocr = _text(transaction, "c:RmtInf/c:Strd/c:CdtrRefInf/c:Ref", ns)
        credits.append(BankCredit(reference, amount, currency, booked_on, ocr))
    return credits


def _amount(element: etree._Element | None, reference: str | None) -> tuple[Decimal, str]:
    if element is None or element.text is None:
        raise InvalidCamt054(f"entry {reference!r} has no amount")
    try:
        amount = Decimal(element.text.strip())
    except InvalidOperation as exc:
        raise InvalidCamt054(f"entry {reference!r} has an amount that is not a number") from exc
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise InvalidCamt054(f"entry {reference!r} has an amount that is not a positive sum in öre")
    return amount, element.get("Ccy", "")


def _text(element: etree._Element, path: str, ns: dict[str, str]) -> str | None:
    found = element.find(path, ns)
    if found is None or found.text is None or not found.text.strip():
        return None
    return found.text.strip()
