"""Reading ISO 20022 camt.054 bank-to-customer debit/credit notifications (invoicing.md, "Bank files").

Versions 001.02 to 001.08 are read; the parts this reader uses are the same in all of them except where noted:

- Only booked credits count: ``Ntry`` with ``CdtDbtInd`` CRDT and status BOOK — ``Sts`` is a code as text up
  to 001.07 and a choice ``Sts/Cd`` from 001.08.
- ``BookgDt`` is a choice of ``Dt`` or ``DtTm`` in every version (the date part of ``DtTm`` is taken).
- An entry with several ``NtryDtls/TxDtls`` (a bankgiro batch) gives one credit per transaction; the
  amount of a transaction is ``TxDtls/Amt`` (later versions only), else ``TxDtls/AmtDtls/TxAmt/Amt``, else the
  entry's ``Amt`` when the entry holds one transaction.
- Every ``RmtInf/Strd/CdtrRefInf/Ref`` of a transaction is kept, in file order (``Strd`` repeats and holds
  one ``CdtrRefInf``: a payment with several OCR references has several ``Strd``).
- The bank's reference of a credit is the transaction's ``Refs/AcctSvcrRef`` when given, else the entry's
  ``AcctSvcrRef`` or ``NtryRef`` (with the transaction's position when the entry holds several): that
  reference makes an import idempotent. ``Refs/UETR`` (001.08) is kept as well.

One odd entry never refuses the file: an entry without a booking date, without a readable amount, or that the
bank identifies only by a UETR or not at all is returned with a ``problem`` and is stored unmatched for the
treasurer. Only a file that is not a camt.054 document at all raises :class:`InvalidCamt054`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final

from lxml import etree

#: The versions read, oldest first (ISO 20022 message definitions camt.054.001.02 … camt.054.001.08).
VERSIONS: Final = tuple(f"001.0{n}" for n in range(2, 9))
NAMESPACES: Final = frozenset(f"urn:iso:std:iso:20022:tech:xsd:camt.054.{v}" for v in VERSIONS)
#: Amounts are stored as Numeric(14, 2); anything from here up is not a payment to a cooperative.
_LIMIT: Final = Decimal("1000000000000")
#: The bank's reference is stored in 100 characters, with room for the suffix of a payment of several
#: references (``#12``, ``#rest``). ISO 20022 allows 35 (``AcctSvcrRef`` is Max35Text); longer is cut.
REFERENCE_LENGTH: Final = 100 - 10


class InvalidCamt054(ValueError):
    """The file is not a camt.054 notification this reader understands."""


@dataclass(frozen=True, slots=True)
class BankCredit:
    """One booked incoming payment (one transaction of a booked credit entry).

    ``problem`` says why it cannot be matched automatically at all (it is then stored unmatched with that
    reason); ``amount`` and ``booked_on`` are None only when the problem is that they are missing.
    """

    entry_reference: str
    amount: Decimal | None
    currency: str
    booked_on: date | None
    references: tuple[str, ...] = ()
    uetr: str | None = None
    problem: str | None = None

    @property
    def reference(self) -> str | None:
        """The first creditor reference (the OCR of a single-invoice payment)."""
        return self.references[0] if self.references else None


@dataclass(frozen=True, slots=True)
class _Entry:
    """What the transactions of an entry inherit from it."""

    reference: str | None
    fallback_reference: str
    amount: Decimal | None
    currency: str
    booked_on: date | None
    problem: str | None


def parse_camt054(content: bytes) -> list[BankCredit]:
    """The booked credits in a camt.054 file, in file order; raises :class:`InvalidCamt054`."""
    root = _document(content)
    ns = {"c": etree.QName(root).namespace or ""}
    notification = root.find("c:BkToCstmrDbtCdtNtfctn", ns)
    if notification is None:
        raise InvalidCamt054("the document has no BkToCstmrDbtCdtNtfctn: not a camt.054 notification")
    message_id = (
        _text(notification, "c:GrpHdr/c:MsgId", ns) or f"FILE-{hashlib.sha256(content).hexdigest()[:16]}"
    )
    credits: list[BankCredit] = []
    for position, entry in enumerate(notification.iterfind("c:Ntfctn/c:Ntry", ns), start=1):
        if _text(entry, "c:CdtDbtInd", ns) != "CRDT":
            continue
        if (_text(entry, "c:Sts", ns) or _text(entry, "c:Sts/c:Cd", ns)) != "BOOK":
            continue
        credits.extend(_entry_credits(entry, ns, fallback=f"{message_id}/{position}"))
    return credits


def _document(content: bytes) -> etree._Element:
    # No DTD, no entities, no network: a bank file needs none of them, and they are how XML attacks work.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise InvalidCamt054(f"not well-formed XML: {exc}") from exc
    if root.getroottree().docinfo.internalDTD is not None or b"<!DOCTYPE" in content[:4096]:
        raise InvalidCamt054("the file has a DOCTYPE; a camt.054 file has none")
    name = etree.QName(root)
    if name.localname != "Document" or name.namespace not in NAMESPACES:
        raise InvalidCamt054(
            f"not a camt.054 document (root {name.localname!r} in namespace {name.namespace!r}); "
            f"versions {VERSIONS[0]} to {VERSIONS[-1]} are read"
        )
    return root


def _entry_credits(entry: etree._Element, ns: dict[str, str], *, fallback: str) -> list[BankCredit]:
    info = _entry_info(entry, ns, fallback=fallback)
    transactions = entry.findall("c:NtryDtls/c:TxDtls", ns)
    if not transactions:
        return [_credit(info, info.reference, None, (), None, info.amount, info.currency)]
    credits = []
    for position, transaction in enumerate(transactions, start=1):
        suffix = "" if len(transactions) == 1 else f"/{position}"
        own = _text(transaction, "c:Refs/c:AcctSvcrRef", ns)
        reference = own or (info.reference + suffix if info.reference else None)
        uetr = _text(transaction, "c:Refs/c:UETR", ns)
        amount, currency = _transaction_amount(transaction, ns, info, single=len(transactions) == 1)
        refs = tuple(
            "".join(element.text.split())
            for element in transaction.iterfind("c:RmtInf/c:Strd/c:CdtrRefInf/c:Ref", ns)
            if element.text and element.text.strip()
        )
        credits.append(_credit(info, reference, suffix, refs, uetr, amount, currency))
    return credits


def _entry_info(entry: etree._Element, ns: dict[str, str], *, fallback: str) -> _Entry:
    problem = None
    booked = _text(entry, "c:BookgDt/c:Dt", ns) or (_text(entry, "c:BookgDt/c:DtTm", ns) or "")[:10]
    try:
        booked_on: date | None = date.fromisoformat(booked)
    except ValueError:
        booked_on, problem = None, "the bank gave no booking date"
    amount, currency = _amount(entry.find("c:Amt", ns))
    if amount is None and problem is None:
        problem = "the entry has no readable amount in öre above zero"
    return _Entry(
        reference=_text(entry, "c:AcctSvcrRef", ns) or _text(entry, "c:NtryRef", ns),
        fallback_reference=fallback,
        amount=amount,
        currency=currency,
        booked_on=booked_on,
        problem=problem,
    )


def _transaction_amount(
    transaction: etree._Element, ns: dict[str, str], info: _Entry, *, single: bool
) -> tuple[Decimal | None, str]:
    element = transaction.find("c:Amt", ns)
    if element is None:
        element = transaction.find("c:AmtDtls/c:TxAmt/c:Amt", ns)
    if element is None:
        return (info.amount, info.currency) if single else (None, info.currency)
    return _amount(element)


def _credit(
    info: _Entry,
    reference: str | None,
    suffix: str | None,
    refs: tuple[str, ...],
    uetr: str | None,
    amount: Decimal | None,
    currency: str,
) -> BankCredit:
    problem = info.problem
    if problem is None and amount is None:
        problem = "the transaction has no readable amount in öre above zero"
    if reference is None:
        if uetr is not None:
            # A UETR is the payer's end-to-end tracking number, not the account servicer's booking reference:
            # such an entry cannot be tied to the account statement, so a person looks at it.
            reference = f"UETR:{uetr}"
            problem = problem or "the bank identified the entry only by its UETR"
        else:
            reference = info.fallback_reference + (suffix or "")
            problem = problem or "the bank gave no reference for the entry"
    return BankCredit(
        entry_reference=reference[:REFERENCE_LENGTH],
        amount=amount,
        currency=currency,
        booked_on=info.booked_on,
        references=refs,
        uetr=uetr,
        problem=problem,
    )


def _amount(element: etree._Element | None) -> tuple[Decimal | None, str]:
    """The amount in öre above zero and its currency; None when missing or not such an amount."""
    if element is None or element.text is None:
        return None, ""
    currency = element.get("Ccy", "")[:3]
    try:
        amount = Decimal(element.text.strip())
    except InvalidOperation:
        return None, currency
    if not amount.is_finite() or not 0 < amount < _LIMIT or amount != amount.quantize(Decimal("0.01")):
        return None, currency
    return amount, currency


def _text(element: etree._Element, path: str, ns: dict[str, str]) -> str | None:
    found = element.find(path, ns)
    if found is None or found.text is None or not found.text.strip():
        return None
    return found.text.strip()
