"""Every job handler, imported once so that a worker knows every kind of work (like ``all_models``).

Modules that register an e-mail attachment source are imported here too: the worker that sends a message
resolves its attachments by source name."""

from kooperativet.employments.service import notices as employment_notices
from kooperativet.mail import send_job
from kooperativet.payroll.service import payslip_notices

__all__ = ["employment_notices", "payslip_notices", "send_job"]
