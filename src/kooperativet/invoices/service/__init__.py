"""Invoices and credit notes, one module per use case (invoicing.md). Services flush; the caller's
transaction commits.

- ``issue``: issue an invoice from an approved assignment, whole or in parts.
- ``credit_note``: credit an invoice in full or in part; its plan (what it would hold) writes nothing.
- ``store``: what both end in: calculate, render the UBL, store the snapshot once, audit; the PDF/A-3b
  follows the commit (``documents.pipeline``).
- ``delivery``: whether the buyer gets a Peppol e-invoice or the PDF only.
- ``document_parties``: the seller and the buyer as they stand at issue.
- ``remaining``: what is left to invoice of an assignment.
- ``settlement``: the payment state of an invoice and its assignment.
- ``read``: reading and listing (also the overdue ones), who may see which invoice, and its PDF.

Recording payments and reading the bank's camt.054 are in ``invoices.payments`` and
``invoices.unmatched_entries``; numbering is in ``invoices.numbering``. The names below are what the router
and other packages call.
"""

from kooperativet.invoices.service.credit_note import CreditNotePlan, issue_credit_note, plan_credit_note
from kooperativet.invoices.service.issue import issue_invoice
from kooperativet.invoices.service.read import get_invoice, invoice_pdf, list_invoices
from kooperativet.invoices.service.remaining import remaining_quantities

__all__ = [
    "CreditNotePlan",
    "get_invoice",
    "invoice_pdf",
    "issue_credit_note",
    "issue_invoice",
    "list_invoices",
    "plan_credit_note",
    "remaining_quantities",
]
