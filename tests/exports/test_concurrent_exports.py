"""Two exports of the same documents asked at the same moment (a double click, two treasurers): one batch is
made and the other request gets the 409 an export asked after it would get, never a server error from the
unique constraint on exported documents (docs/exports.md, "Exporting twice at once").

Real commits from two connections are needed, so this uses a throw-away database of its own (SQLite file or
a new PostgreSQL database) like ``tests/payroll/test_payslip_numbering_concurrency.py``. On SQLite the one
writer makes the two take turns anyway; on PostgreSQL they take turns on the cooperative's row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kooperativet.assignments.models import Assignment
from kooperativet.assignments.rules import AssignmentStatus, ExtentUnit
from kooperativet.auth.models import User
from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.exports.models import ExportBatch, ExportKind
from kooperativet.exports.service import export_agi, export_pain001, export_sie
from kooperativet.invoices.models import Invoice, InvoiceKind, InvoiceStatus
from kooperativet.parameters import service as parameters_service
from kooperativet.parties.models import Client, Cooperative, Member, MemberTaxSetting, TaxMode
from kooperativet.payroll import service as payroll_service
from tests.concurrency import at_once
from tests.conftest import TEST_AUDIT_KEY, VALID_PERSONAL_NUMBERS
from tests.exports.conftest import EXPORT_DAY, PAY_DATE

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
PAYEES = 2


@dataclass(frozen=True)
class PaidMonth:
    factory: sessionmaker[Session]
    run_id: int
    treasurer_id: int


@pytest.fixture
def paid_month(committed_url: str) -> Iterator[PaidMonth]:
    """Committed: a cooperative with what every file needs and an approved run paying ``PAYEES`` members."""
    pool = {"pool_size": 4} if committed_url.startswith("postgresql") else {}
    engine = make_engine(committed_url, **pool)
    try:
        factory = make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
        with transaction(factory) as session:
            treasurer_id = _seed(session)
            run = payroll_service.create_run(
                session, today=EXPORT_DAY, pay_date=PAY_DATE, pay_on=None, created_by_id=None
            ).run
            payroll_service.approve_run(session, run_id=run.id, approved_by_id=treasurer_id, now=NOW)
            run_id = run.id
        yield PaidMonth(factory, run_id, treasurer_id)
    finally:
        engine.dispose()


def _seed(session: Session) -> int:
    """The parameters, the cooperative, a treasurer and ``PAYEES`` members each with an assignment paid in
    full; the treasurer's id."""
    parameters_service.seed_defaults(session)
    session.add(
        Cooperative(
            name="Testkooperativet", organisation_number="769600-1234", country="SE",
            contact_name="Karin Kassör", contact_phone="08-123 456 00", contact_email="kassor@example.se",
            iban="SE4550000000058398257466", bic="ESSESESS",
        )
    )  # fmt: skip
    treasurer = User(email="kassor@example.se", full_name="Kassör", password_hash="x", is_active=True)
    client = Client(name="Malmö stad", organisation_number="212000-1124", country="SE")
    session.add_all([treasurer, client])
    session.flush()
    for index, number in enumerate(VALID_PERSONAL_NUMBERS[:PAYEES]):
        number = number.replace("-", "")
        member = Member(
            first_name="Mia", last_name=f"Medlem{index}", personal_identity_number=number,
            birth_date=date(int(number[:4]), int(number[4:6]), int(number[6:8])),
            joined_on=date(2025, 1, 1), bank_clearing_number="6000", bank_account_number="123456789",
        )  # fmt: skip
        member.tax_settings = [MemberTaxSetting(valid_from=date(2025, 1, 1), mode=TaxMode.flat, percent=30)]
        session.add(member)
        session.flush()
        assignment = Assignment(
            member_id=member.id, client_id=client.id, title="Föreställning", description="",
            period_start=date(2026, 10, 1), period_end=date(2026, 10, 10), extent_quantity=Decimal("2"),
            extent_unit=ExtentUnit.days, status=AssignmentStatus.paid,
        )  # fmt: skip
        session.add(assignment)
        session.flush()
        amount = Decimal("20000.00")
        session.add(
            Invoice(
                series="F", year=2026, sequence=index + 1, number=f"2026-{index + 1:04d}",
                kind=InvoiceKind.invoice, assignment_id=assignment.id, member_id=member.id,
                client_id=client.id, issue_date=date(2026, 6, 1), due_date=date(2026, 6, 1), language="sv",
                work_amount=amount, expenses_amount=Decimal("0.00"), net_total=amount,
                vat_total=Decimal("0.00"), rounding=Decimal("0.00"), payable=amount, snapshot={},
                pdf=b"%PDF", pdf_sha256="0" * 64, issued_by_id=treasurer.id, status=InvoiceStatus.paid,
                paid_amount=amount,
            )
        )  # fmt: skip
    session.flush()
    return treasurer.id


def _twice_at_once(factory: sessionmaker[Session], export: Callable[[Session], object]) -> list[str]:
    """Run ``export`` in two transactions started at the same moment; what each ended in, sorted."""

    def request() -> str:
        with transaction(factory) as session:
            export(session)
        return "created"

    return sorted(at_once(request, request))


def _batches(factory: sessionmaker[Session], kind: ExportKind) -> int:
    with transaction(factory) as session:
        return session.scalar(select(func.count(ExportBatch.id)).where(ExportBatch.kind == kind)) or 0


def test_two_payment_files_of_one_run_asked_at_once_give_one_file_and_a_409(paid_month: PaidMonth) -> None:
    outcomes = _twice_at_once(
        paid_month.factory,
        lambda session: export_pain001(
            session, run_id=paid_month.run_id, created_at=NOW, created_by_id=paid_month.treasurer_id
        ),
    )
    assert outcomes == ["already_exported", "created"]
    assert _batches(paid_month.factory, ExportKind.pain001) == 1


def test_two_declarations_of_one_month_asked_at_once_give_one_file_and_a_409(paid_month: PaidMonth) -> None:
    outcomes = _twice_at_once(
        paid_month.factory,
        lambda session: export_agi(
            session, period="2026-11", today=EXPORT_DAY, created_at=NOW, created_by_id=paid_month.treasurer_id
        ),
    )
    assert outcomes == ["created", "nothing_to_export"]
    assert _batches(paid_month.factory, ExportKind.agi) == 1


def test_two_sie_files_of_one_range_asked_at_once_book_the_month_once_and_give_a_409(
    paid_month: PaidMonth,
) -> None:
    outcomes = _twice_at_once(
        paid_month.factory,
        lambda session: export_sie(
            session,
            date_from=date(2026, 11, 1),
            date_to=date(2026, 11, 30),
            today=EXPORT_DAY,
            created_at=NOW,
            created_by_id=paid_month.treasurer_id,
        ),
    )
    assert outcomes == ["created", "nothing_to_export"]
    assert _batches(paid_month.factory, ExportKind.sie) == 1
