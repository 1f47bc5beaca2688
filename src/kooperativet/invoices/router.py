from __future__ import annotations

from fastapi import APIRouter, File, UploadFile, status
from fastapi.responses import Response

from kooperativet.api.dependencies import DbSession, Now, Today, Window
from kooperativet.api.downloads import file_response
from kooperativet.api.idempotency import IdempotencyKey, idempotent
from kooperativet.api.problems import problem_responses
from kooperativet.api.types import Page
from kooperativet.auth.dependencies import CurrentUser, OfficeReader, TreasurerOrAdmin
from kooperativet.db import commit_now
from kooperativet.errors import NotFound, RuleViolation
from kooperativet.invoices import bank_import, payments, service
from kooperativet.invoices.models import InvoiceKind, InvoiceStatus
from kooperativet.invoices.schemas import (
    Camt054ImportResult,
    CreditNoteIssue,
    CreditNotePlanLine,
    CreditNotePlanRead,
    CreditNotePlanVat,
    InvoiceIssue,
    InvoiceRead,
    InvoiceSort,
    PaymentCreate,
    PaymentRead,
    UnmatchedBankEntryRead,
)
from kooperativet.invoices.service.credit_note import CreditNotePlan

router = APIRouter(prefix="/api/v1")

#: A camt.054 day file of a small cooperative is a few kB; 5 MB leaves room for a year of entries.
MAX_CAMT054_BYTES = 5 * 1024 * 1024


@router.post(
    "/invoices",
    response_model=InvoiceRead,
    tags=["invoices"],
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def issue_invoice(
    body: InvoiceIssue,
    user: TreasurerOrAdmin,
    session: DbSession,
    today: Today,
    clock: Now,
    key: IdempotencyKey = None,
) -> Response:
    """Issue an invoice dated today from an approved assignment, whole or in parts (treasurer or admin).
    The number is taken now, gap-free per year; the PDF/A-3b and Peppol UBL are stored with their SHA-256.
    Nobody invoices her own assignment (409 ``own_work``)."""

    def produce() -> InvoiceRead:
        invoice = service.issue_invoice(session, data=body, actor=user, today=today, now=clock)
        commit_now(session)  # committed first; the PDF is a worker's job (its SHA-256 is null until rendered)
        return InvoiceRead.from_model(invoice, today=today)

    return idempotent(
        session,
        key=key,
        user_id=user.id,
        operation="issue_invoice",
        request=body,
        status_code=status.HTTP_201_CREATED,
        produce=produce,
    )


@router.get("/invoices", tags=["invoices"], responses=problem_responses(401, 422))
def list_invoices(
    user: CurrentUser,
    session: DbSession,
    window: Window,
    today: Today,
    kind: InvoiceKind | None = None,
    status: InvoiceStatus | None = None,
    overdue: bool = False,
    client_id: int | None = None,
    member_id: int | None = None,
    assignment_id: int | None = None,
    sort: InvoiceSort | None = None,
) -> Page[InvoiceRead]:
    """Invoices and credit notes, newest number first (the overdue ones: oldest due date first); ``sort``:
    ``number``, ``issue_date`` or ``due_date``, a leading minus for newest first. A member sees those of
    their own assignments only."""
    rows, total = service.list_invoices(
        session,
        actor=user,
        limit=window.limit,
        offset=window.offset,
        kind=kind,
        status=status,
        overdue_on=today if overdue else None,
        client_id=client_id,
        member_id=member_id,
        assignment_id=assignment_id,
        sort=sort,
    )
    return window.page([InvoiceRead.from_model(invoice, today=today) for invoice in rows], total)


@router.get("/invoices/overdue", tags=["invoices"], responses=problem_responses(401, 422))
def list_overdue_invoices(
    user: CurrentUser, session: DbSession, window: Window, today: Today
) -> Page[InvoiceRead]:
    """Open or partly paid invoices past their due date, the oldest due first."""
    rows, total = service.list_invoices(
        session, actor=user, limit=window.limit, offset=window.offset, overdue_on=today
    )
    return window.page([InvoiceRead.from_model(invoice, today=today) for invoice in rows], total)


@router.get("/invoices/{invoice_id}", tags=["invoices"], responses=problem_responses(401, 404))
def get_invoice(invoice_id: int, user: CurrentUser, session: DbSession, today: Today) -> InvoiceRead:
    """One invoice or credit note with its lines and payment state."""
    return InvoiceRead.from_model(
        service.get_invoice(session, invoice_id=invoice_id, actor=user), today=today
    )


@router.get(
    "/invoices/{invoice_id}/pdf",
    tags=["invoices"],
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, **problem_responses(401, 404)},
)
def download_invoice_pdf(invoice_id: int, user: CurrentUser, session: DbSession) -> Response:
    """The stored PDF/A-3b (with the UBL embedded), byte for byte as issued; ``ETag`` is its SHA-256."""
    invoice = service.get_invoice(session, invoice_id=invoice_id, actor=user)
    pdf = service.invoice_pdf(session, invoice=invoice)
    return file_response(pdf, media_type="application/pdf", filename=f"{invoice.number}.pdf")


@router.get(
    "/invoices/{invoice_id}/ubl",
    tags=["invoices"],
    response_class=Response,
    responses={200: {"content": {"application/xml": {}}}, **problem_responses(401, 404)},
)
def download_invoice_ubl(invoice_id: int, user: CurrentUser, session: DbSession) -> Response:
    """The stored Peppol BIS Billing 3.0 UBL, byte for byte as issued; ``ETag`` is its SHA-256. An invoice
    made as a PDF only (``has_ubl`` false: the buyer has no Peppol address) answers 404 ``no_ubl``."""
    invoice = service.get_invoice(session, invoice_id=invoice_id, actor=user)
    if invoice.ubl is None or invoice.ubl_sha256 is None:
        raise NotFound(
            f"invoice {invoice.number} was issued as a PDF only: the buyer has no Peppol address, so there "
            "is no UBL",
            code="no_ubl",
        )
    return _document(invoice.ubl, invoice.ubl_sha256, "application/xml", f"{invoice.number}.xml")


def _document(content: bytes, sha256: str, media_type: str, filename: str) -> Response:
    return file_response(content, media_type=media_type, filename=filename, sha256=sha256)


@router.post(
    "/invoices/{invoice_id}/credit-notes/plan",
    response_model=CreditNotePlanRead,
    tags=["invoices"],
    responses=problem_responses(401, 403, 404, 409, 422),
)
def plan_credit_note(
    invoice_id: int, body: CreditNoteIssue, user: TreasurerOrAdmin, session: DbSession
) -> CreditNotePlanRead:
    """What the credit note ``body`` would hold if issued now, and its ``sha256``; nothing is written and no
    number is taken (treasurer or admin). Issue it with ``shown_sha256`` set to that ``sha256`` to have it
    refused (409 ``credit_note_changed``) if the invoice was paid or credited in between."""
    return credit_note_plan_read(
        service.plan_credit_note(session, invoice_id=invoice_id, data=body, actor=user)
    )


def credit_note_plan_read(plan: CreditNotePlan) -> CreditNotePlanRead:
    totals = plan.calculation.totals
    return CreditNotePlanRead(
        invoice_id=plan.invoice_id,
        lines=[
            CreditNotePlanLine(
                credits_line_id=draft.credits_line_id or 0,
                description=draft.line.description,
                quantity=draft.line.quantity,
                unit=draft.line.unit,
                unit_price=draft.line.unit_price,
                vat_category=draft.line.vat_category,
                vat_rate=draft.line.vat_rate,
                amount=calculated.amount,
            )
            for draft, calculated in zip(plan.drafts, plan.calculation.lines, strict=True)
        ],
        vat=[
            CreditNotePlanVat(
                vat_category=row.category,
                vat_rate=row.rate,
                taxable_amount=row.taxable_amount,
                tax_amount=row.tax_amount,
            )
            for row in plan.calculation.vat_breakdown
        ],
        net_total=totals.tax_exclusive_amount,
        vat_total=totals.tax_amount,
        rounding=totals.rounding_amount,
        payable=totals.payable_amount,
        reason=plan.reason or None,
        balance_after=plan.balance_after,
        sha256=plan.sha256,
    )


@router.post(
    "/invoices/{invoice_id}/credit-notes",
    response_model=InvoiceRead,
    tags=["invoices"],
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def issue_credit_note(
    invoice_id: int,
    body: CreditNoteIssue,
    user: TreasurerOrAdmin,
    session: DbSession,
    today: Today,
    clock: Now,
    key: IdempotencyKey = None,
) -> Response:
    """Credit an invoice in full (no ``parts``) or in part, by quantity or amount per line (treasurer or
    admin). The credit note takes the next number and refers to the original, which itself never changes.
    Nobody credits the invoice of her own assignment (409 ``own_work``). With ``shown_sha256`` (the
    ``sha256`` of ``…/credit-notes/plan``) a credit note that would differ now is refused, 409
    ``credit_note_changed``; without it, it is issued as computed now. ``reason`` stays optional here."""

    def produce() -> InvoiceRead:
        credit_note = service.issue_credit_note(
            session, invoice_id=invoice_id, data=body, actor=user, today=today, now=clock
        )
        commit_now(session)  # committed first; the PDF is a worker's job (its SHA-256 is null until rendered)
        return InvoiceRead.from_model(credit_note, today=today)

    return idempotent(
        session,
        key=key,
        user_id=user.id,
        operation=f"issue_credit_note:{invoice_id}",
        request=body,
        status_code=status.HTTP_201_CREATED,
        produce=produce,
    )


@router.post(
    "/payments",
    response_model=PaymentRead,
    tags=["payments"],
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def record_payment(
    body: PaymentCreate,
    user: TreasurerOrAdmin,
    session: DbSession,
    today: Today,
    clock: Now,
    key: IdempotencyKey = None,
) -> Response:
    """Record a payment against an invoice (treasurer or admin). More than is due is refused unless
    ``overpayment`` is true, a payment day after today is ``paid_in_the_future``, one before the invoice was
    issued is ``paid_before_issue`` unless ``prepayment`` is true; a payment for one's own assignment is a
    409 ``own_work``."""
    return idempotent(
        session,
        key=key,
        user_id=user.id,
        operation="record_payment",
        request=body,
        status_code=status.HTTP_201_CREATED,
        produce=lambda: PaymentRead.model_validate(
            payments.record_payment(session, data=body, actor=user, today=today, now=clock)
        ),
    )


@router.get("/payments", tags=["payments"], responses=problem_responses(401, 422))
def list_payments(
    user: CurrentUser, session: DbSession, window: Window, invoice_id: int | None = None
) -> Page[PaymentRead]:
    """Payments, newest first. A member sees payments on invoices of their own assignments."""
    rows, total = payments.list_payments(
        session, actor=user, limit=window.limit, offset=window.offset, invoice_id=invoice_id
    )
    return window.page([PaymentRead.model_validate(p) for p in rows], total)


@router.post("/payments/camt054", tags=["payments"], responses=problem_responses(401, 403, 413, 422))
def import_camt054(
    user: TreasurerOrAdmin,
    session: DbSession,
    clock: Now,
    file: UploadFile = File(description="a camt.054 XML file"),
) -> Camt054ImportResult:
    """Import the bank's camt.054 notification (treasurer or admin): booked credits are matched by OCR
    (exact amount → paid, less → partly paid, otherwise left unmatched). A credit for the importer's own
    assignment is left unmatched for another treasurer or an admin. Importing a file again changes nothing."""
    content = file.file.read(MAX_CAMT054_BYTES + 1)
    if len(content) > MAX_CAMT054_BYTES:
        raise RuleViolation("the file is over 5 MB", code="file_too_large", field="file")
    result = bank_import.import_camt054(session, content=content, actor=user, now=clock)
    return Camt054ImportResult.model_validate(result)


@router.get("/payments/unmatched", tags=["payments"], responses=problem_responses(401, 403, 422))
def list_unmatched_bank_entries(
    _user: OfficeReader, session: DbSession, window: Window
) -> Page[UnmatchedBankEntryRead]:
    """Booked credits that matched no invoice, for the treasurer to sort out (treasurer or admin)."""
    rows, total = payments.list_unmatched(session, limit=window.limit, offset=window.offset)
    return window.page([UnmatchedBankEntryRead.model_validate(e) for e in rows], total)
