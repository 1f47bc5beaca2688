"""Invoices: the list (all, unpaid, overdue), issuing one for an approved commission (whole or in part), an
invoice with its documents and payments; the same services as ``/api/v1/invoices``. Crediting one is in
``credit_notes``."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from kooperativet.api.dependencies import DbSession, Now, Today, Window
from kooperativet.api.downloads import file_response
from kooperativet.assignments import service as assignments_service
from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.assignments.schemas import AssignmentRead, AssignmentSort
from kooperativet.auth.models import User
from kooperativet.errors import DomainError, NotFound
from kooperativet.exports import service as exports_service
from kooperativet.invoices import payments, service
from kooperativet.invoices.models import Invoice, InvoiceKind, InvoiceStatus
from kooperativet.invoices.schemas import InvoiceIssue, InvoiceSort, PaymentCreate
from kooperativet.invoices.service.read import UNPAID
from kooperativet.web.dependencies import CheckedForm
from kooperativet.web.forms import FormRejected, PageRoute, Posted, amount_text, decimal_text, stored_integer
from kooperativet.web.i18n import N_, request_language
from kooperativet.web.notices import done
from kooperativet.web.pages.office_billing.common import (
    OfficeReader,
    OfficeUser,
    paging,
    schema_errors,
    see_other,
    service_errors,
    text,
    ticked,
)
from kooperativet.web.pages.office_billing.sending import sending_context
from kooperativet.web.pages.office_billing.words import page
from kooperativet.web.reads import office_billing as reads
from kooperativet.web.refusals import REFUSALS
from kooperativet.web.templating import gettext
from kooperativet.workflows.commission_read import read_assignment

router = APIRouter(include_in_schema=False, route_class=PageRoute)

#: More invoices than a commission is ever split into; the page links them all.
INVOICES_OF_A_COMMISSION = 100
#: A payment sent from a page read before the invoice was settled in another tab (``_said_without_form``).
PAID_MEANWHILE = N_("Nothing was recorded: the invoice was paid in full after you opened the page.")
CREDITED_MEANWHILE = N_(
    "Nothing was recorded: the invoice was credited after you opened the page, so nothing is due on it."
)
NOTHING_TYPED = N_("Fill in how much to invoice now, on at least one line.")


class Show(StrEnum):
    all = "all"
    unpaid = "unpaid"
    overdue = "overdue"


@router.get("/office/invoices")
def invoices(
    request: Request,
    user: OfficeReader,
    session: DbSession,
    window: Window,
    today: Today,
    show: Show = Show.all,
) -> Response:
    rows, total = service.list_invoices(
        session,
        actor=user,
        limit=window.limit,
        offset=window.offset,
        unpaid=show == Show.unpaid,
        overdue_on=today if show == Show.overdue else None,
    )
    names = reads.names(
        session, client_ids=(r.client_id for r in rows), member_ids=(r.member_id for r in rows)
    )
    # The invoices the page's credit notes credit, by number: one statement for the page, none without any.
    refers_to = reads.invoice_numbers(session, invoice_ids=(r.refers_to_id for r in rows if r.refers_to_id))
    return page(
        request,
        "office/invoices.html",
        {
            "rows": rows,
            "names": names,
            "refers_to": refers_to,
            "show": show,
            "today": today,
            "paging": paging(window, total),
        },
    )


@router.get("/office/invoices/new")
def new_invoice(
    request: Request, user: OfficeUser, session: DbSession, assignment_id: int | None = None
) -> Response:
    """Without a commission: the approved ones to choose from; with one: its lines and what is left."""
    if assignment_id is None:
        approved, _ = assignments_service.list_assignments(
            session,
            actor=user,
            limit=100,
            offset=0,
            status=AssignmentStatus.approved,
            sort=AssignmentSort.created,
        )
        return page(request, "office/invoice_choose.html", {"approved": approved})
    commission = _commission(session, assignment_id=assignment_id, actor=user)
    language = request_language(request)
    values: dict[str, Any] = {
        f"quantity-{line.id}": _typed(line.remaining_quantity, language) for line in commission.lines
    }
    return _issue_form(request, session, user, commission, values={**values, "include_expenses": True})


@router.post("/office/invoices/new", dependencies=[CheckedForm])
def issue_invoice(
    request: Request, user: OfficeUser, session: DbSession, form: Posted, today: Today, now: Now
) -> Response:
    commission = _commission(session, assignment_id=_id(text(form, "assignment_id")), actor=user)
    language = request_language(request)
    values: dict[str, Any] = {
        f"quantity-{line.id}": text(form, f"quantity-{line.id}") for line in commission.lines
    }
    values["include_expenses"] = ticked(form, "include_expenses")
    if not _left_to_invoice(commission):  # the form again after issuing it (back, a second tab)
        errors = {"form": gettext(request, REFUSALS["nothing_to_invoice"])}
        raise FormRejected(_issue_form(request, session, user, commission, values=values, errors=errors))
    parts: list[dict[str, str | int]] = []
    fields: dict[str, str] = {}
    for line in commission.lines:
        typed = decimal_text(values[f"quantity-{line.id}"], language)
        if typed and _is_not_zero(typed):
            fields[f"parts.{len(parts)}.quantity"] = f"quantity-{line.id}"
            fields[f"parts[{len(parts)}].quantity"] = f"quantity-{line.id}"
            parts.append({"assignment_line_id": line.id, "quantity": typed})
    if not parts:  # every line left empty: nothing to invoice now, said by the first line still to invoice
        first = next(line for line in commission.lines if line.remaining_quantity > 0)
        errors = {f"quantity-{first.id}": gettext(request, NOTHING_TYPED)}
        raise FormRejected(_issue_form(request, session, user, commission, values=values, errors=errors))
    try:
        data = InvoiceIssue.model_validate(
            {"assignment_id": commission.id, "parts": parts, "include_expenses": values["include_expenses"]}
        )
        invoice = service.issue_invoice(session, data=data, actor=user, today=today, now=now)
    except ValidationError as exc:
        errors = schema_errors(request, exc, {**fields, "parts": "form"})
        raise FormRejected(
            _issue_form(request, session, user, commission, values=values, errors=errors)
        ) from exc
    except DomainError as exc:
        errors = service_errors(request, exc, {**fields, "parts": "form", "buyer_reference": "form"})
        raise FormRejected(
            _issue_form(request, session, user, commission, values=values, errors=errors)
        ) from exc
    return see_other(done(f"/office/invoices/{invoice.id}", "invoice_issued"))


@router.get("/office/invoices/{invoice_id}")
def invoice(
    request: Request, invoice_id: int, user: OfficeReader, session: DbSession, today: Today
) -> Response:
    found = service.get_invoice(session, invoice_id=invoice_id, actor=user)
    return _invoice_page(request, session, found, user=user, today=today)


@router.get("/office/invoices/{invoice_id}/pdf")
def invoice_pdf(invoice_id: int, user: OfficeReader, session: DbSession) -> Response:
    found = service.get_invoice(session, invoice_id=invoice_id, actor=user)
    pdf = service.invoice_pdf(session, invoice=found)
    return file_response(
        pdf, media_type="application/pdf", filename=f"{found.number}.pdf", sha256=found.pdf_sha256
    )


@router.get("/office/invoices/{invoice_id}/ubl")
def invoice_ubl(invoice_id: int, user: OfficeReader, session: DbSession) -> Response:
    found = service.get_invoice(session, invoice_id=invoice_id, actor=user)
    if found.ubl is None or found.ubl_sha256 is None:
        raise NotFound(f"invoice {found.number} has no UBL", code="no_ubl")
    return file_response(
        found.ubl, media_type="application/xml", filename=f"{found.number}.xml", sha256=found.ubl_sha256
    )


@router.post("/office/invoices/{invoice_id}/payments", dependencies=[CheckedForm])
def record_payment(
    request: Request,
    invoice_id: int,
    user: OfficeUser,
    session: DbSession,
    form: Posted,
    today: Today,
    now: Now,
) -> Response:
    found = service.get_invoice(session, invoice_id=invoice_id, actor=user)
    values = payment_values(form)
    shown = _invoice_context(session, found, user=user, today=today)  # as it was before the payment
    try:
        data = payment_from(values, invoice_id=invoice_id, language=request_language(request))
        payments.record_payment(session, data=data, actor=user, today=today, now=now)
    except ValidationError as exc:
        errors = _said_without_form(request, shown, schema_errors(request, exc, {"paid_on": "paid_on"}))
        raise FormRejected(_invoice_shown(request, shown, errors=errors, values=values)) from exc
    except DomainError as exc:
        errors = _said_without_form(request, shown, service_errors(request, exc, {"invoice_id": "form"}))
        raise FormRejected(_invoice_shown(request, shown, errors=errors, values=values)) from exc
    return see_other(done(f"/office/invoices/{invoice_id}", "payment_recorded"))


def _said_without_form(request: Request, shown: dict[str, Any], errors: dict[str, str]) -> dict[str, str]:
    """The refusal of a payment typed on a page read before the invoice was paid in full or credited in
    another tab: the page shown now has no payment form, so a message by one of its fields would not be on
    it and the payment would vanish unexplained. Said for the whole page instead, with why."""
    if shown["payable_now"]:
        return errors
    credited = shown["invoice"].status == InvoiceStatus.credited
    return {"form": gettext(request, CREDITED_MEANWHILE if credited else PAID_MEANWHILE)}


def payment_values(form: FormData) -> dict[str, Any]:
    return {
        "amount": text(form, "amount"),
        "paid_on": text(form, "paid_on"),
        "reference": text(form, "reference"),
        "overpayment": ticked(form, "overpayment"),
        "prepayment": ticked(form, "prepayment"),
    }


def payment_from(values: dict[str, Any], *, invoice_id: Any, language: str) -> PaymentCreate:
    """The payment as the API reads it, from what the person typed (``1 250,50`` in Swedish)."""
    return PaymentCreate.model_validate(
        {
            "invoice_id": invoice_id,
            "amount": amount_text(values["amount"], language),
            "paid_on": values["paid_on"],
            "reference": values["reference"] or None,
            "overpayment": values["overpayment"],
            "prepayment": values["prepayment"],
        }
    )


def _commission(session: Session, *, assignment_id: int, actor: User) -> AssignmentRead:
    return read_assignment(
        session, assignments_service.get_assignment(session, assignment_id=assignment_id, actor=actor)
    )


def _issue_form(
    request: Request,
    session: Session,
    user: User,
    commission: AssignmentRead,
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> Response:
    """The form of what is left to invoice; with nothing left, the invoices that took it instead."""
    context = {
        "commission": commission,
        "values": values,
        "errors": errors or {},
        "left_to_invoice": _left_to_invoice(commission),
        "invoices": [] if _left_to_invoice(commission) else _invoices_of(session, user, commission),
    }
    return page(request, "office/invoice_new.html", context, status=422 if errors else 200)


def _invoices_of(session: Session, user: User, commission: AssignmentRead) -> list[Invoice]:
    """The commission's invoices (not its credit notes), in number order: what took all there was."""
    invoices, _ = service.list_invoices(
        session,
        actor=user,
        kind=InvoiceKind.invoice,
        assignment_id=commission.id,
        sort=InvoiceSort.number,
        limit=INVOICES_OF_A_COMMISSION,
        offset=0,
    )
    return invoices


def _left_to_invoice(commission: AssignmentRead) -> bool:
    return any(line.remaining_quantity > 0 for line in commission.lines)


def _invoice_context(session: Session, found: Invoice, *, user: User, today: Any) -> dict[str, Any]:
    paid, _ = payments.list_payments(session, actor=user, limit=100, offset=0, invoice_id=found.id)
    names = reads.names(session, client_ids=[found.client_id], member_ids=[found.member_id])
    remaining: dict[int, Decimal] = {}
    if found.kind == InvoiceKind.invoice:
        assignment = assignments_service.get_assignment(
            session, assignment_id=found.assignment_id, actor=user
        )
        remaining = service.remaining_quantities(session, assignment=assignment)
    return {
        "invoice": found,
        "overdue": found.is_overdue_on(today),
        "client_name": names.clients.get(found.client_id, ""),
        "member_name": names.members.get(found.member_id, ""),
        "payments": paid,
        "credit_notes": reads.credit_notes_of(session, invoice_id=found.id),
        "refers_to": reads.invoice_numbers(
            session, invoice_ids=[found.refers_to_id] if found.refers_to_id else []
        ),
        "left_to_invoice": any(quantity > 0 for quantity in remaining.values()),
        "reason": _reason_of(found),
        "payable_now": found.kind == InvoiceKind.invoice and found.status in UNPAID,
        # A credit note of work a payslip had already paid: said where the treasurer lands after issuing it.
        "paid_as_salary": (
            exports_service.credit_note_paid_as_salary(session, credit_note_id=found.id)
            if found.kind == InvoiceKind.credit_note
            else None
        ),
        "today": today,
        **sending_context(session, found),
    }


def _reason_of(found: Invoice) -> str:
    """A credit note's reason, as its PDF prints it (the snapshot's notes); an invoice has none to show."""
    if found.kind != InvoiceKind.credit_note:
        return ""
    notes = found.snapshot.get("notes") or []
    return "\n".join(str(note) for note in notes)


def _invoice_page(request: Request, session: Session, found: Invoice, *, user: User, today: Any) -> Response:
    return _invoice_shown(request, _invoice_context(session, found, user=user, today=today))


def invoice_shown(
    request: Request, session: Session, found: Invoice, *, user: User, today: Any, errors: dict[str, str]
) -> Response:
    """The invoice page with a refusal of one of its forms (sending, reminders)."""
    return _invoice_shown(request, _invoice_context(session, found, user=user, today=today), errors=errors)


def _invoice_shown(
    request: Request,
    shown: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    context = {**shown, "errors": errors or {}, "values": values or {"paid_on": shown["today"].isoformat()}}
    return page(request, "office/invoice.html", context, status=422 if errors else 200)


def _typed(quantity: Decimal, language: str) -> str:
    """A quantity as a person would type it: no trailing zeros, a decimal comma in Swedish (``2,5``)."""
    if quantity <= 0:
        return ""
    typed = format(quantity.normalize(), "f")
    return typed.replace(".", ",") if language == "sv" else typed


def _is_not_zero(typed: str) -> bool:
    try:
        return Decimal(typed) != 0
    except ArithmeticError:
        return True  # not a number: the schema says so by the field


def _id(value: str) -> int:
    number = stored_integer(value)
    if number is None:  # a tampered form: it names no commission
        raise NotFound("no such commission")
    return number
