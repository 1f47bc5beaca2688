"""quality.md R4: eight parallel issuers, some of whose transactions roll back, leave no gap and no duplicate.

This needs real commits from several connections, so it builds its own throw-away database (SQLite file or
a new PostgreSQL database, as ``tests/conftest.py`` does) instead of the rolled-back test transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kooperativet.assignments.models import Assignment, AssignmentLine
from kooperativet.assignments.rules import AssignmentStatus, ExtentUnit
from kooperativet.auth.models import Role, User, UserRole
from kooperativet.core.vat import VatCategory
from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.invoices import service
from kooperativet.invoices.models import Invoice, InvoiceNumberCounter
from kooperativet.invoices.schemas import InvoiceIssue
from kooperativet.parameters import service as parameters_service
from kooperativet.parties.models import Client, Cooperative, Member
from tests.conftest import TEST_AUDIT_KEY

ISSUERS = 8
ATTEMPTS_PER_ISSUER = 2
DAY = date(2026, 3, 2)


class Rollback(Exception):
    """Raised inside an issuing transaction after the number was taken, to roll it back."""


@pytest.fixture
def committed_factory(committed_url: str) -> Iterator[sessionmaker[Session]]:
    pool = {"pool_size": ISSUERS + 2} if committed_url.startswith("postgresql") else {}
    engine = make_engine(committed_url, **pool)
    try:
        yield make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
    finally:
        engine.dispose()


def _seed(factory: sessionmaker[Session], count: int) -> tuple[int, list[int]]:
    seeded: tuple[int, list[int]] | None = None
    with transaction(factory) as session:
        parameters_service.seed_defaults(session)
        session.add(
            Cooperative(
                name="Interim Kultur ekonomisk förening",
                organisation_number="769621-2344",
                vat_number="SE769621234401",
                street="Kulturgatan 1",
                postal_code="211 20",
                city="Malmö",
                bankgiro="5050-1055",
            )
        )
        treasurer = User(email="kassor@example.se", full_name="Karin Kassör", password_hash="x")
        treasurer.role_rows = [UserRole(role=Role.treasurer)]
        member = Member(
            first_name="Mia",
            last_name="Medlem",
            personal_identity_number="199005141230",
            birth_date=date(1990, 5, 14),
            joined_on=date(2025, 1, 1),
        )
        client = Client(
            name="Lunds kommun",
            organisation_number="212000-1124",
            street="Box 41",
            postal_code="221 00",
            city="Lund",
            default_buyer_reference="KF-4711",
        )
        session.add_all([treasurer, member, client])
        session.flush()
        assignments = [
            Assignment(
                member_id=member.id,
                client_id=client.id,
                title=f"Föreställning {index}",
                period_start=date(2026, 2, 9),
                period_end=date(2026, 2, 9),
                extent_quantity=Decimal("1"),
                extent_unit=ExtentUnit.days,
                status=AssignmentStatus.approved,
                lines=[
                    AssignmentLine(
                        position=1,
                        description="Föreställning",
                        quantity=Decimal("1"),
                        unit="DAY",
                        unit_price=Decimal("5000.00"),
                        vat_category=VatCategory.STANDARD,
                        vat_rate=Decimal("25"),
                    )
                ],
            )
            for index in range(count)
        ]
        session.add_all(assignments)
        session.flush()
        seeded = treasurer.id, [assignment.id for assignment in assignments]
    assert seeded is not None
    return seeded


def test_parallel_issuers_with_rollbacks_leave_no_gap_and_no_duplicate(
    committed_factory: sessionmaker[Session],
) -> None:
    treasurer_id, assignment_ids = _seed(committed_factory, ISSUERS * ATTEMPTS_PER_ISSUER)
    start = threading.Barrier(ISSUERS)
    committed: list[str] = []
    rolled_back: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def issuer(worker: int) -> None:
        start.wait()
        for attempt in range(ATTEMPTS_PER_ISSUER):
            assignment_id = assignment_ids[worker * ATTEMPTS_PER_ISSUER + attempt]
            roll_back = (worker + attempt) % 3 == 0
            try:
                with transaction(committed_factory) as session:
                    actor = session.get_one(User, treasurer_id)
                    invoice = service.issue_invoice(
                        session,
                        data=InvoiceIssue(assignment_id=assignment_id),
                        actor=actor,
                        today=DAY,
                        now=datetime(2026, 11, 20, 12, 0, tzinfo=UTC),
                    )
                    if roll_back:
                        with lock:
                            rolled_back.append(invoice.number)
                        raise Rollback
                    number = invoice.number
                with lock:
                    committed.append(number)
            except Rollback:
                pass
            except BaseException as exc:  # reported by the main thread
                with lock:
                    errors.append(exc)

    threads = [threading.Thread(target=issuer, args=(worker,)) for worker in range(ISSUERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert errors == []
    assert rolled_back, "some transactions must have rolled back"
    with transaction(committed_factory) as session:
        stored = session.scalars(select(Invoice.sequence).order_by(Invoice.sequence)).all()
        numbers = session.scalars(select(Invoice.number)).all()
        counter = session.get_one(InvoiceNumberCounter, ("F", 2026))
        assert list(stored) == list(range(1, len(committed) + 1))
        assert sorted(numbers) == sorted(committed)
        assert counter.last_sequence == len(committed)
    assert len(committed) + len(rolled_back) == ISSUERS * ATTEMPTS_PER_ISSUER
