"""Payments: record one by hand, import the bank's camt.054 file, and sort out the bank entries nobody could
match (assign one to an invoice, or mark it not ours); the same services as ``/api/v1/payments``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.responses import Response

from kooperativet.api.dependencies import DbSession, Now, Today, Window
from kooperativet.auth.models import User
from kooperativet.errors import DomainError, RuleViolation
from kooperativet.invoices import bank_import, payments, unmatched_entries
from kooperativet.invoices.router import MAX_CAMT054_BYTES
from kooperativet.invoices.schemas import BankEntryAssign, BankEntryNotOurs
from kooperativet.web.dependencies import CheckedForm
from kooperativet.web.forms import FormRejected, PageRoute, Posted, stored_integer
from kooperativet.web.i18n import request_language
from kooperativet.web.notices import done
from kooperativet.web.pages.office_billing.common import (
    OfficeReader,
    OfficeUser,
    optional,
    paging,
    schema_errors,
    see_other,
    service_errors,
    text,
    ticked,
)
from kooperativet.web.pages.office_billing.invoices import payment_from, payment_values
from kooperativet.web.pages.office_billing.words import page
from kooperativet.web.paging import page_count
from kooperativet.web.reads import office_billing as reads

router = APIRouter(include_in_schema=False, route_class=PageRoute)
#: The counts an import reports, carried to the page that shows them.
PAYMENTS_PER_PAGE = 50
IMPORT_COUNTS = ("matched", "partly_paid", "unmatched", "already_imported")


@router.get("/office/payments")
def payments_page(
    request: Request,
    user: OfficeReader,
    session: DbSession,
    window: Window,
    today: Today,
    after: int | None = None,
    # ``?page=`` of the payments; not ``page``, which is this module's way to render a page.
    page_asked: Annotated[int, Query(alias="page")] = 1,
) -> Response:
    imported = {name: request.query_params.get(name) for name in IMPORT_COUNTS}
    context = _context(session, user=user, window=window, today=today, page=page_asked)
    counts = {name: stored_integer(value or "") for name, value in imported.items()}
    if after is not None and all(count is not None for count in counts.values()):
        context["imported"] = counts
        context["left_unmatched"] = reads.unmatched_after(session, entry_id=after)
    return page(request, "office/payments.html", context)


@router.post("/office/payments", dependencies=[CheckedForm])
def record_payment(
    request: Request,
    user: OfficeUser,
    session: DbSession,
    form: Posted,
    window: Window,
    today: Today,
    now: Now,
) -> Response:
    values = {**payment_values(form), "invoice_id": text(form, "invoice_id")}
    shown = _context(session, user=user, window=window, today=today)
    try:
        data = payment_from(values, invoice_id=values["invoice_id"], language=request_language(request))
        payments.record_payment(session, data=data, actor=user, today=today, now=now)
    except ValidationError as exc:
        raise FormRejected(_shown(request, shown, schema_errors(request, exc), payment=values)) from exc
    except DomainError as exc:
        raise FormRejected(_shown(request, shown, service_errors(request, exc), payment=values)) from exc
    return see_other(done("/office/payments", "payment_recorded"))


@router.post("/office/payments/camt054", dependencies=[CheckedForm])
def import_camt054(
    request: Request,
    user: OfficeUser,
    session: DbSession,
    window: Window,
    today: Today,
    now: Now,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    shown = _context(session, user=user, window=window, today=today)
    before = reads.last_unmatched_id(session)
    try:
        content = file.file.read(MAX_CAMT054_BYTES + 1) if file is not None else b""
        if not content:
            raise RuleViolation("choose the bank's file", code="no_file", field="file")
        if len(content) > MAX_CAMT054_BYTES:
            raise RuleViolation("the file is over 5 MB", code="file_too_large", field="file")
        result = bank_import.import_camt054(session, content=content, actor=user, now=now)
    except DomainError as exc:
        raise FormRejected(_shown(request, shown, service_errors(request, exc))) from exc
    counts = "&".join(f"{name}={getattr(result, name)}" for name in IMPORT_COUNTS)
    return see_other(f"/office/payments?{counts}&after={before}#import")


@router.post("/office/payments/unmatched/{entry_id}/assign", dependencies=[CheckedForm])
def assign_entry(
    request: Request,
    entry_id: int,
    user: OfficeUser,
    session: DbSession,
    form: Posted,
    window: Window,
    today: Today,
    now: Now,
) -> Response:
    values = {
        "invoice_id": text(form, "invoice_id"),
        "paid_on": text(form, "paid_on"),
        "overpayment": ticked(form, "overpayment"),
        "prepayment": ticked(form, "prepayment"),
    }
    shown = _context(session, user=user, window=window, today=today)
    try:
        data = BankEntryAssign.model_validate({**values, "paid_on": optional(form, "paid_on")})
        unmatched_entries.assign_entry(
            session, entry_id=entry_id, data=data, actor=user, today=today, now=now
        )
    except ValidationError as exc:
        errors = _of_entry(shown, entry_id, schema_errors(request, exc))
        raise FormRejected(_shown(request, shown, errors, entry={entry_id: values})) from exc
    except DomainError as exc:
        if exc.status == 404:  # no such entry (or invoice): the 404 page, as for any id that names nothing
            raise
        errors = _of_entry(shown, entry_id, service_errors(request, exc))
        raise FormRejected(_shown(request, shown, errors, entry={entry_id: values})) from exc
    return see_other(done("/office/payments", "entry_assigned"))


@router.post("/office/payments/unmatched/{entry_id}/not-ours", dependencies=[CheckedForm])
def mark_not_ours(
    request: Request,
    entry_id: int,
    user: OfficeUser,
    session: DbSession,
    form: Posted,
    window: Window,
    today: Today,
    now: Now,
) -> Response:
    values = {"reason": text(form, "reason")}
    shown = _context(session, user=user, window=window, today=today)
    try:
        data = BankEntryNotOurs.model_validate(values)
        unmatched_entries.mark_not_ours(session, entry_id=entry_id, data=data, actor=user, now=now)
    except ValidationError as exc:
        errors = _of_entry(shown, entry_id, schema_errors(request, exc))
        raise FormRejected(_shown(request, shown, errors, entry={entry_id: values})) from exc
    except DomainError as exc:
        if exc.status == 404:  # no such entry: the 404 page, as for any id that names nothing
            raise
        errors = _of_entry(shown, entry_id, service_errors(request, exc))
        raise FormRejected(_shown(request, shown, errors, entry={entry_id: values})) from exc
    return see_other(done("/office/payments", "entry_not_ours"))


def _context(session: Session, *, user: User, window: Any, today: Any, page: int = 1) -> dict[str, Any]:
    """The page's lists: open invoices to pay, bank entries (still to sort out first), and every payment
    recorded, newest first, a page (``?page=``) at a time."""
    entries, total = payments.list_unmatched(session, limit=window.limit, offset=window.offset)
    recent, page, pages = _payments_page(session, user, page)
    return {
        "open_invoices": reads.open_invoices(session),
        "entries": entries,
        "paging": paging(window, total),
        "recent": recent,
        "payments_page": page,
        "payments_pages": pages,
        "paid_invoices": reads.invoices_paid(session, invoice_ids=(p.invoice_id for p in recent)),
        "today": today,
    }


def _payments_page(session: Session, user: User, page: int) -> tuple[list[Any], int, int]:
    """Page ``page`` of the payments (newest first), the page shown and how many there are. Not only the
    latest: the auditor at year end matches every payment of the year against the bank's statement. A page
    past the last (an old bookmark) shows the last."""
    page = max(page, 1)
    rows, total = payments.list_payments(
        session, actor=user, limit=PAYMENTS_PER_PAGE, offset=(page - 1) * PAYMENTS_PER_PAGE
    )
    pages = page_count(total, PAYMENTS_PER_PAGE)
    if page > pages:
        return _payments_page(session, user, pages)
    return list(rows), page, pages


def _shown(
    request: Request,
    shown: dict[str, Any],
    errors: dict[str, str],
    *,
    payment: dict[str, Any] | None = None,
    entry: dict[int, dict[str, Any]] | None = None,
) -> Response:
    context = {**shown, "errors": errors, "payment": payment or {}, "entry_values": entry or {}}
    return page(request, "office/payments.html", context, status=422)


def _of_entry(shown: dict[str, Any], entry_id: int, errors: dict[str, str]) -> dict[str, str]:
    """Errors of one entry's form, keyed ``<entry id>.<field>`` so that they sit by that entry's fields. An
    entry the page does not show open (dealt with in another tab since this one was read, or on another page
    of the list) has no form to sit by: its refusal is said at the top of the page, or nothing would be."""
    if not any(entry.id == entry_id and entry.resolution is None for entry in shown["entries"]):
        return {"form": next(iter(errors.values()))}
    return {f"{entry_id}.{field}": message for field, message in errors.items()}
