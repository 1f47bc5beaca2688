"""Every ORM model, imported once so that ``Base.metadata`` is complete (Alembic, tests)."""

from kooperativet.api import idempotency
from kooperativet.assignments import models as assignments_models
from kooperativet.audit import models as audit_models
from kooperativet.auth import models as auth_models
from kooperativet.db import Base
from kooperativet.employments import models as employments_models
from kooperativet.exports import models as exports_models
from kooperativet.governance import models as governance_models
from kooperativet.invoices import models as invoices_models
from kooperativet.invoices.mailing import models as invoice_mailing_models
from kooperativet.jobs import models as jobs_models
from kooperativet.knowledge import models as knowledge_models
from kooperativet.mail import models as mail_models
from kooperativet.notifications import models as notifications_models
from kooperativet.parameters import models as parameters_models
from kooperativet.parties import models as parties_models
from kooperativet.payroll import models as payroll_models

__all__ = [
    "Base",
    "assignments_models",
    "audit_models",
    "auth_models",
    "employments_models",
    "exports_models",
    "governance_models",
    "idempotency",
    "invoice_mailing_models",
    "invoices_models",
    "jobs_models",
    "knowledge_models",
    "mail_models",
    "notifications_models",
    "parameters_models",
    "parties_models",
    "payroll_models",
]
