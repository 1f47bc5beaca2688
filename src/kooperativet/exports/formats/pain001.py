"""ISO 20022 pain.001.001.03 (customer credit transfer initiation): the salary payment file for the bank.

One ``PmtInf`` per payroll run — ``PmtMtd`` TRF, ``CtgyPurp/Cd`` SALA, the requested execution date is the
pay date, the debtor is the cooperative with its IBAN and its bank's BIC — and one ``CdtTrfTxInf`` per
payslip: the net pay in SEK, the member's name and account, end-to-end id = payslip id, remittance text
``Lön YYYY-MM``.
The group header's and each ``PmtInf``'s ``NbOfTxs`` and ``CtrlSum`` count and sum the transactions.
Names and the remittance text are spelt in the banks' Latin character set (``formats.charset``): ``Łukasz``
is sent as ``Lukasz``; a name is cut to the banks' 70 characters (``MAX_NAME``); the file's notes name each
changed text.

Source: docs/exports.md (which bank guides it follows); the schema
``tests/reference/pain001/pain.001.001.03.xsd`` (ISO 20022, 2009). Each member's account is written as the
member gave it — IBAN, or clearing and account number as BBAN with the clearing number in the creditor
agent (``creditor_account``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from kooperativet.core.identifiers import mask_account
from kooperativet.core.money import ORE, ZERO, format_amount
from kooperativet.exports.formats import ExportFile
from kooperativet.exports.formats.charset import TextFitter, payment_fitter
from kooperativet.exports.formats.xml_text import Template, XmlText

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
_MAX35 = 35
#: The most characters of a party's name (``InitgPty``, ``Dbtr``, ``Cdtr``): the schema's ``Max140Text``
#: allows 140, but the guides the file follows (CGI-MP, the EPC's SCT guidelines EPC132-08, and the Swedish
#: banks' guides after them) take 70, and a bank may refuse or cut a longer one.
MAX_NAME = 70

#: What a member's clearing and account number (``creditor_account``) and an IBAN (``_compact``) may be
#: written with and are sent without; compiled once for the thousands of transactions of a run.
_SEPARATORS: Final = re.compile(r"[\s-]")
_SPACES: Final = re.compile(r"\s")


class InvalidPaymentFile(ValueError):
    """The data cannot make a valid payment file (an empty run, a bad amount, an id the schema refuses)."""


@dataclass(frozen=True, kw_only=True)
class MemberAccount:
    """The account a member's salary goes to: a Swedish clearing and account number, or an IBAN.

    When the member gave an IBAN, the payment goes to the IBAN; otherwise to the clearing and account number.
    The choice is per payee (the member's confirmed account), never a setting of the whole file.
    """

    clearing_number: str | None = None
    account_number: str | None = None
    iban: str | None = None


@dataclass(frozen=True, kw_only=True)
class Debtor:
    """The cooperative paying the salaries: name, organisation number, account (IBAN) and bank (BIC)."""

    name: str
    organisation_number: str
    iban: str
    bic: str


@dataclass(frozen=True, kw_only=True)
class SalaryPayment:
    """One payslip's net pay to one member."""

    payslip_id: str
    member_name: str
    account: MemberAccount
    amount: Decimal


@dataclass(frozen=True, kw_only=True)
class PayrollRunPayments:
    """The payments of one payroll run, executed on its pay date."""

    run_id: str
    pay_date: date
    payments: tuple[SalaryPayment, ...]


@dataclass(frozen=True, kw_only=True)
class CreditorAccount:
    """How a member's account is written: ``iban``, or ``bban`` with the clearing ``member_id``."""

    iban: str | None = None
    bban: str | None = None
    member_id: str | None = None


def creditor_account(account: MemberAccount) -> CreditorAccount:
    """What the ``CdtrAcct`` (and ``CdtrAgt``) of a member's account say (docs/exports.md).

    - an IBAN: ``CdtrAcct/Id/IBAN``, no ``CdtrAgt`` — the bank reads the receiving bank from the IBAN's bank
      code, and the Swedish guides do not ask for a BIC on a domestic SEK payment;
    - a clearing and account number: ``CdtrAcct/Id/Othr/Id`` = clearing + account number, digits only,
      ``SchmeNm/Cd`` ``BBAN``, and the clearing number (its first four digits: a Swedbank clearing number's
      fifth digit is a check digit) in ``CdtrAgt/FinInstnId/ClrSysMmbId`` with ``ClrSysId/Cd`` ``SESBA``
      (the Swedish Bankgiro clearing code) — ``8327-9`` and ``123 456 789-0`` → ``832791234567890``, ``8327``.
    """
    if account.iban is not None:
        return CreditorAccount(iban=_compact(account.iban))
    clearing = _SEPARATORS.sub("", account.clearing_number or "")
    number = _SEPARATORS.sub("", account.account_number or "")
    # ASCII digits only: ``str.isdigit`` also takes ``²``, which no bank reads.
    if not (re.fullmatch(r"[0-9]{4,}", clearing) and re.fullmatch(r"[0-9]+", number)):
        raise InvalidPaymentFile(
            f"account {account.clearing_number}-{mask_account(account.account_number or '')} is not a "
            "clearing number and an account number in digits"
        )
    return CreditorAccount(bban=clearing + number, member_id=clearing[:4])


def render(
    *,
    message_id: str,
    created_at: datetime,
    debtor: Debtor,
    runs: Sequence[PayrollRunPayments],
    batch_booking: bool | None = None,
) -> ExportFile:
    """A pain.001.001.03 file: one ``PmtInf`` per run, one ``CdtTrfTxInf`` per payslip, in the order given.

    ``batch_booking`` writes ``BtchBookg`` (true: one debit on the cooperative's statement per run) when the
    bank asks for it; left out, the bank's default applies. Identical inputs give identical bytes. The file
    is written in chunks (``chunks``).
    """
    fit = payment_fitter()
    content = b"".join(
        chunks(
            message_id=message_id,
            created_at=created_at,
            debtor=debtor,
            runs=runs,
            batch_booking=batch_booking,
            fit=fit,
        )
    )
    return ExportFile(
        filename=f"pain001-{message_id}.xml", media_type="application/xml", content=content, notes=fit.notes
    )


#: Transactions written into one chunk.
PAYMENTS_PER_CHUNK = 200


def chunks(
    *,
    message_id: str,
    created_at: datetime,
    debtor: Debtor,
    runs: Sequence[PayrollRunPayments],
    batch_booking: bool | None,
    fit: TextFitter,
) -> Iterator[bytes]:
    """The file of ``render`` as UTF-8 chunks of ``PAYMENTS_PER_CHUNK`` transactions, without a tree of the
    whole file; ``fit`` spells the names and holds the notes once the last chunk is taken. Raises
    ``InvalidPaymentFile`` before the first chunk, except for a member's account that is not digits, which
    is raised where its transaction is written."""
    everything = [payment for run in runs for payment in run.payments]
    if not runs or any(not run.payments for run in runs):
        raise InvalidPaymentFile("a payment file needs at least one run, and every run at least one payment")
    for identifier in [message_id] + [run.run_id for run in runs] + [p.payslip_id for p in everything]:
        if not 0 < len(identifier) <= _MAX35:
            raise InvalidPaymentFile(f"id {identifier!r} must have 1 to 35 characters")
    for payment in everything:
        if payment.amount <= 0 or payment.amount != payment.amount.quantize(ORE):
            raise InvalidPaymentFile(
                f"payslip {payment.payslip_id}: {payment.amount} is not a positive öre amount"
            )

    debtor_name = fit(debtor.name, where="the cooperative's name", max_length=MAX_NAME)
    xml = XmlText()
    xml.line("<?xml version='1.0' encoding='UTF-8'?>")
    with xml.element("Document", f' xmlns="{NAMESPACE}"'), xml.element("CstmrCdtTrfInitn"):
        with xml.element("GrpHdr"):
            xml.leaf("MsgId", message_id)
            xml.leaf("CreDtTm", created_at.isoformat(timespec="seconds"))
            _totals(xml, everything)
            with xml.element("InitgPty"):
                xml.leaf("Nm", debtor_name)
                with xml.element("Id"), xml.element("OrgId"), xml.element("Othr"):
                    xml.leaf("Id", re.sub(r"\D", "", debtor.organisation_number))
        written = 0
        for run in runs:
            with xml.element("PmtInf"):
                _payment_information(xml, run, debtor, debtor_name, batch_booking)
                remittance = f"Lön {run.pay_date:%Y-%m}"
                for payment in run.payments:
                    _transaction(xml, payment, remittance, fit)
                    written += 1
                    if written % PAYMENTS_PER_CHUNK == 0:
                        yield xml.take()
    yield xml.take()


def _payment_information(
    xml: XmlText, run: PayrollRunPayments, debtor: Debtor, debtor_name: str, batch_booking: bool | None
) -> None:
    """A ``PmtInf``'s elements before its transactions: the run, its totals, the debtor."""
    xml.leaf("PmtInfId", run.run_id)
    xml.leaf("PmtMtd", "TRF")
    if batch_booking is not None:
        xml.leaf("BtchBookg", "true" if batch_booking else "false")
    _totals(xml, run.payments)
    with xml.element("PmtTpInf"), xml.element("CtgyPurp"):
        xml.leaf("Cd", "SALA")
    xml.leaf("ReqdExctnDt", run.pay_date.isoformat())
    with xml.element("Dbtr"):
        xml.leaf("Nm", debtor_name)
    with xml.element("DbtrAcct"), xml.element("Id"):
        xml.leaf("IBAN", _compact(debtor.iban))
    with xml.element("DbtrAgt"), xml.element("FinInstnId"):
        xml.leaf("BIC", debtor.bic)


def _transaction(xml: XmlText, payment: SalaryPayment, remittance: str, fit: TextFitter) -> None:
    account = creditor_account(payment.account)
    payee = fit(payment.member_name, where=f"payee of payslip {payment.payslip_id}", max_length=MAX_NAME)
    texts = {"payslip_id": payment.payslip_id, "amount": format_amount(payment.amount), "payee": payee}
    if account.iban is not None:
        xml.fill(_TO_IBAN, **texts, iban=account.iban, remittance=remittance)
    else:
        xml.fill(
            _TO_BBAN,
            **texts,
            member_id=account.member_id or "",
            bban=account.bban or "",
            remittance=remittance,
        )


def _write_transaction(xml: XmlText, *, to_iban: bool) -> None:
    """A ``CdtTrfTxInf`` with ``{}`` fields for its texts (``Template``), to an IBAN or to a BBAN."""
    with xml.element("CdtTrfTxInf"):
        with xml.element("PmtId"):
            xml.leaf("EndToEndId", "{payslip_id}")
        with xml.element("Amt"):
            xml.leaf("InstdAmt", "{amount}", ' Ccy="SEK"')
        if not to_iban:  # the schema's order: CdtrAgt, Cdtr, CdtrAcct
            with xml.element("CdtrAgt"), xml.element("FinInstnId"), xml.element("ClrSysMmbId"):
                with xml.element("ClrSysId"):
                    xml.leaf("Cd", "SESBA")
                xml.leaf("MmbId", "{member_id}")
        with xml.element("Cdtr"):
            xml.leaf("Nm", "{payee}")
        with xml.element("CdtrAcct"), xml.element("Id"):
            if to_iban:
                xml.leaf("IBAN", "{iban}")
            else:
                with xml.element("Othr"):
                    xml.leaf("Id", "{bban}")
                    with xml.element("SchmeNm"):
                        xml.leaf("Cd", "BBAN")
        with xml.element("RmtInf"):
            xml.leaf("Ustrd", "{remittance}")


#: A transaction's level: Document, CstmrCdtTrfInitn, PmtInf, CdtTrfTxInf.
_TO_IBAN: Final = Template(3, lambda xml: _write_transaction(xml, to_iban=True))
_TO_BBAN: Final = Template(3, lambda xml: _write_transaction(xml, to_iban=False))


def _totals(xml: XmlText, payments: Sequence[SalaryPayment]) -> None:
    xml.leaf("NbOfTxs", str(len(payments)))
    xml.leaf("CtrlSum", format_amount(sum((payment.amount for payment in payments), ZERO)))


def _compact(iban: str) -> str:
    return _SPACES.sub("", iban).upper()
