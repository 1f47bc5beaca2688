"""Issuing an invoice from an approved assignment, whole or in parts (invoicing.md).

The number is taken at issue, gap-free per series and year (``invoices.numbering``); the OCR reference is
built from the number with a length digit; the due date is the issue date plus the client's payment terms,
moved to the next bank day; VAT per rate and öresavrundning per the cooperative's setting. Re-invoiced
expenses not yet invoiced go on the invoice too. Everything the documents need is copied into a snapshot.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.assignments.duties import refuse_own_work
from kooperativet.assignments.models import Assignment, AssignmentLine, Expense
from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.assignments.service import mark_invoiced
from kooperativet.auth.models import User
from kooperativet.core.calendar import add_days_to_bank_day
from kooperativet.core.money import round_half_up
from kooperativet.core.vat import VatCategory
from kooperativet.db import fetch_locked
from kooperativet.errors import NotFound, RuleViolation
from kooperativet.invoices.calculation import InvoiceLine
from kooperativet.invoices.models import Invoice, InvoiceKind, InvoiceLineRecord
from kooperativet.invoices.numbering import take_number
from kooperativet.invoices.ocr import make_ocr, ocr_base_from_invoice_number
from kooperativet.invoices.schemas import InvoiceIssue, InvoicePart
from kooperativet.invoices.service.delivery import sends_e_invoice
from kooperativet.invoices.service.document_parties import buyer_at_issue, seller_at_issue
from kooperativet.invoices.service.remaining import remaining_quantities
from kooperativet.invoices.service.store import PIECE, DraftLine, store_issued
from kooperativet.invoices.snapshot import DocumentKind, InvoiceSnapshot, IssuedSnapshot
from kooperativet.parameters.service import value_in_force
from kooperativet.parties.models import Client
from kooperativet.parties.service import get_cooperative

INVOICEABLE: Final = frozenset({AssignmentStatus.approved, AssignmentStatus.invoiced})
EXPENSE_PREFIX: Final = {"sv": "Utlägg", "en": "Expense"}


def issue_invoice(
    session: Session, *, data: InvoiceIssue, actor: User, today: date, now: datetime
) -> Invoice:
    """Issue an invoice dated ``today`` from an approved assignment (whole, or the given parts).

    Nobody invoices her own commission (``assignments.duties``).
    """
    # Two treasurers invoicing the same lines at once: the second waits, then sees the first's lines.
    assignment = fetch_locked(session, select(Assignment).where(Assignment.id == data.assignment_id))
    if assignment is None:
        raise NotFound(f"assignment {data.assignment_id} does not exist")
    refuse_own_work(actor_id=actor.id, worker=assignment.member, act=f"invoice assignment {assignment.id}")
    if assignment.status not in INVOICEABLE:
        raise RuleViolation(
            f"assignment {assignment.id} is {assignment.status}; only an approved assignment can be invoiced",
            code="assignment_not_approved",
            field="assignment_id",
        )
    client = session.get_one(Client, assignment.client_id)
    language = str(client.language)
    drafts = _fee_lines(session, assignment=assignment, parts=data.parts)
    if data.include_expenses:
        drafts += _expense_lines(session, assignment=assignment, language=language)
    if not drafts:
        raise RuleViolation(
            f"everything on assignment {assignment.id} has been invoiced already",
            code="nothing_to_invoice",
            field="parts",
        )
    buyer = buyer_at_issue(client)
    e_invoice = sends_e_invoice(client, buyer)
    # The reference the buyer gave, or none: neither the PDF nor the page prints a made-up "Er referens".
    # The UBL, which Peppol requires to carry one, names the buyer instead
    # (``content_rules.peppol_buyer_reference``).
    buyer_reference = assignment.buyer_reference or client.default_buyer_reference or None
    if buyer_reference is None and client.public_sector:
        raise RuleViolation(
            "a public-sector buyer needs its reference (Er referens) on the invoice; set it on the "
            "assignment or the client",
            code="buyer_reference_missing",
            field="buyer_reference",
        )
    number = take_number(session, year=today.year)
    ocr = make_ocr(ocr_base_from_invoice_number(number.text), with_length_digit=True)
    document = InvoiceSnapshot(
        number=number.text,
        kind=DocumentKind.INVOICE,
        issue_date=today,
        due_date=add_days_to_bank_day(today, days=client.payment_terms_days),
        period_start=assignment.period_start,
        period_end=assignment.period_end,
        seller=seller_at_issue(get_cooperative(session)),
        buyer=buyer,
        lines=tuple(draft.line for draft in drafts),
        round_payable_to_krona=_rounds_to_krona(session, on=today),
        buyer_reference=buyer_reference,
        ocr=ocr,
    )
    issued = IssuedSnapshot(
        document=document,
        language=language,
        title=assignment.title,
        place=assignment.place,
        e_invoice=e_invoice,
        payment_terms_days=client.payment_terms_days,
    )
    invoice = store_issued(
        session,
        issued=issued,
        drafts=drafts,
        number=number,
        assignment=assignment,
        refers_to=None,
        actor=actor,
        now=now,
    )
    if assignment.status == AssignmentStatus.approved:
        mark_invoiced(session, assignment=assignment)
    session.flush()
    return invoice


def _fee_lines(
    session: Session, *, assignment: Assignment, parts: Sequence[InvoicePart] | None
) -> list[DraftLine]:
    remaining = remaining_quantities(session, assignment=assignment)
    by_id = {line.id: line for line in assignment.lines}
    if parts is None:
        wanted = [(line, remaining[line.id]) for line in assignment.lines if remaining[line.id] > 0]
    else:
        wanted = []
        seen: set[int] = set()
        for index, part in enumerate(parts):
            line = by_id.get(part.assignment_line_id)
            if line is None or part.assignment_line_id in seen:
                raise RuleViolation(
                    f"line {part.assignment_line_id} is not a line of assignment {assignment.id}, or is "
                    "given twice",
                    code="unknown_line",
                    field=f"parts[{index}].assignment_line_id",
                )
            seen.add(line.id)
            if part.quantity > remaining[line.id]:
                raise RuleViolation(
                    f"only {remaining[line.id].normalize()} of line {line.position} is left to invoice",
                    code="more_than_remains",
                    field=f"parts[{index}].quantity",
                )
            wanted.append((line, part.quantity))
    return [_fee_draft(line, quantity) for line, quantity in wanted]


def _fee_draft(line: AssignmentLine, quantity: Decimal) -> DraftLine:
    return DraftLine(
        line=InvoiceLine(
            description=line.description,
            quantity=quantity,
            unit=line.unit,
            unit_price=line.unit_price,
            vat_category=VatCategory(line.vat_category),
            vat_rate=line.vat_rate,
            exemption_reason=line.exemption_reason,
        ),
        assignment_line_id=line.id,
    )


def _expense_lines(session: Session, *, assignment: Assignment, language: str) -> list[DraftLine]:
    """Re-invoiced expenses not on an invoice yet (or credited back). An outlay is re-invoiced at its amount
    excluding the VAT it carried, with the VAT treatment of the assignment's first fee line, because a
    re-invoiced outlay is part of the price of the service (vidarefakturering)."""
    if not assignment.lines:
        return []
    count: dict[int, int] = defaultdict(int)
    rows = session.execute(
        select(InvoiceLineRecord.expense_id, Invoice.kind)
        .join(Invoice, Invoice.id == InvoiceLineRecord.invoice_id)
        .where(Invoice.assignment_id == assignment.id, InvoiceLineRecord.expense_id.is_not(None))
    )
    for expense_id, kind in rows:
        assert expense_id is not None  # filtered above
        count[expense_id] += -1 if kind == InvoiceKind.credit_note else 1
    first = assignment.lines[0]
    return [
        _expense_draft(expense, first=first, language=language)
        for expense in assignment.expenses
        if expense.reinvoice and count[expense.id] <= 0
    ]


def _expense_draft(expense: Expense, *, first: AssignmentLine, language: str) -> DraftLine:
    net = round_half_up(expense.amount * 100 / (100 + expense.vat_rate))
    return DraftLine(
        line=InvoiceLine(
            description=f"{EXPENSE_PREFIX[language]}: {expense.description}",
            quantity=Decimal("1"),
            unit=PIECE,
            unit_price=net,
            vat_category=VatCategory(first.vat_category),
            vat_rate=first.vat_rate,
            exemption_reason=first.exemption_reason,
        ),
        is_expense=True,
        expense_id=expense.id,
    )


def _rounds_to_krona(session: Session, *, on: date) -> bool:
    return value_in_force(session, key="invoice_rounding", on=on).value == "krona"
