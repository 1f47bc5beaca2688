"""Issuing invoices and credit notes, and reading them. Services flush; the caller's transaction commits.

Rules (invoicing.md): an invoice is issued from an approved assignment, whole or in parts; its number is taken
at issue, gap-free per series and year (``numbering``); the OCR reference is built from the number with a
length digit; the due date is the issue date plus the client's payment terms, moved to the next bank day; VAT
per rate and öresavrundning per the cooperative's setting (``calculation``). Everything the documents need is
copied into a snapshot, and the UBL and PDF/A-3b are rendered from it and stored with their SHA-256. Issued
documents never change: a credit note (full or partial) refers to the original and only the original's
payment state (status, credited and paid amounts) moves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.assignments.duties import refuse_own_work
from kooperativet.assignments.models import Assignment, AssignmentLine, Expense
from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.assignments.service import close, mark_invoiced, mark_paid
from kooperativet.audit.service import append_event
from kooperativet.auth.models import Role, User
from kooperativet.core.calendar import add_days_to_bank_day
from kooperativet.core.identifiers import InvalidIdentifier, swedish_vat_number
from kooperativet.core.money import ZERO, round_half_up
from kooperativet.core.vat import VatCategory
from kooperativet.db import count_rows
from kooperativet.errors import Conflict, NotFound, RuleViolation
from kooperativet.invoices.calculation import InvoiceLine, InvoiceRuleViolation, calculate_invoice
from kooperativet.invoices.documents import (
    IssuedSnapshot,
    render_documents,
    snapshot_from_json,
    snapshot_to_json,
)
from kooperativet.invoices.models import Invoice, InvoiceKind, InvoiceLineRecord, InvoiceStatus
from kooperativet.invoices.numbering import InvoiceNumber, take_number
from kooperativet.invoices.ocr import make_ocr, ocr_base_from_invoice_number
from kooperativet.invoices.schemas import CreditNoteIssue, CreditPart, InvoiceIssue, InvoicePart
from kooperativet.invoices.ubl import (
    Address,
    Buyer,
    DocumentKind,
    InvoiceSnapshot,
    PeppolEndpoint,
    Seller,
    has_peppol_address,
)
from kooperativet.parameters.service import value_in_force
from kooperativet.parties.models import Client, ClientKind, Cooperative, Member
from kooperativet.parties.service import get_cooperative

INVOICEABLE: Final = frozenset({AssignmentStatus.approved, AssignmentStatus.invoiced})
#: Re-invoiced expenses are one piece each (UN/ECE Rec 20 ``C62``), as are credits of an amount.
PIECE: Final = "C62"
EXPENSE_PREFIX: Final = {"sv": "Utlägg", "en": "Expense"}


@dataclass(frozen=True, slots=True)
class _DraftLine:
    """A line about to be issued, with where it came from."""

    line: InvoiceLine
    is_expense: bool = False
    assignment_line_id: int | None = None
    expense_id: int | None = None
    credits_line_id: int | None = None


# --- issue -----------------------------------------------------------------------------------------------


def issue_invoice(
    session: Session, *, data: InvoiceIssue, actor: User, today: date, now: datetime
) -> Invoice:
    """Issue an invoice dated ``today`` from an approved assignment (whole, or the given parts).

    Nobody invoices her own commission (``assignments.duties``).
    """
    assignment = session.scalar(
        select(Assignment)
        .where(Assignment.id == data.assignment_id)
        # Two treasurers invoicing the same lines at once: the second waits, then sees the first's lines.
        .with_for_update()
        .execution_options(populate_existing=True)
    )
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
    buyer = _buyer(client)
    e_invoice = _sends_e_invoice(client, buyer)
    buyer_reference = assignment.buyer_reference or client.default_buyer_reference
    if not buyer_reference:
        if client.public_sector:
            raise RuleViolation(
                "a public-sector buyer needs its reference (Er referens) on the invoice; set it on the "
                "assignment or the client",
                code="buyer_reference_missing",
                field="buyer_reference",
            )
        if e_invoice:
            # Peppol requires a buyer or order reference (PEPPOL-EN16931-R003); the buyer gave none, so the
            # e-invoice names the buyer itself as its reference. A PDF-only invoice prints none.
            buyer_reference = client.name
    number = take_number(session, year=today.year)
    ocr = make_ocr(ocr_base_from_invoice_number(number.text), with_length_digit=True)
    document = InvoiceSnapshot(
        number=number.text,
        kind=DocumentKind.INVOICE,
        issue_date=today,
        due_date=add_days_to_bank_day(today, days=client.payment_terms_days),
        period_start=assignment.period_start,
        period_end=assignment.period_end,
        seller=_seller(get_cooperative(session)),
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
    invoice = _store(
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


def issue_credit_note(
    session: Session, *, invoice_id: int, data: CreditNoteIssue, actor: User, today: date, now: datetime
) -> Invoice:
    """Credit the whole invoice (no parts: everything not credited yet) or parts of its lines.

    Nobody credits the invoice of her own commission (``assignments.duties``).
    """
    original = _locked_invoice(session, invoice_id=invoice_id)
    refuse_own_invoice(session, invoice=original, actor=actor, act=f"credit invoice {original.number}")
    if original.kind != InvoiceKind.invoice:
        raise RuleViolation("a credit note is not credited again", code="not_an_invoice", field="invoice_id")
    remaining = _creditable(session, original)
    drafts = (
        _full_credit(original, remaining)
        if data.parts is None
        else _partial_credit(original, remaining, data.parts)
    )
    if not drafts:
        raise Conflict(f"invoice {original.number} is already credited in full", code="already_credited")
    source = snapshot_from_json(original.snapshot)
    number = take_number(session, year=today.year)
    reason = (data.reason or "").strip()
    document = InvoiceSnapshot(
        number=number.text,
        kind=DocumentKind.CREDIT_NOTE,
        issue_date=today,
        due_date=None,
        period_start=source.document.period_start,
        period_end=source.document.period_end,
        seller=source.document.seller,
        buyer=source.document.buyer,
        lines=tuple(draft.line for draft in drafts),
        round_payable_to_krona=source.document.round_payable_to_krona,
        buyer_reference=source.document.buyer_reference,
        notes=(reason,) if reason else (),
        refers_to_number=original.number,
        refers_to_issue_date=original.issue_date,
    )
    # A credit note goes the way of the invoice it credits: as UBL too, or as a PDF only.
    issued = IssuedSnapshot(
        document=document,
        language=source.language,
        title=source.title,
        place=source.place,
        e_invoice=source.e_invoice,
    )
    assignment = session.get_one(Assignment, original.assignment_id)
    credit_note = _store(
        session,
        issued=issued,
        drafts=drafts,
        number=number,
        assignment=assignment,
        refers_to=original,
        actor=actor,
        now=now,
    )
    original.credited_amount += credit_note.payable
    settle(session, original)
    return credit_note


def _store(
    session: Session,
    *,
    issued: IssuedSnapshot,
    drafts: Sequence[_DraftLine],
    number: InvoiceNumber,
    assignment: Assignment,
    refers_to: Invoice | None,
    actor: User,
    now: datetime,
) -> Invoice:
    document = issued.document
    try:
        calculation = calculate_invoice(
            lines=document.lines,
            buyer_vat_number=document.buyer.vat_number,
            round_payable_to_krona=document.round_payable_to_krona,
        )
        rendered = render_documents(issued)
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
        pdf=rendered.pdf,
        pdf_sha256=rendered.pdf_sha256,
        ubl=rendered.ubl,
        ubl_sha256=rendered.ubl_sha256,
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
            "pdf_sha256": invoice.pdf_sha256,
            "ubl_sha256": invoice.ubl_sha256,
            "issued_by_id": actor.id,
        },
        now=now,
    )
    return invoice


# --- what is left to invoice or credit -----------------------------------------------------------------


def _fee_lines(
    session: Session, *, assignment: Assignment, parts: Sequence[InvoicePart] | None
) -> list[_DraftLine]:
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


def _fee_draft(line: AssignmentLine, quantity: Decimal) -> _DraftLine:
    return _DraftLine(
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


def remaining_quantities(session: Session, *, assignment: Assignment) -> dict[int, Decimal]:
    """Per fee line: its quantity less what invoices took plus what credit notes gave back by quantity."""
    remaining = {line.id: line.quantity for line in assignment.lines}
    rows = session.execute(
        select(InvoiceLineRecord.assignment_line_id, InvoiceLineRecord.quantity, Invoice.kind)
        .join(Invoice, Invoice.id == InvoiceLineRecord.invoice_id)
        .where(Invoice.assignment_id == assignment.id, InvoiceLineRecord.assignment_line_id.is_not(None))
    )
    for line_id, quantity, kind in rows:
        assert line_id is not None  # filtered above
        remaining[line_id] += quantity if kind == InvoiceKind.credit_note else -quantity
    return remaining


def _expense_lines(session: Session, *, assignment: Assignment, language: str) -> list[_DraftLine]:
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


def _expense_draft(expense: Expense, *, first: AssignmentLine, language: str) -> _DraftLine:
    net = round_half_up(expense.amount * 100 / (100 + expense.vat_rate))
    return _DraftLine(
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


@dataclass(frozen=True, slots=True)
class _Creditable:
    line: InvoiceLineRecord
    quantity: Decimal
    amount: Decimal


def _creditable(session: Session, original: Invoice) -> dict[int, _Creditable]:
    credited = session.execute(
        select(
            InvoiceLineRecord.credits_line_id,
            InvoiceLineRecord.quantity,
            InvoiceLineRecord.amount,
            InvoiceLineRecord.assignment_line_id,
            InvoiceLineRecord.expense_id,
        )
        .join(Invoice, Invoice.id == InvoiceLineRecord.invoice_id)
        .where(Invoice.refers_to_id == original.id)
    ).all()
    result = {}
    for line in original.lines:
        mine = [row for row in credited if row.credits_line_id == line.id]
        # A credit of an amount gives no quantity back: only credits by quantity carry the line's origin.
        quantity = line.quantity - sum(
            (row.quantity for row in mine if row.assignment_line_id or row.expense_id), Decimal(0)
        )
        amount = line.amount - sum((row.amount for row in mine), ZERO)
        result[line.id] = _Creditable(line=line, quantity=quantity, amount=amount)
    return result


def _full_credit(original: Invoice, remaining: dict[int, _Creditable]) -> list[_DraftLine]:
    drafts = []
    for line in original.lines:
        left = remaining[line.id]
        if left.amount <= 0:
            continue
        if left.amount == line.amount:
            drafts.append(_credit_by_quantity(line, line.quantity))
        else:
            drafts.append(_credit_by_amount(line, left.amount))
    return drafts


def _partial_credit(
    original: Invoice, remaining: dict[int, _Creditable], parts: Sequence[CreditPart]
) -> list[_DraftLine]:
    drafts = []
    seen: set[int] = set()
    for index, part in enumerate(parts):
        left = remaining.get(part.invoice_line_id)
        if left is None or part.invoice_line_id in seen:
            raise RuleViolation(
                f"line {part.invoice_line_id} is not a line of invoice {original.number}, or is given twice",
                code="unknown_line",
                field=f"parts[{index}].invoice_line_id",
            )
        seen.add(part.invoice_line_id)
        if part.quantity is not None:
            amount = round_half_up(part.quantity * left.line.unit_price)
            if part.quantity > left.quantity or amount > left.amount:
                raise RuleViolation(
                    f"only {left.quantity.normalize()} of line {left.line.position} is left to credit",
                    code="more_than_invoiced",
                    field=f"parts[{index}].quantity",
                )
            drafts.append(_credit_by_quantity(left.line, part.quantity))
        else:
            assert part.amount is not None
            if not ZERO < part.amount <= left.amount:
                raise RuleViolation(
                    f"at most {left.amount} of line {left.line.position} is left to credit",
                    code="more_than_invoiced",
                    field=f"parts[{index}].amount",
                )
            drafts.append(_credit_by_amount(left.line, part.amount))
    return drafts


def _credit_by_quantity(line: InvoiceLineRecord, quantity: Decimal) -> _DraftLine:
    return _DraftLine(
        line=_line_of(line, quantity=quantity, unit=line.unit, unit_price=line.unit_price),
        is_expense=line.is_expense,
        assignment_line_id=line.assignment_line_id,
        expense_id=line.expense_id,
        credits_line_id=line.id,
    )


def _credit_by_amount(line: InvoiceLineRecord, amount: Decimal) -> _DraftLine:
    return _DraftLine(
        line=_line_of(line, quantity=Decimal("1"), unit=PIECE, unit_price=amount),
        is_expense=line.is_expense,
        credits_line_id=line.id,
    )


def _line_of(line: InvoiceLineRecord, *, quantity: Decimal, unit: str, unit_price: Decimal) -> InvoiceLine:
    return InvoiceLine(
        description=line.description,
        quantity=quantity,
        unit=unit,
        unit_price=unit_price,
        vat_category=VatCategory(line.vat_category),
        vat_rate=line.vat_rate,
        exemption_reason=line.exemption_reason,
    )


# --- payment state ---------------------------------------------------------------------------------------


def settle(session: Session, invoice: Invoice) -> None:
    """Recompute the payment state of an invoice from its credited and paid amounts; when every invoice of
    the assignment is settled and nothing is left to invoice, the assignment is paid — or, when its salary
    was already advanced on invoicing (``pay_on=invoice``), closed."""
    if invoice.credited_amount >= invoice.payable:
        invoice.status = InvoiceStatus.credited
    elif invoice.outstanding == 0:
        invoice.status = InvoiceStatus.paid
    elif invoice.paid_amount > 0:
        invoice.status = InvoiceStatus.partly_paid
    else:
        invoice.status = InvoiceStatus.open
    session.flush()
    if invoice.status == InvoiceStatus.paid:
        assignment = session.get_one(Assignment, invoice.assignment_id)
        if not _assignment_settled(session, assignment):
            return
        if assignment.status == AssignmentStatus.invoiced:
            mark_paid(session, assignment=assignment)
        elif assignment.status == AssignmentStatus.salaried:
            close(session, assignment=assignment)


def _assignment_settled(session: Session, assignment: Assignment) -> bool:
    statuses = session.scalars(
        select(Invoice.status).where(
            Invoice.assignment_id == assignment.id, Invoice.kind == InvoiceKind.invoice
        )
    ).all()
    nothing_left = all(
        quantity <= 0 for quantity in remaining_quantities(session, assignment=assignment).values()
    )
    return nothing_left and all(status in (InvoiceStatus.paid, InvoiceStatus.credited) for status in statuses)


# --- reading ---------------------------------------------------------------------------------------------


def sees_every_invoice(user: User) -> bool:
    return user.has_any_role(Role.treasurer, Role.admin)


def get_invoice(session: Session, *, invoice_id: int, actor: User) -> Invoice:
    """An invoice or credit note; a member sees only those of their own assignments (404 otherwise)."""
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or not (
        sees_every_invoice(actor) or invoice.member_id in own_member_ids(session, actor)
    ):
        raise NotFound(f"invoice {invoice_id} does not exist")
    return invoice


def list_invoices(
    session: Session,
    *,
    actor: User,
    limit: int,
    offset: int,
    kind: InvoiceKind | None = None,
    status: InvoiceStatus | None = None,
    overdue_on: date | None = None,
    client_id: int | None = None,
    member_id: int | None = None,
    assignment_id: int | None = None,
) -> tuple[list[Invoice], int]:
    query = select(Invoice)
    if not sees_every_invoice(actor):
        query = query.where(Invoice.member_id.in_(own_member_ids(session, actor)))
    if kind is not None:
        query = query.where(Invoice.kind == kind)
    if status is not None:
        query = query.where(Invoice.status == status)
    if overdue_on is not None:
        query = query.where(
            Invoice.kind == InvoiceKind.invoice,
            Invoice.status.in_((InvoiceStatus.open, InvoiceStatus.partly_paid)),
            Invoice.due_date < overdue_on,
        )
    if client_id is not None:
        query = query.where(Invoice.client_id == client_id)
    if member_id is not None:
        query = query.where(Invoice.member_id == member_id)
    if assignment_id is not None:
        query = query.where(Invoice.assignment_id == assignment_id)
    total = count_rows(session, query)
    order = (
        (Invoice.due_date, Invoice.id)
        if overdue_on is not None
        else (Invoice.year.desc(), Invoice.sequence.desc())
    )
    rows = session.scalars(query.order_by(*order).limit(limit).offset(offset)).all()
    return list(rows), total


def own_member_ids(session: Session, actor: User) -> list[int]:
    return list(session.scalars(select(Member.id).where(Member.user_id == actor.id)))


def refuse_own_invoice(session: Session, *, invoice: Invoice, actor: User, act: str) -> None:
    """Refuse (409 ``own_work``) when ``invoice`` is for the acting user's own assignment."""
    refuse_own_work(actor_id=actor.id, worker=session.get_one(Member, invoice.member_id), act=act)


def _locked_invoice(session: Session, *, invoice_id: int) -> Invoice:
    invoice = session.scalar(
        select(Invoice)
        .where(Invoice.id == invoice_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if invoice is None:
        raise NotFound(f"invoice {invoice_id} does not exist")
    return invoice


# --- parties as they stand at issue ----------------------------------------------------------------------


def _seller(cooperative: Cooperative) -> Seller:
    vat_number = cooperative.vat_number
    if not vat_number and cooperative.organisation_number:
        try:
            vat_number = swedish_vat_number(cooperative.organisation_number)
        except InvalidIdentifier:
            vat_number = None
    return Seller(
        name=cooperative.name,
        org_number=cooperative.organisation_number or "",
        vat_number=vat_number or "",
        f_skatt=cooperative.f_tax_approved,
        address=Address(
            street=cooperative.street or "",
            postal_code=cooperative.postal_code or "",
            city=cooperative.city or "",
            country=cooperative.country,
        ),
        bankgiro=cooperative.bankgiro or "",
        contact_name=cooperative.contact_name,
        email=cooperative.contact_email,
    )


def _sends_e_invoice(client: Client, buyer: Buyer) -> bool:
    """Whether the invoice is also made as Peppol UBL (invoicing.md, "Who gets an e-invoice").

    A buyer with a Peppol address gets one; everyone else gets the PDF, which is the invoice. A public-sector
    buyer must receive e-invoices (lag (2018:1277) om elektroniska fakturor till följd av offentlig
    upphandling), so without a Peppol address it is refused rather than sent a PDF.
    """
    if has_peppol_address(buyer):
        return True
    if client.public_sector:
        raise RuleViolation(
            f"{client.name} is a public-sector buyer and must receive an e-invoice (lag (2018:1277)); record "
            f"its Peppol address (peppol_scheme and peppol_id) or Swedish organisation number on client "
            f"{client.id}",
            code="peppol_address_missing",
            field="peppol_id",
        )
    return False


def _buyer(client: Client) -> Buyer:
    endpoint = (
        PeppolEndpoint(scheme=client.peppol_scheme, identifier=client.peppol_id)
        if client.peppol_scheme and client.peppol_id
        else None
    )
    return Buyer(
        name=client.name,
        address=Address(
            street=client.street or "",
            postal_code=client.postal_code or "",
            city=client.city or "",
            country=client.country,
        ),
        org_number=client.organisation_number,
        vat_number=client.vat_number,
        peppol_endpoint=endpoint,
        email=client.email,
        private_person=client.kind == ClientKind.person,
    )


def _rounds_to_krona(session: Session, *, on: date) -> bool:
    return value_in_force(session, key="invoice_rounding", on=on).value == "krona"
