"""Commissions, one module per use case (employment.md). Services flush; the caller's transaction commits.

A member sees and changes only their own assignments (and only as drafts); the treasurer and the admin see all
and decide.

- ``commission``: register a commission as a draft (a new client may come inline), change one's own draft.
- ``expenses``: a draft's expenses and their receipts.
- ``lifecycle``: submit, approve (warnings confirmed), reject, cancel; and the steps invoicing and payroll
  take on an approved assignment: ``mark_invoiced``, ``mark_paid``, ``mark_salaried``, ``close``.
- ``fees``: the fee of an assignment and the warnings about the assignment alone (SÄVA is in ``employments``).
- ``read``: reading and listing, and which clients a member works for.
- ``guards``: who may change an assignment; shared by the modules above.

The names below are what the router and other packages call.
"""

from kooperativet.assignments.service.commission import (
    add_assignment,
    create_assignment,
    new_assignment,
    update_assignment,
)
from kooperativet.assignments.service.expenses import (
    add_expense,
    attach_receipt,
    get_expense,
    get_receipt,
    receipt_content,
    remove_expense,
)
from kooperativet.assignments.service.fees import assignment_warnings, fee_lines, fee_total
from kooperativet.assignments.service.lifecycle import (
    DECIDED,
    approve_assignment,
    cancel_assignment,
    close,
    mark_invoiced,
    mark_paid,
    mark_salaried,
    reject_assignment,
    submit_assignment,
)
from kooperativet.assignments.service.read import clients_worked_for, get_assignment, list_assignments

__all__ = [
    "DECIDED",
    "add_assignment",
    "add_expense",
    "approve_assignment",
    "assignment_warnings",
    "attach_receipt",
    "cancel_assignment",
    "clients_worked_for",
    "close",
    "create_assignment",
    "fee_lines",
    "fee_total",
    "get_assignment",
    "get_expense",
    "get_receipt",
    "list_assignments",
    "mark_invoiced",
    "mark_paid",
    "mark_salaried",
    "new_assignment",
    "receipt_content",
    "reject_assignment",
    "remove_expense",
    "submit_assignment",
    "update_assignment",
]
