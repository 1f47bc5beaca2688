"""The inbox: submitted commissions, each with its warnings and its expenses (their VAT and receipts),
approved (warnings confirmed) or rejected with a reason, through the same services as
``POST /api/v1/assignments/{id}/approve`` and ``…/reject``; a receipt opens in the browser, let through by
the rule of ``GET /api/v1/assignments/{id}/expenses/{expense_id}/receipt``."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from kooperativet.api.dependencies import DbSession, Now, Today, Window
from kooperativet.assignments import service
from kooperativet.assignments.rules import AssignmentStatus, expense_vat, written_terms_due
from kooperativet.assignments.schemas import (
    ApprovalRequest,
    AssignmentRead,
    AssignmentSort,
    RejectionRequest,
)
from kooperativet.employments import service as employments_service
from kooperativet.errors import DomainError
from kooperativet.web.dependencies import CheckedForm
from kooperativet.web.forms import FormRejected, PageRoute, Posted
from kooperativet.web.notices import done
from kooperativet.web.pages.commission_downloads import receipt_file
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
from kooperativet.web.pages.office_billing.words import page
from kooperativet.workflows.commission_read import read_assignment

router = APIRouter(include_in_schema=False, route_class=PageRoute)


@router.get("/office/inbox")
def inbox(request: Request, user: OfficeReader, session: DbSession, window: Window) -> Response:
    """Submitted commissions, the earliest registered first."""
    rows, total = service.list_assignments(
        session,
        actor=user,
        limit=window.limit,
        offset=window.offset,
        status=AssignmentStatus.submitted,
        sort=AssignmentSort.created,
    )
    items = [(row, service.fee_total(row)) for row in rows]
    return page(request, "office/inbox.html", {"items": items, "paging": paging(window, total)})


@router.get("/office/inbox/{assignment_id}")
def commission(
    request: Request, assignment_id: int, user: OfficeReader, session: DbSession, today: Today
) -> Response:
    assignment = service.get_assignment(session, assignment_id=assignment_id, actor=user)
    return _show(request, read_assignment(session, assignment), today=today)


@router.get("/office/inbox/{assignment_id}/expenses/{expense_id}/receipt")
def receipt(assignment_id: int, expense_id: int, user: OfficeReader, session: DbSession) -> Response:
    """The receipt as uploaded, opened in the browser beside the commission it is decided on."""
    assignment = service.get_assignment(session, assignment_id=assignment_id, actor=user)
    return receipt_file(assignment, expense_id=expense_id, disposition="inline")


@router.post("/office/inbox/{assignment_id}/approve", dependencies=[CheckedForm])
def approve(
    request: Request,
    assignment_id: int,
    user: OfficeUser,
    session: DbSession,
    form: Posted,
    today: Today,
    now: Now,
) -> Response:
    assignment = service.get_assignment(session, assignment_id=assignment_id, actor=user)
    # Read before deciding, so that a refused decision is shown on the commission as it was.
    commission = read_assignment(session, assignment)
    try:
        body = ApprovalRequest.model_validate(
            {"version": text(form, "version"), "confirm_warnings": ticked(form, "confirm_warnings")}
        )
        employments_service.approve_assignment(
            session,
            assignment=assignment,
            version=body.version,
            actor=user,
            confirm_warnings=body.confirm_warnings,
            today=today,
            now=now,
        )
    except ValidationError as exc:
        raise FormRejected(_show(request, commission, schema_errors(request, exc), today=today)) from exc
    except DomainError as exc:
        raise FormRejected(_show(request, commission, service_errors(request, exc), today=today)) from exc
    return see_other(done(f"/office/inbox/{assignment_id}", "approved"))


@router.post("/office/inbox/{assignment_id}/reject", dependencies=[CheckedForm])
def reject(
    request: Request,
    assignment_id: int,
    user: OfficeUser,
    session: DbSession,
    form: Posted,
    today: Today,
    now: Now,
) -> Response:
    assignment = service.get_assignment(session, assignment_id=assignment_id, actor=user)
    # Read before deciding, so that a refused decision is shown on the commission as it was.
    commission = read_assignment(session, assignment)
    values = {"reason": text(form, "reason")}
    try:
        body = RejectionRequest.model_validate({"version": text(form, "version"), **values})
        service.reject_assignment(
            session, assignment=assignment, version=body.version, reason=body.reason, actor=user, now=now
        )
    except ValidationError as exc:
        raise FormRejected(
            _show(request, commission, schema_errors(request, exc), values, today=today)
        ) from exc
    except DomainError as exc:
        raise FormRejected(
            _show(request, commission, service_errors(request, exc), values, today=today)
        ) from exc
    return see_other(done(f"/office/inbox/{assignment_id}", "rejected"))


def _show(
    request: Request,
    commission: AssignmentRead,
    errors: dict[str, str] | None = None,
    values: Any = None,
    *,
    today: date,
) -> Response:
    """The commission as the API reads it (warnings, what is left to invoice) with each expense's VAT and its
    decision forms; after a refusal, with the messages by their fields and what was typed. A commission
    waiting for a decision whose work has begun says when its anställningsbevis is due (LAS 6 c §): it is
    made by the approval, so a late decision makes it late, which nothing else on the page would show."""
    begun = commission.status == AssignmentStatus.submitted and commission.period_start <= today
    return page(
        request,
        "office/commission.html",
        {
            "commission": commission,
            "written_terms_due": written_terms_due(commission.period_start) if begun else None,
            "today": today,
            "expense_vat": {
                expense.id: expense_vat(amount=expense.amount, vat_rate=expense.vat_rate)
                for expense in commission.expenses
            },
            "errors": errors or {},
            "values": values or {},
        },
        status=422 if errors else 200,
    )
