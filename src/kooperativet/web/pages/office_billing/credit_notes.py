"""Crediting an invoice from the office, in two deliberate steps (invoicing.md, "Credit notes"): the form,
where the treasurer chooses everything not credited yet or fills in lines and writes why, and the
confirmation, which shows exactly the credit note that will be issued. An issued credit note never changes,
so nothing is chosen for her and nothing is issued before she has seen it.

The confirmation carries the plan's fingerprint (``service.plan_credit_note``'s ``sha256``): if the invoice
was paid or credited in between, issuing is refused and the new plan is shown instead. The same services as
``/api/v1/invoices/{id}/credit-notes``; only the web requires a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from kooperativet.api.dependencies import DbSession, Now, Today
from kooperativet.auth.models import User
from kooperativet.errors import DomainError, NotFound
from kooperativet.invoices import service
from kooperativet.invoices.models import Invoice, InvoiceKind
from kooperativet.invoices.schemas import CreditNoteIssue
from kooperativet.web.dependencies import CheckedForm
from kooperativet.web.forms import FormRejected, PageRoute, Posted, amount_text, decimal_text
from kooperativet.web.i18n import N_, request_language
from kooperativet.web.notices import done
from kooperativet.web.pages.office_billing.common import (
    OfficeUser,
    schema_errors,
    see_other,
    service_errors,
    text,
    ticked,
)
from kooperativet.web.pages.office_billing.words import page
from kooperativet.web.templating import gettext

router = APIRouter(include_in_schema=False, route_class=PageRoute)

REASON_MISSING = N_("Write why the invoice is credited: the reason is printed on the credit note.")
NOTHING_CHOSEN = N_("Choose everything not credited yet, or fill in what to credit on at least one line.")
BOTH_CHOSEN = N_(
    "You chose everything not credited yet and filled in lines as well: choose one of them (empty the lines, "
    "or untick everything)."
)
#: A line with both a quantity and an amount: the schema's "give either quantity or amount" would otherwise
#: be said as a bare "the value is not valid", which does not tell her which box to empty.
QUANTITY_AND_AMOUNT = N_("Fill in a quantity or an amount for this line, not both.")
PLAN_CHANGED = N_(
    "The invoice has changed since you looked at the credit note (a payment or another credit note): nothing "
    "was issued. Below is the credit note as it would be now; check it and confirm again."
)
WHAT = ("quantity", "amount")
SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass
class _Request:
    """What the form asks for, as the API reads it, with the form field of each schema path."""

    data: CreditNoteIssue
    fields: dict[str, str] = field(default_factory=dict)


@router.get("/office/invoices/{invoice_id}/credit")
def credit_form(request: Request, invoice_id: int, user: OfficeUser, session: DbSession) -> Response:
    """The empty form: nothing is chosen for the treasurer."""
    found = _creditable(session, invoice_id=invoice_id, actor=user)
    return _form_page(request, found, values={})


@router.post("/office/invoices/{invoice_id}/credit", dependencies=[CheckedForm])
def confirm_credit_note(
    request: Request, invoice_id: int, user: OfficeUser, session: DbSession, form: Posted
) -> Response:
    """The filled-in form: refused by its fields, or the confirmation of exactly what would be issued."""
    found = _creditable(session, invoice_id=invoice_id, actor=user)
    values = _values(form, found)
    asked = _asked(request, found, values)
    return _planned_page(request, session, found, user=user, asked=asked, values=values)


@router.post("/office/invoices/{invoice_id}/credit/change", dependencies=[CheckedForm])
def change_credit_note(
    request: Request, invoice_id: int, user: OfficeUser, session: DbSession, form: Posted
) -> Response:
    """Back from the confirmation to the form, with everything as it was typed."""
    found = _creditable(session, invoice_id=invoice_id, actor=user)
    return _form_page(request, found, values=_values(form, found))


@router.post("/office/invoices/{invoice_id}/credit/issue", dependencies=[CheckedForm])
def issue_credit_note(
    request: Request,
    invoice_id: int,
    user: OfficeUser,
    session: DbSession,
    form: Posted,
    today: Today,
    now: Now,
) -> Response:
    """Issue the credit note the confirmation showed, and only that one."""
    found = _creditable(session, invoice_id=invoice_id, actor=user)
    values = _values(form, found)
    asked = _asked(request, found, values)
    shown = text(form, "shown_sha256")
    if not SHA256.fullmatch(shown):  # never issued unseen: without the fingerprint, the confirmation first
        return _planned_page(request, session, found, user=user, asked=asked, values=values)
    try:
        data = asked.data.model_copy(update={"shown_sha256": shown})
        note = service.issue_credit_note(
            session, invoice_id=found.id, data=data, actor=user, today=today, now=now
        )
    except DomainError as exc:
        if exc.code != "credit_note_changed":
            errors = service_errors(request, exc, {**asked.fields, "invoice_id": "form"})
            raise FormRejected(_form_page(request, found, values=values, errors=errors)) from exc
        session.refresh(found)
        changed = _planned_page(request, session, found, user=user, asked=asked, values=values, changed=True)
        raise FormRejected(changed) from exc
    return see_other(done(f"/office/invoices/{note.id}", "credit_note_issued"))


def _values(form: FormData, found: Invoice) -> dict[str, Any]:
    """The form as typed, to show again."""
    values: dict[str, Any] = {"everything": ticked(form, "everything"), "reason": text(form, "reason")}
    for line in found.lines:
        for what in WHAT:
            values[f"{what}-{line.id}"] = text(form, f"{what}-{line.id}")
    return values


def _asked(request: Request, found: Invoice, values: dict[str, Any]) -> _Request:
    """The credit note the form asks for, or the form again with every message by its field."""
    language = request_language(request)
    errors: dict[str, str] = {}
    if not values["reason"]:
        errors["reason"] = gettext(request, REASON_MISSING)
    parts: list[dict[str, Any]] = []
    fields: dict[str, str] = {}
    for line in found.lines:
        quantity = decimal_text(values[f"quantity-{line.id}"], language) or None
        amount = amount_text(values[f"amount-{line.id}"], language) or None
        if quantity and amount:
            errors[f"quantity-{line.id}"] = gettext(request, QUANTITY_AND_AMOUNT)
        if quantity or amount:
            for index in (f"parts.{len(parts)}", f"parts[{len(parts)}]"):
                fields[f"{index}.quantity"] = f"quantity-{line.id}"
                fields[f"{index}.amount"] = f"amount-{line.id}"
                fields[index] = f"quantity-{line.id}"
            parts.append({"invoice_line_id": line.id, "quantity": quantity, "amount": amount})
    if values["everything"] and parts:
        errors["everything"] = gettext(request, BOTH_CHOSEN)
    elif not values["everything"] and not parts:
        errors["everything"] = gettext(request, NOTHING_CHOSEN)
    if errors:
        raise FormRejected(_form_page(request, found, values=values, errors=errors))
    try:
        data = CreditNoteIssue.model_validate(
            {"parts": None if values["everything"] else parts, "reason": values["reason"]}
        )
    except ValidationError as exc:
        errors = schema_errors(request, exc, {**fields, "parts": "form"})
        raise FormRejected(_form_page(request, found, values=values, errors=errors)) from exc
    return _Request(data=data, fields=fields)


def _creditable(session: Session, *, invoice_id: int, actor: User) -> Invoice:
    found = service.get_invoice(session, invoice_id=invoice_id, actor=actor)
    if found.kind != InvoiceKind.invoice:
        raise NotFound(f"invoice {invoice_id} is a credit note")
    return found


def _form_page(
    request: Request, found: Invoice, *, values: dict[str, Any], errors: dict[str, str] | None = None
) -> Response:
    return page(
        request,
        "office/credit_note.html",
        {"invoice": found, "values": values, "errors": errors or {}},
        status=422 if errors else 200,
    )


def _confirm_page(
    request: Request,
    found: Invoice,
    plan: service.CreditNotePlan,
    *,
    values: dict[str, Any],
    changed: bool = False,
) -> Response:
    """Exactly what would be issued; the button sends the plan's fingerprint and the form as typed."""
    context = {
        "invoice": found,
        "plan": plan,
        "lines": list(zip(plan.drafts, plan.calculation.lines, strict=True)),
        "values": values,
        "changed": gettext(request, PLAN_CHANGED) if changed else "",
    }
    return page(request, "office/credit_note_confirm.html", context, status=409 if changed else 200)


def _planned_page(
    request: Request,
    session: Session,
    found: Invoice,
    *,
    user: User,
    asked: _Request,
    values: dict[str, Any],
    changed: bool = False,
) -> Response:
    """The confirmation of the credit note as it would be now; the form again when it cannot be issued
    (refused by its fields, or credited in full meanwhile)."""
    try:
        plan = service.plan_credit_note(session, invoice_id=found.id, data=asked.data, actor=user)
    except DomainError as exc:
        errors = service_errors(request, exc, {**asked.fields, "invoice_id": "form"})
        raise FormRejected(_form_page(request, found, values=values, errors=errors)) from exc
    return _confirm_page(request, found, plan, values=values, changed=changed)
