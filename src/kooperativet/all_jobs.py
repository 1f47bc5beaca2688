"""Every job handler, imported once so that a worker knows every kind of work (like ``all_models``)."""

from kooperativet.invoices.mailing import attachments as invoice_attachments
from kooperativet.invoices.mailing import jobs as invoice_jobs
from kooperativet.mail import send_job
from kooperativet.workflows import password_reset

__all__ = ["invoice_attachments", "invoice_jobs", "password_reset", "send_job"]
