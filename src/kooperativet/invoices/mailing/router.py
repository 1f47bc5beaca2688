"""Sending invoices and credit notes to the client, their sendings, and the payment reminders."""

from __future__ import annotations

from fastapi import APIRouter, status
from fastapi.responses import Response

from kooperativet.api.dependencies import DbSession, Now, Window
from kooperativet.api.downloads import file_response
from kooperativet.api.problems import problem_responses
from kooperativet.api.types import Page
from kooperativet.auth.dependencies import OfficeReader, TreasurerOrAdmin
from kooperativet.documents.pipeline import stored_pdf
from kooperativet.invoices import service
from kooperativet.invoices.mailing import dispatch, reminders, stops
from kooperativet.invoices.mailing.reminder_pdf import REMINDER_PDF
from kooperativet.invoices.mailing.schemas import (
    DispatchRead,
    ReminderRead,
    SendRequest,
    StopRead,
    StopRequest,
)

router = APIRouter(prefix="/api/v1")


@router.post(
    "/invoices/{invoice_id}/send",
    tags=["invoices"],
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(401, 403, 404, 422),
)
def send_invoice(
    invoice_id: int, user: TreasurerOrAdmin, session: DbSession, clock: Now, body: SendRequest | None = None
) -> DispatchRead:
    """E-mail an issued invoice or credit note to the client's invoice address (or ``to``), with its PDF and,
    when the client asked for XML by e-mail and there is one, its UBL (treasurer or admin). Accepted: the
    message is queued and sent by a worker; ``state`` says what became of it. Sending again is recorded
    again. A client with no address is a 422 ``no_invoice_address``."""
    invoice = service.get_invoice(session, invoice_id=invoice_id, actor=user)
    row = dispatch.send_document(
        session, invoice=invoice, actor=user, now=clock, to=body.to if body is not None else None
    )
    (record,) = [
        r for r in dispatch.dispatches_of(session, invoice_ids=[invoice.id])[invoice.id] if r.dispatch is row
    ]
    return DispatchRead.of(record)


@router.get(
    "/invoices/{invoice_id}/dispatches", tags=["invoices"], responses=problem_responses(401, 403, 404)
)
def list_dispatches(invoice_id: int, user: OfficeReader, session: DbSession) -> list[DispatchRead]:
    """Every sending of the invoice and of its reminders, newest first, with its result."""
    invoice = service.get_invoice(session, invoice_id=invoice_id, actor=user)
    return [DispatchRead.of(r) for r in dispatch.dispatches_of(session, invoice_ids=[invoice.id])[invoice.id]]


@router.get("/invoices/{invoice_id}/reminders", tags=["invoices"], responses=problem_responses(401, 403, 404))
def list_invoice_reminders(invoice_id: int, user: OfficeReader, session: DbSession) -> list[ReminderRead]:
    """The payment reminders of an invoice, the first first."""
    invoice = service.get_invoice(session, invoice_id=invoice_id, actor=user)
    return [ReminderRead.of(r) for r in reminders.reminders_of(session, invoice_id=invoice.id)]


@router.get("/reminders", tags=["invoices"], responses=problem_responses(401, 403, 422))
def list_reminders(_user: OfficeReader, session: DbSession, window: Window) -> Page[ReminderRead]:
    """Every payment reminder, the newest first."""
    rows, total = reminders.list_reminders(session, limit=window.limit, offset=window.offset)
    return window.page([ReminderRead.of(r) for r in rows], total)


@router.get(
    "/reminders/{reminder_id}/pdf",
    tags=["invoices"],
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, **problem_responses(401, 403, 404)},
)
def download_reminder_pdf(reminder_id: int, _user: OfficeReader, session: DbSession) -> Response:
    """The reminder's PDF/A, byte for byte as stored; ``ETag`` is its SHA-256."""
    reminder = reminders.get_reminder(session, reminder_id=reminder_id)
    pdf = stored_pdf(session, REMINDER_PDF, reminder)
    return file_response(pdf, media_type="application/pdf", filename=f"{reminder.number}.pdf")


@router.post(
    "/invoices/{invoice_id}/reminder-stop",
    tags=["invoices"],
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def stop_reminders(
    invoice_id: int, body: StopRequest, user: TreasurerOrAdmin, session: DbSession, clock: Now
) -> StopRead:
    """Stop payment reminders for the invoice, saying why (treasurer or admin); 409 when already stopped."""
    invoice = service.get_invoice(session, invoice_id=invoice_id, actor=user)
    stop = stops.stop_reminders(session, invoice=invoice, actor=user, reason=body.reason, now=clock)
    return StopRead.model_validate(stop)


@router.post(
    "/invoices/{invoice_id}/reminder-stop/resume",
    tags=["invoices"],
    responses=problem_responses(401, 403, 404, 409),
)
def resume_reminders(invoice_id: int, user: TreasurerOrAdmin, session: DbSession, clock: Now) -> StopRead:
    """Resume payment reminders for the invoice; the stop stays on record with who resumed it and when."""
    invoice = service.get_invoice(session, invoice_id=invoice_id, actor=user)
    return StopRead.model_validate(stops.resume_reminders(session, invoice=invoice, actor=user, now=clock))
