"""ISO 20022 pain.001.001.03 (customer credit transfer initiation): the salary payment file for the bank.

One ``PmtInf`` per payroll run — ``PmtMtd`` TRF, ``CtgyPurp/Cd`` SALA, the requested execution date is the
pay date, the debtor is the cooperative with its IBAN and its bank's BIC — and one ``CdtTrfTxInf`` per
payslip: the net pay in SEK, the member's name and account, end-to-end id = payslip id, remittance text
``Lön YYYY-MM``.
The group header's and each ``PmtInf``'s ``NbOfTxs`` and ``CtrlSum`` count and sum the transactions.
Names and the remittance text are spelt in the banks' Latin character set (``formats.charset``): ``Łukasz``
is sent as ``Lukasz``, and the file's notes name each changed text.

Source: docs/exports.md (which bank guides it follows); the schema
``tests/reference/pain001/pain.001.001.03.xsd`` (ISO 20022, 2009). Each member's account is written as the
member gave it — IBAN, or clearing and account number as BBAN with the clearing number in the creditor
agent (``creditor_account``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from lxml import etree

from kooperativet.core.identifiers import mask_account
from kooperativet.core.money import ORE, ZERO, format_amount
from kooperativet.exports.formats import ExportFile
from kooperativet.exports.formats.charset import TextFitter, fits_payment_latin

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
_MAX35 = 35


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


def creditor_account(account: MemberAccount) -> tuple[etree._Element | None, etree._Element]:
    """The ``CdtrAgt`` (or ``None``) and ``CdtrAcct`` elements of a member's account (docs/exports.md).

    - an IBAN: ``CdtrAcct/Id/IBAN``, no ``CdtrAgt`` — the bank reads the receiving bank from the IBAN's bank
      code, and the Swedish guides do not ask for a BIC on a domestic SEK payment;
    - a clearing and account number: ``CdtrAcct/Id/Othr/Id`` = clearing + account number, digits only,
      ``SchmeNm/Cd`` ``BBAN``, and the clearing number (its first four digits: a Swedbank clearing number's
      fifth digit is a check digit) in ``CdtrAgt/FinInstnId/ClrSysMmbId`` with ``ClrSysId/Cd`` ``SESBA``
      (the Swedish Bankgiro clearing code) — ``8327-9`` and ``123 456 789-0`` → ``832791234567890``, ``8327``.
    """
    creditor_account = etree.Element(f"{{{NAMESPACE}}}CdtrAcct")
    identifier = _sub(creditor_account, "Id")
    if account.iban is not None:
        _sub(identifier, "IBAN", _compact(account.iban))
        return None, creditor_account
    clearing = re.sub(r"[\s-]", "", account.clearing_number or "")
    number = re.sub(r"[\s-]", "", account.account_number or "")
    if not (clearing.isdigit() and len(clearing) >= 4 and number.isdigit()):
        raise InvalidPaymentFile(
            f"account {account.clearing_number}-{mask_account(account.account_number or '')} is not a "
            "clearing number and an account number in digits"
        )
    other = _sub(identifier, "Othr")
    _sub(other, "Id", clearing + number)
    _sub(_sub(other, "SchmeNm"), "Cd", "BBAN")
    agent = etree.Element(f"{{{NAMESPACE}}}CdtrAgt")
    member = _sub(_sub(agent, "FinInstnId"), "ClrSysMmbId")
    _sub(_sub(member, "ClrSysId"), "Cd", "SESBA")
    _sub(member, "MmbId", clearing[:4])
    return agent, creditor_account


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
    bank asks for it; left out, the bank's default applies. Identical inputs give identical bytes.
    """
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

    fit = TextFitter(fits=fits_payment_latin, charset="the payment file's Latin character set")
    debtor_name = fit(debtor.name, where="the cooperative's name")
    document = etree.Element(f"{{{NAMESPACE}}}Document", nsmap={None: NAMESPACE})  # type: ignore[dict-item]  # lxml-stubs lack the None (default) prefix
    initiation = _sub(document, "CstmrCdtTrfInitn")
    header = _sub(initiation, "GrpHdr")
    _sub(header, "MsgId", message_id)
    _sub(header, "CreDtTm", created_at.isoformat(timespec="seconds"))
    _totals(header, everything)
    initiating_party = _sub(header, "InitgPty")
    _sub(initiating_party, "Nm", debtor_name)
    organisation = _sub(_sub(_sub(initiating_party, "Id"), "OrgId"), "Othr")
    _sub(organisation, "Id", re.sub(r"\D", "", debtor.organisation_number))

    for run in runs:
        information = _sub(initiation, "PmtInf")
        _sub(information, "PmtInfId", run.run_id)
        _sub(information, "PmtMtd", "TRF")
        if batch_booking is not None:
            _sub(information, "BtchBookg", "true" if batch_booking else "false")
        _totals(information, run.payments)
        _sub(_sub(_sub(information, "PmtTpInf"), "CtgyPurp"), "Cd", "SALA")
        _sub(information, "ReqdExctnDt", run.pay_date.isoformat())
        _sub(_sub(information, "Dbtr"), "Nm", debtor_name)
        _sub(_sub(_sub(information, "DbtrAcct"), "Id"), "IBAN", _compact(debtor.iban))
        _sub(_sub(_sub(information, "DbtrAgt"), "FinInstnId"), "BIC", debtor.bic)
        for payment in run.payments:
            transaction = _sub(information, "CdtTrfTxInf")
            _sub(_sub(transaction, "PmtId"), "EndToEndId", payment.payslip_id)
            _sub(_sub(transaction, "Amt"), "InstdAmt", format_amount(payment.amount)).set("Ccy", "SEK")
            agent, account = creditor_account(payment.account)
            if agent is not None:
                transaction.append(agent)  # the schema's order: CdtrAgt, Cdtr, CdtrAcct
            payee = fit(payment.member_name, where=f"payee of payslip {payment.payslip_id}")
            _sub(_sub(transaction, "Cdtr"), "Nm", payee)
            transaction.append(account)
            _sub(_sub(transaction, "RmtInf"), "Ustrd", f"Lön {run.pay_date:%Y-%m}")

    return ExportFile(
        filename=f"pain001-{message_id}.xml",
        media_type="application/xml",
        content=etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True),
        notes=fit.notes,
    )


def _totals(parent: etree._Element, payments: Sequence[SalaryPayment]) -> None:
    _sub(parent, "NbOfTxs", str(len(payments)))
    _sub(parent, "CtrlSum", format_amount(sum((payment.amount for payment in payments), ZERO)))


def _compact(iban: str) -> str:
    return re.sub(r"\s", "", iban).upper()


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NAMESPACE}}}{tag}")
    element.text = text
    return element
