"""A member's downloads from her commission: an expense's receipt and the invoice's PDF, each checked by the
same services as the API's downloads. ``receipt_file`` also answers the office's receipt link (the inbox)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from starlette.responses import Response

from kooperativet.api.dependencies import DbSession
from kooperativet.api.downloads import file_response
from kooperativet.assignments import service as assignments_service
from kooperativet.assignments.models import Assignment
from kooperativet.assignments.rules import RECEIPT_MEDIA_TYPES
from kooperativet.errors import NotFound
from kooperativet.invoices import service as invoices_service
from kooperativet.web.forms import PageRoute
from kooperativet.web.pages.commissions import MemberUser, her_assignment

router = APIRouter(include_in_schema=False, route_class=PageRoute)


@router.get("/commissions/{assignment_id}/expenses/{expense_id}/receipt")
def download_receipt(assignment_id: int, expense_id: int, user: MemberUser, session: DbSession) -> Response:
    assignment = her_assignment(session, assignment_id=assignment_id, user=user)
    return receipt_file(assignment, expense_id=expense_id)


def receipt_file(
    assignment: Assignment, *, expense_id: int, disposition: Literal["attachment", "inline"] = "attachment"
) -> Response:
    """An expense's receipt of an assignment the caller was let see (``assignments.service.get_assignment``,
    the API's rule), as uploaded. Shown in the browser (``inline``) only as one of the types its content was
    judged to be at upload, never as whatever else a row might say."""
    receipt = assignments_service.get_receipt(assignment, expense_id=expense_id)
    content = assignments_service.receipt_content(receipt)
    if receipt.media_type not in RECEIPT_MEDIA_TYPES:
        disposition = "attachment"
    return file_response(
        content, media_type=receipt.media_type, filename=receipt.filename, disposition=disposition
    )


@router.get("/commissions/{assignment_id}/invoices/{invoice_id}/pdf")
def download_invoice(assignment_id: int, invoice_id: int, user: MemberUser, session: DbSession) -> Response:
    """The invoice's stored PDF, as the API's download: the invoices service checks who may see it."""
    assignment = her_assignment(session, assignment_id=assignment_id, user=user)
    invoice = invoices_service.get_invoice(session, invoice_id=invoice_id, actor=user)
    if invoice.assignment_id != assignment.id:
        raise NotFound(f"invoice {invoice_id} does not exist")
    pdf = invoices_service.invoice_pdf(session, invoice=invoice)
    return file_response(
        pdf, media_type="application/pdf", filename=f"{invoice.number}.pdf", sha256=invoice.pdf_sha256
    )
