"""Every job handler, imported once so that a worker knows every kind of work (like ``all_models``).

The document pipeline's handler finds a document kind by its name, so the modules that define the kinds
(and register them next to their definition) are imported here too."""

from kooperativet.documents import render_job
from kooperativet.employments.service import certificate
from kooperativet.governance import minutes
from kooperativet.invoices import documents as invoice_documents
from kooperativet.mail import send_job
from kooperativet.payroll.service import payslip_pdfs

__all__ = ["certificate", "invoice_documents", "minutes", "payslip_pdfs", "render_job", "send_job"]
