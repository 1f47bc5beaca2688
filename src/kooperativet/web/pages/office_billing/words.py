"""What the office's billing pages say instead of the services' keys: statuses, units, VAT treatment,
warnings and refusals, in the person's language.

The services answer in English with machine-readable codes for API clients. A page never prints a key or an
enum value; a refusal is said by its code (``web.refusals``).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from kooperativet.assignments.rules import AssignmentStatus, ExtentUnit
from kooperativet.core.vat import VatCategory
from kooperativet.errors import DomainError
from kooperativet.invoices.documents import UNIT_NAMES, UNIT_NAMES_ONE
from kooperativet.invoices.models import BankEntryResolution, InvoiceKind, InvoiceStatus
from kooperativet.invoices.unmatched_reasons import reason_in
from kooperativet.mail.models import MailState
from kooperativet.parties.models import ClientKind, Language
from kooperativet.web.i18n import N_, request_language
from kooperativet.web.refusals import refusal_text
from kooperativet.web.templating import render

INVOICE_STATUSES = {
    InvoiceStatus.open: N_("Unpaid"),
    InvoiceStatus.partly_paid: N_("Partly paid"),
    InvoiceStatus.paid: N_("Paid"),
    InvoiceStatus.credited: N_("Credited in full"),
}
#: A credit note's own state: it is stored as ``credited`` (it settles what it credits), but it is not itself
#: credited: it is money back to the client, set off against the invoice it credits.
CREDIT_NOTE_STATUS = N_("Credit")
#: Beside the payment state of an invoice that a credit note credits in part.
PARTLY_CREDITED = N_("Partly credited")
INVOICE_KINDS = {InvoiceKind.invoice: N_("Invoice"), InvoiceKind.credit_note: N_("Credit note")}
ASSIGNMENT_STATUSES = {
    AssignmentStatus.draft: N_("Draft"),
    AssignmentStatus.submitted: N_("Waiting for decision"),
    AssignmentStatus.approved: N_("Approved, not invoiced yet"),
    AssignmentStatus.rejected: N_("Rejected"),
    AssignmentStatus.invoiced: N_("Invoiced"),
    AssignmentStatus.paid: N_("Paid by the client"),
    # The run's payslips are issued; whether the salary has left the bank is the run's (/office/payroll).
    AssignmentStatus.salaried: N_("Payslip issued"),
    AssignmentStatus.closed: N_("Closed"),
    AssignmentStatus.cancelled: N_("Cancelled"),
}
EXTENT_UNITS = {ExtentUnit.days: N_("days"), ExtentUnit.hours: N_("hours")}
VAT_TREATMENTS = {
    VatCategory.STANDARD: N_("Swedish VAT %(rate)s"),
    VatCategory.EXEMPT: N_("Exempt from VAT"),
    VatCategory.REVERSE_CHARGE: N_("Reverse charge: the buyer accounts for the VAT"),
    VatCategory.OUTSIDE_SCOPE: N_("Outside the scope of Swedish VAT"),
}
RESOLUTIONS = {
    BankEntryResolution.assigned: N_("Assigned to an invoice"),
    BankEntryResolution.not_ours: N_("Not ours"),
}
CLIENT_KINDS = {ClientKind.organisation: N_("Organisation"), ClientKind.person: N_("Private person")}
LANGUAGES = {Language.sv: N_("Swedish"), Language.en: N_("English")}
MAIL_STATES = {
    MailState.queued: N_("Waiting to be sent"),
    MailState.sent: N_("Sent"),
    MailState.failed: N_("Could not be sent"),
}

#: The warnings a commission may carry, said in full; the page shows the period and fee beside them.
WARNINGS = {
    "period_over_three_months": N_(
        "The period is longer than three months: holiday pay may be paid with each salary only for "
        "employments of at most three months (semesterlagen 5 §)."
    ),
    "below_minimum_day_rate": N_("The fee per working day is below the cooperative's minimum day rate."),
    "buyer_reference_missing": N_(
        "The client is in the public sector and needs its reference (Er referens) on the invoice."
    ),
    "save_preferential_right": N_(
        "With this employment the member passes 9 months of SÄVA in 3 years: she gains a preferential "
        "right to re-employment (LAS 25 §)."
    ),
    "save_conversion": N_(
        "With this employment the member passes 12 months of SÄVA in 5 years: the employment turns into a "
        "permanent one (LAS 5 a §)."
    ),
    "save_conversion_successive": N_(
        "With this employment the member passes 12 months of SÄVA in employments that followed each other, "
        "each begun within six months of the one before: the employment turns into a permanent one "
        "(LAS 5 a §)."
    ),
}


def bank_reason(request: Request, reason: str) -> str:
    """Why a bank entry was left unmatched, in the person's language (``invoices.unmatched_reasons``)."""
    return reason_in(reason, request_language(request))


def unit_name(code: str, language: str, quantity: Decimal | None = None) -> str:
    """A line's unit as the invoice prints it (``tim``, ``dagar``, ``st``), for exactly one in the singular
    (``1 dag``, ``1 day``) as the invoice's PDF writes it (``invoices.documents.unit_name``)."""
    if quantity == 1 and code in UNIT_NAMES_ONE[language]:
        return UNIT_NAMES_ONE[language][code]
    return UNIT_NAMES[language].get(code, UNIT_NAMES[language]["C62"])


def refusal(request: Request, exc: DomainError) -> str:
    """A service's refusal as a sentence in the person's language (``web.refusals``)."""
    return refusal_text(request, exc)


def page(
    request: Request, template: str, context: Mapping[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    """``render`` with the words above at hand in the template."""
    language = request_language(request)
    words = {
        "invoice_status": INVOICE_STATUSES,
        "credit_note_status": CREDIT_NOTE_STATUS,
        "partly_credited": PARTLY_CREDITED,
        "invoice_kind": INVOICE_KINDS,
        "assignment_status": ASSIGNMENT_STATUSES,
        "extent_unit": EXTENT_UNITS,
        "vat_treatment": VAT_TREATMENTS,
        "resolution": RESOLUTIONS,
        "client_kind": CLIENT_KINDS,
        "client_language": LANGUAGES,
        "mail_state": MAIL_STATES,
        "warning_text": WARNINGS,
        "unit": lambda code, quantity=None: unit_name(code, language, quantity),
        "bank_reason": lambda reason: bank_reason(request, reason),
    }
    return render(request, template, {**words, **(context or {})}, status=status)
