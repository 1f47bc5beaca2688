"""Employments, one module per use case (employment.md). Services flush; the caller's transaction commits.

- ``approval``: approving a submitted assignment employs the member for its period (a SÄVA) and issues the
  anställningsbevis.
- ``certificate``: what the anställningsbevis says, and its PDF in the document pipeline.
- ``save``: the SÄVA counter and the warnings an approval must confirm (LAS thresholds).
- ``read``: reading and listing employments.
- ``employer_certificate``: the arbetsgivarintyg, rendered on demand.

The names below are what the router and other packages call.
"""

from kooperativet.employments.service.approval import PAY_FORM, VARYING_PLACES, approve_assignment
from kooperativet.employments.service.certificate import (
    CERTIFICATE_PDF,
    CERTIFICATE_TEMPLATE,
    MemberRate,
    certificate_context,
    certificate_pdf,
    estimate_with,
    extent_text,
)
from kooperativet.employments.service.employer_certificate import (
    LEAVE_MAX_LENGTH,
    NO_LEAVE_RECORDED,
    CertifiedEmployment,
    EmployerCertificate,
    employer_certificate,
    employer_certificate_pdf,
    may_state_leave,
    member_employer_certificate,
)
from kooperativet.employments.service.read import get_employment, list_employments
from kooperativet.employments.service.save import (
    SaveCounter,
    assignment_warnings,
    current_warnings,
    save_counter,
    save_periods,
    save_threshold_warnings,
)

__all__ = [
    "CERTIFICATE_PDF",
    "CERTIFICATE_TEMPLATE",
    "LEAVE_MAX_LENGTH",
    "NO_LEAVE_RECORDED",
    "PAY_FORM",
    "VARYING_PLACES",
    "CertifiedEmployment",
    "EmployerCertificate",
    "MemberRate",
    "SaveCounter",
    "approve_assignment",
    "assignment_warnings",
    "certificate_context",
    "certificate_pdf",
    "current_warnings",
    "employer_certificate",
    "employer_certificate_pdf",
    "estimate_with",
    "extent_text",
    "get_employment",
    "list_employments",
    "may_state_leave",
    "member_employer_certificate",
    "save_counter",
    "save_periods",
    "save_threshold_warnings",
]
