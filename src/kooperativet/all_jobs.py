"""Every job handler, imported once so that a worker knows every kind of work (like ``all_models``).

Modules that register an e-mail attachment source are imported here too (the worker that sends a message
resolves its attachments by source name), and so are the modules that define the document kinds and register
them next to their definition (the document pipeline's handler finds a kind by its name)."""

from kooperativet.documents import render_job
from kooperativet.employments.service import certificate
from kooperativet.employments.service import notices as employment_notices
from kooperativet.governance import minutes
from kooperativet.invoices import documents as invoice_documents
from kooperativet.invoices.mailing import attachments as invoice_attachments
from kooperativet.invoices.mailing import jobs as invoice_jobs
from kooperativet.invoices.mailing import reminder_pdf
from kooperativet.mail import send_job
from kooperativet.payroll.service import payslip_notices, payslip_pdfs
from kooperativet.workflows import answered_requests, password_reset, retention_purge

__all__ = [
    "answered_requests",
    "certificate",
    "employment_notices",
    "invoice_attachments",
    "invoice_documents",
    "invoice_jobs",
    "minutes",
    "password_reset",
    "payslip_notices",
    "payslip_pdfs",
    "reminder_pdf",
    "render_job",
    "retention_purge",
    "send_job",
]
