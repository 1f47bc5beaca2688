"""Storing an issued invoice or credit note (invoicing.md, "Numbering and immutability").

Both issuing use cases end here: the lines are calculated (VAT per rate, öresavrundning), the UBL is
rendered from the snapshot, and the document is written once with the snapshot, the UBL's SHA-256 and an
audit event. The PDF/A-3b is rendered from the committed snapshot after the commit and stored once with its
SHA-256 (``documents.pipeline``, ``INVOICE_PDF``). What is stored never changes afterwards; only the payment
state moves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment
from kooperativet.audit.service import append_event
from kooperativet.auth.models import User
from kooperativet.core.money import ZERO
from kooperativet.documents.pipeline import render_after_commit
from kooperativet.errors import RuleViolation
from kooperativet.invoices.calculation import InvoiceLine, InvoiceRuleViolation, calculate_invoice
from kooperativet.invoices.documents import INVOICE_PDF, render_issued_ubl
from kooperativet.invoices.models import Invoice, InvoiceKind, InvoiceLineRecord, InvoiceStatus
from kooperativet.invoices.numbering import InvoiceNumber
from kooperativet.invoices.snapshot import IssuedSnapshot, snapshot_to_json

#: Re-invoiced expenses are one piece each (UN/ECE Rec 20 ``C62``).
PIECE: Final = "C62"
#: A credit of an amount is one lump sum (UN/ECE Rec 20 ``LS``, printed "fast pris").
LUMP_SUM: Final = "LS"


@dataclass(frozen=True, slots=True)
class DraftLine:
    """A line about to be issued, with where it came from."""

    line: InvoiceLine
    is_expense: bool = False
    assignment_line_id: int | None = None
    expense_id: int | None = None
    credits_line_id: int | None = None


def store_issued(
    session: Session,
    *,
    issued: IssuedSnapshot,
    drafts: Sequence[DraftLine],
    number: InvoiceNumber,
    assignment: Assignment,
    refers_to: Invoice | None,
    actor: User,
    now: datetime,
) -> Invoice:
    """Write the document once: amounts as calculated, the snapshot and its UBL, then its audit event; its
    PDF follows the commit."""
    document = issued.document
    try:
        calculation = calculate_invoice(
            lines=document.lines,
            buyer_vat_number=document.buyer.vat_number,
            round_payable_to_krona=document.round_payable_to_krona,
            # Where the buyer is decides AE and O when an invoice is issued; a credit note reverses its
            # invoice as it was issued, even one issued before that rule.
            buyer_country=document.buyer.address.country if refers_to is None else None,
            credit_share=document.credit_share,
        )
        ubl = render_issued_ubl(issued)
    except InvoiceRuleViolation as exc:
        raise RuleViolation(exc.reason, code="invoice_rule_violation", field=exc.field) from exc
    work = sum((c.amount for c, d in zip(calculation.lines, drafts, strict=True) if not d.is_expense), ZERO)
    expenses = sum((c.amount for c, d in zip(calculation.lines, drafts, strict=True) if d.is_expense), ZERO)
    totals = calculation.totals
    invoice = Invoice(
        series=number.series,
        year=number.year,
        sequence=number.sequence,
        number=number.text,
        kind=InvoiceKind.invoice if refers_to is None else InvoiceKind.credit_note,
        refers_to_id=None if refers_to is None else refers_to.id,
        assignment_id=assignment.id,
        member_id=assignment.member_id,
        client_id=assignment.client_id,
        issue_date=document.issue_date,
        due_date=document.due_date,
        language=issued.language,
        currency=document.currency,
        buyer_reference=document.buyer_reference,
        work_amount=work,
        expenses_amount=expenses,
        net_total=totals.tax_exclusive_amount,
        vat_total=totals.tax_amount,
        rounding=totals.rounding_amount,
        payable=totals.payable_amount,
        ocr=document.ocr,
        snapshot=snapshot_to_json(issued),
        pdf=None,
        pdf_sha256=None,
        ubl=ubl,
        ubl_sha256=None if ubl is None else hashlib.sha256(ubl).hexdigest(),
        issued_by_id=actor.id,
        status=InvoiceStatus.open if refers_to is None else InvoiceStatus.credited,
        paid_amount=ZERO,
        credited_amount=ZERO,
        lines=[
            InvoiceLineRecord(
                position=position,
                description=draft.line.description,
                quantity=draft.line.quantity,
                unit=draft.line.unit,
                unit_price=draft.line.unit_price,
                vat_category=draft.line.vat_category,
                vat_rate=draft.line.vat_rate,
                exemption_reason=draft.line.exemption_reason,
                amount=calculated.amount,
                is_expense=draft.is_expense,
                assignment_line_id=draft.assignment_line_id,
                expense_id=draft.expense_id,
                credits_line_id=draft.credits_line_id,
            )
            for position, (draft, calculated) in enumerate(zip(drafts, calculation.lines, strict=True), 1)
        ],
    )
    session.add(invoice)
    session.flush()
    append_event(
        session,
        kind=f"{invoice.kind}_issued",
        payload={
            "invoice_id": invoice.id,
            "number": invoice.number,
            "refers_to_id": invoice.refers_to_id,
            "payable": str(invoice.payable),
            "ubl_sha256": invoice.ubl_sha256,
            "issued_by_id": actor.id,
        },
        now=now,
    )
    render_after_commit(session, INVOICE_PDF, [invoice.id])
    return invoice
