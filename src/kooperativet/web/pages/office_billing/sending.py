"""Sending an invoice or credit note to the client from its page, the history of sendings, its payment
reminders, stopping and resuming them, and the list of every reminder; the same services as the API's."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from kooperativet.api.dependencies import DbSession, Now, Today, Window
from kooperativet.api.downloads import file_response
from kooperativet.documents.pipeline import stored_pdf
from kooperativet.errors import DomainError
from kooperativet.invoices import service
from kooperativet.invoices.mailing import dispatch, reminders, stops
from kooperativet.invoices.mailing.reminder_pdf import REMINDER_PDF
from kooperativet.invoices.models import Invoice, InvoiceKind
from kooperativet.invoices.service.read import UNPAID
from kooperativet.web.dependencies import CheckedForm
from kooperativet.web.forms import FormRejected, PageRoute, Posted
from kooperativet.web.notices import done
from kooperativet.web.pages.office_billing.common import (
    OfficeReader,
    OfficeUser,
    paging,
    see_other,
    service_errors,
    text,
)
from kooperativet.web.pages.office_billing.words import page
from kooperativet.web.reads import office_billing as reads

router = APIRouter(include_in_schema=False, route_class=PageRoute)


def sending_context(session: Session, found: Invoice) -> dict[str, Any]:
    """What the invoice page shows of its sendings and reminders."""
    return {
        "dispatches": dispatch.dispatches_of(session, invoice_ids=[found.id])[found.id],
        "reminders": reminders.reminders_of(session, invoice_id=found.id),
        "reminder_stops": reminders.stops_of(session, invoice_id=found.id),
        "reminders_stopped": reminders.current_stop(session, invoice_id=found.id) is not None,
        "remindable": found.kind == InvoiceKind.invoice,
        # Paid or credited, no reminder comes any more: nothing to stop or resume, the history stays.
        "reminders_can_stop": found.kind == InvoiceKind.invoice and found.status in UNPAID,
    }


@router.post("/office/invoices/{invoice_id}/send", dependencies=[CheckedForm])
def send(
    request: Request, invoice_id: int, user: OfficeUser, session: DbSession, now: Now, today: Today
) -> Response:
    found = service.get_invoice(session, invoice_id=invoice_id, actor=user)
    try:
        dispatch.send_document(session, invoice=found, actor=user, now=now)
    except DomainError as exc:
        raise FormRejected(
            _shown(request, session, found, user, today, service_errors(request, exc))
        ) from exc
    return see_other(done(f"/office/invoices/{invoice_id}#sending", "invoice_sent"))


@router.post("/office/invoices/{invoice_id}/reminders/stop", dependencies=[CheckedForm])
def stop(
    request: Request,
    invoice_id: int,
    user: OfficeUser,
    session: DbSession,
    form: Posted,
    now: Now,
    today: Today,
) -> Response:
    found = service.get_invoice(session, invoice_id=invoice_id, actor=user)
    try:
        stops.stop_reminders(session, invoice=found, actor=user, reason=text(form, "reason"), now=now)
    except DomainError as exc:
        errors = service_errors(request, exc, {"reason": "reason"})
        raise FormRejected(_shown(request, session, found, user, today, errors)) from exc
    return see_other(done(f"/office/invoices/{invoice_id}#reminders", "reminders_stopped"))


@router.post("/office/invoices/{invoice_id}/reminders/resume", dependencies=[CheckedForm])
def resume(
    request: Request, invoice_id: int, user: OfficeUser, session: DbSession, now: Now, today: Today
) -> Response:
    found = service.get_invoice(session, invoice_id=invoice_id, actor=user)
    try:
        stops.resume_reminders(session, invoice=found, actor=user, now=now)
    except DomainError as exc:
        raise FormRejected(
            _shown(request, session, found, user, today, service_errors(request, exc))
        ) from exc
    return see_other(done(f"/office/invoices/{invoice_id}#reminders", "reminders_resumed"))


@router.get("/office/reminders")
def reminder_list(request: Request, user: OfficeReader, session: DbSession, window: Window) -> Response:
    rows, total = reminders.list_reminders(session, limit=window.limit, offset=window.offset)
    numbers = reads.invoice_numbers(session, invoice_ids=[row.invoice_id for row in rows])
    return page(
        request, "office/reminders.html", {"rows": rows, "numbers": numbers, "paging": paging(window, total)}
    )


@router.get("/office/reminders/{reminder_id}/pdf")
def reminder_pdf(reminder_id: int, user: OfficeReader, session: DbSession) -> Response:
    reminder = reminders.get_reminder(session, reminder_id=reminder_id)
    pdf = stored_pdf(session, REMINDER_PDF, reminder)
    return file_response(
        pdf, media_type="application/pdf", filename=f"{reminder.number}.pdf", sha256=reminder.pdf_sha256
    )


def _shown(
    request: Request, session: Session, found: Invoice, user: Any, today: Any, errors: dict[str, str]
) -> Response:
    from kooperativet.web.pages.office_billing.invoices import invoice_shown

    return invoice_shown(request, session, found, user=user, today=today, errors=errors)
