"""What the office's billing pages say instead of the services' keys: statuses, units, VAT treatment,
warnings and refusals, in the person's language.

The services answer in English with machine-readable codes for API clients. A page never prints a key or an
enum value, and a refusal whose English detail carries numbers (an invoice number, an amount) cannot be looked
up in the catalog as it is; so each code a person may meet here has its own sentence, and the service's
detail is used only for the codes not listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from kooperativet.assignments.rules import AssignmentStatus, ExtentUnit
from kooperativet.core.vat import VatCategory
from kooperativet.errors import DomainError
from kooperativet.invoices.documents import UNIT_NAMES
from kooperativet.invoices.models import BankEntryResolution, InvoiceKind, InvoiceStatus
from kooperativet.invoices.unmatched_reasons import reason_in
from kooperativet.mail.models import MailState
from kooperativet.parties.models import ClientKind, Language
from kooperativet.web.i18n import N_, request_language
from kooperativet.web.templating import gettext, render

INVOICE_STATUSES = {
    InvoiceStatus.open: N_("Unpaid"),
    InvoiceStatus.partly_paid: N_("Partly paid"),
    InvoiceStatus.paid: N_("Paid"),
    InvoiceStatus.credited: N_("Credited"),
}
INVOICE_KINDS = {InvoiceKind.invoice: N_("Invoice"), InvoiceKind.credit_note: N_("Credit note")}
ASSIGNMENT_STATUSES = {
    AssignmentStatus.draft: N_("Draft"),
    AssignmentStatus.submitted: N_("Waiting for decision"),
    AssignmentStatus.approved: N_("Approved, not invoiced yet"),
    AssignmentStatus.rejected: N_("Rejected"),
    AssignmentStatus.invoiced: N_("Invoiced"),
    AssignmentStatus.paid: N_("Paid by the client"),
    AssignmentStatus.salaried: N_("Salary paid"),
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
        "employments of at most three months (semesterlagen 16 a §)."
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
}

#: The refusals a person may meet on these pages, by the service's code.
REFUSALS = {
    "own_work": N_(
        "This is your own work. Nobody decides money on their own work: another treasurer or an admin must "
        "do it."
    ),
    "warnings_not_confirmed": N_("The commission has warnings: tick that you have read them, then approve."),
    "version_conflict": N_("Someone changed this in the meantime. Reload the page and try again."),
    "invalid_transition": N_("This commission is no longer waiting for a decision."),
    "overpayment_not_declared": N_(
        "This is more than is due on the invoice. Tick 'Overpayment' to record it anyway."
    ),
    "invalid_amount": N_("A payment is above zero."),
    "invoice_credited": N_("The invoice is credited: nothing is due."),
    "not_an_invoice": N_("Choose an invoice, not a credit note."),
    "nothing_to_invoice": N_("Everything on this commission has been invoiced already."),
    "more_than_remains": N_("That is more than is left to invoice of this line."),
    "unknown_line": N_("This line does not belong here."),
    "buyer_reference_missing": N_(
        "A public-sector buyer needs its reference (Er referens): set it on the commission or the client."
    ),
    "assignment_not_approved": N_("Only an approved commission can be invoiced."),
    "already_credited": N_("The invoice is already credited in full."),
    "more_than_invoiced": N_("That is more than is left to credit of this line."),
    "invalid_camt054": N_("This is not a camt.054 file from the bank."),
    "file_too_large": N_("The file is over 5 MB."),
    "already_resolved": N_("This bank entry has already been dealt with."),
    "entry_without_amount": N_(
        "The bank gave no amount for this entry: check it with the bank, or mark it not ours."
    ),
    "no_file": N_("Choose the bank's file."),
    "paid_on_required": N_("The bank gave no booking date: give the day the money arrived."),
    "currency_mismatch": N_("The entry and the invoice are in different currencies."),
    "duplicate_organisation_number": N_("Another client already has this organisation number."),
    "duplicate_vat_number": N_("Another client already has this VAT number."),
    "duplicate": N_("Another client already has this organisation or VAT number."),
    "invalid_identifier": N_("This number is not valid."),
    "peppol_address_missing": N_(
        "A public-sector client must get an e-invoice: record its Peppol address or organisation number."
    ),
    "not_found": N_("It does not exist any more. Reload the page."),
    "no_invoice_address": N_("The client has no e-mail address for invoices: add one on the client first."),
    "reminders_stopped": N_("Reminders for this invoice are stopped already."),
    "reminders_not_stopped": N_("Reminders for this invoice are not stopped."),
    "reason_required": N_("Say why the reminders stop."),
}

#: Rule violations without a code of their own, by the field they name.
FIELD_REFUSALS = {
    "peppol_id": N_("Give both the Peppol scheme and the Peppol address, or neither."),
    "organisation_number": N_("A private person has no organisation number."),
    "vat_number": N_("The VAT number does not belong to the client's country."),
    "reason": N_("Say why the commission is rejected."),
}


def bank_reason(request: Request, reason: str) -> str:
    """Why a bank entry was left unmatched, in the person's language (``invoices.unmatched_reasons``)."""
    return reason_in(reason, request_language(request))


def unit_name(code: str, language: str) -> str:
    """A line's unit as the invoice prints it (``tim``, ``dagar``, ``st``)."""
    return UNIT_NAMES[language].get(code, UNIT_NAMES[language]["C62"])


def refusal(request: Request, exc: DomainError) -> str:
    """A service's refusal as a sentence in the person's language."""
    message = REFUSALS.get(exc.code)
    if message is None and exc.code in ("rule_violation", "bad_request"):
        message = FIELD_REFUSALS.get(str(exc.extra.get("field")))
    if message is None and exc.detail.endswith("cannot be empty"):
        message = N_("Please fill in this field.")
    return gettext(request, message or exc.detail)


def page(
    request: Request, template: str, context: Mapping[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    """``render`` with the words above at hand in the template."""
    language = request_language(request)
    words = {
        "invoice_status": INVOICE_STATUSES,
        "invoice_kind": INVOICE_KINDS,
        "assignment_status": ASSIGNMENT_STATUSES,
        "extent_unit": EXTENT_UNITS,
        "vat_treatment": VAT_TREATMENTS,
        "resolution": RESOLUTIONS,
        "client_kind": CLIENT_KINDS,
        "client_language": LANGUAGES,
        "mail_state": MAIL_STATES,
        "warning_text": WARNINGS,
        "unit": lambda code: unit_name(code, language),
        "bank_reason": lambda reason: bank_reason(request, reason),
    }
    return render(request, template, {**words, **(context or {})}, status=status)
