"""Every job handler, imported once so that a worker knows every kind of work (like ``all_models``).

Modules that register an e-mail attachment source are imported here too: the worker that sends a message
resolves its attachments by source name."""

from kooperativet.employments.service import notices as employment_notices
from kooperativet.invoices.mailing import attachments as invoice_attachments
from kooperativet.invoices.mailing import jobs as invoice_jobs
from kooperativet.mail import send_job
from kooperativet.payroll.service import payslip_notices
from kooperativet.workflows import password_reset

__all__ = [
    "employment_notices",
    "invoice_attachments",
    "invoice_jobs",
    "password_reset",
    "payslip_notices",
    "send_job",
]
