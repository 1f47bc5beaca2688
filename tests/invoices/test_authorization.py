"""R1 for invoices, credit notes and payments (see tests/authz.py). "member" owns the issued invoice."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kooperativet.invoices import service
from kooperativet.invoices.mailing.reminders import send_due_reminders
from kooperativet.invoices.models import UnmatchedBankEntry
from kooperativet.invoices.schemas import InvoiceIssue
from tests.authz import (
    AUDITOR_READS,
    AUDITOR_REFUSED,
    EVERYONE,
    OWNER_OR_OFFICE,
    ROLES,
    TREASURER_WRITE,
    Actors,
    Expectation,
    check,
    operations,
    row,
    with_auditor,
)
from tests.invoices.conftest import ISSUE_DAY

OFFICE_ONLY = row(401, 403, 403, 200, 403, 200)

EXPECTATIONS: dict[str, Expectation] = {
    "issue_invoice": (TREASURER_WRITE, {"assignment_id": "{assignment_id}"}),
    "list_invoices": (EVERYONE, None),
    "list_overdue_invoices": (EVERYONE, None),
    "get_invoice": (OWNER_OR_OFFICE, None),
    "download_invoice_pdf": (OWNER_OR_OFFICE, None),
    "download_invoice_ubl": (OWNER_OR_OFFICE, None),
    "issue_credit_note": (TREASURER_WRITE, {"reason": "Fel belopp"}),
    # The plan writes nothing (200), but only those who may issue the credit note see it.
    "plan_credit_note": (OFFICE_ONLY, {"reason": "Fel belopp"}),
    "record_payment": (
        TREASURER_WRITE,
        {"invoice_id": "{invoice_id}", "amount": "100.00", "paid_on": "2026-03-02"},
    ),
    "list_payments": (EVERYONE, None),
    # Sent without a file: the role is checked first, the missing upload then gives 422.
    "import_camt054": (row(401, 403, 403, 422, 403, 422), None),
    "list_unmatched_bank_entries": (OFFICE_ONLY, None),
    "get_unmatched_bank_entry": (OFFICE_ONLY, None),
    "assign_unmatched_bank_entry": (OFFICE_ONLY, {"invoice_id": "{invoice_id}"}),
    "mark_unmatched_bank_entry_not_ours": (OFFICE_ONLY, {"reason": "Fel mottagare"}),
    # The municipality has no e-mail address on file: the office names one (``to``).
    "send_invoice": (row(401, 403, 403, 202, 403, 202), {"to": "ekonomi@lund.example.se"}),
    "list_dispatches": (OFFICE_ONLY, None),
    "list_invoice_reminders": (OFFICE_ONLY, None),
    "list_reminders": (OFFICE_ONLY, None),
    "download_reminder_pdf": (OFFICE_ONLY, None),
    "stop_reminders": (TREASURER_WRITE, {"reason": "Avbetalningsplan"}),
    # Nothing is stopped in this setup: the office is let through and told so (409).
    "resume_reminders": (row(401, 403, 403, 409, 403, 409), None),
}

#: The auditor (revisor): reads what the office reads, acts on nothing (docs/separation-of-duties.md).
AUDITOR: dict[str, int] = {
    "issue_invoice": AUDITOR_REFUSED,
    "list_invoices": AUDITOR_READS,
    "list_overdue_invoices": AUDITOR_READS,
    "get_invoice": AUDITOR_READS,
    "download_invoice_pdf": AUDITOR_READS,
    "download_invoice_ubl": AUDITOR_READS,
    "issue_credit_note": AUDITOR_REFUSED,
    "plan_credit_note": AUDITOR_REFUSED,  # writes nothing, but is the treasurer's tool for an act
    "record_payment": AUDITOR_REFUSED,
    "list_payments": AUDITOR_READS,
    "import_camt054": AUDITOR_REFUSED,
    "list_unmatched_bank_entries": AUDITOR_READS,
    "get_unmatched_bank_entry": AUDITOR_READS,
    "assign_unmatched_bank_entry": AUDITOR_REFUSED,
    "mark_unmatched_bank_entry_not_ours": AUDITOR_REFUSED,
    "send_invoice": AUDITOR_REFUSED,
    "list_dispatches": AUDITOR_READS,
    "list_invoice_reminders": AUDITOR_READS,
    "list_reminders": AUDITOR_READS,
    "download_reminder_pdf": AUDITOR_READS,
    "stop_reminders": AUDITOR_REFUSED,
    "resume_reminders": AUDITOR_REFUSED,
}
EXPECTATIONS = with_auditor(EXPECTATIONS, AUDITOR)

OPERATIONS = operations()


def _filled(body: dict[str, Any] | None, ids: dict[str, int]) -> dict[str, Any] | None:
    if body is None:
        return None
    return {key: ids.get(str(value).strip("{}"), value) for key, value in body.items()}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation_id", sorted(EXPECTATIONS))
def test_operation_meets_its_expectation_for_role(
    api: TestClient,
    session,
    make_user,
    make_member,
    seller,
    municipality,
    make_assignment,
    on_day,
    operation_id: str,
    role: str,
) -> None:
    actors = Actors.make(make_user, make_member)
    invoiced = make_assignment(actors.member.member, municipality)
    invoice = service.issue_invoice(
        session,
        data=InvoiceIssue(assignment_id=invoiced.id),
        actor=actors.treasurer.user,
        today=ISSUE_DAY,
        now=datetime(2026, 11, 20, 12, 0, tzinfo=UTC),
    )
    entry = UnmatchedBankEntry(
        bank_entry_reference="AUTHZ-1",
        amount=Decimal("100.00"),
        currency="SEK",
        booked_on=ISSUE_DAY,
        reason="no invoice has this OCR reference",
        imported_by_id=actors.treasurer.user.id,
    )
    session.add(entry)
    session.flush()
    [reminder] = send_due_reminders(session, date(2026, 5, 1))
    ids = {
        "reminder_id": reminder.id,
        "assignment_id": make_assignment(actors.member.member, municipality).id,
        "invoice_id": invoice.id,
        "entry_id": entry.id,
    }
    method, template = OPERATIONS[operation_id]
    path = template.format(**ids)
    statuses, body = EXPECTATIONS[operation_id]
    check(api, actors, role, method=method, path=path, body=_filled(body, ids), expected=statuses[role])
