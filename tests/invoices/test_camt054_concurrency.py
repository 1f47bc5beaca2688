"""The same camt.054 file imported twice at the same moment records each bank credit once: imports take
turns (``db.take_turns``), so the second reads what the first stored and skips it as already imported.

This needs real commits from two connections, so it builds its own throw-away database (SQLite file or a new
PostgreSQL database, as ``tests/conftest.py`` does); the race it guards against is PostgreSQL's.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kooperativet.assignments.models import Assignment, AssignmentLine
from kooperativet.assignments.rules import AssignmentStatus, ExtentUnit
from kooperativet.auth.models import Role, User, UserRole
from kooperativet.core.vat import VatCategory
from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.invoices import bank_import, service
from kooperativet.invoices.models import Payment, UnmatchedBankEntry
from kooperativet.invoices.schemas import InvoiceIssue
from kooperativet.parameters import service as parameters_service
from kooperativet.parties.models import Client, Cooperative, Member
from tests.conftest import TEST_AUDIT_KEY

CAMT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>RACE-1</MsgId><CreDtTm>2026-03-15T06:00:00</CreDtTm></GrpHdr>
    <Ntfctn>
      <Id>RACE-N-1</Id>
      <Acct><Id><Othr><Id>50501055</Id></Othr></Id></Acct>
      <Ntry>
        <Amt Ccy="SEK">{amount}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2026-03-14</Dt></BookgDt>
        <AcctSvcrRef>RACEBANK-0001</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <RmtInf><Strd><CdtrRefInf><Ref>{ocr}</Ref></CdtrRefInf></Strd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>
"""


@pytest.fixture
def committed_factory(committed_url: str) -> Iterator[sessionmaker[Session]]:
    pool = {"pool_size": 4} if committed_url.startswith("postgresql") else {}
    engine = make_engine(committed_url, **pool)
    try:
        yield make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
    finally:
        engine.dispose()


def _seed(factory: sessionmaker[Session]) -> tuple[list[int], str, Decimal]:
    """Two treasurers and one issued invoice of 6 250.00; their ids, its OCR and its payable amount."""
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
        treasurers = []
        for index in range(2):
            user = User(email=f"kassor{index}@example.se", full_name="Karin Kassör", password_hash="x")
            user.role_rows = [UserRole(role=Role.treasurer)]
            treasurers.append(user)
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
        session.add_all([*treasurers, member, client])
        session.flush()
        assignment = Assignment(
            member_id=member.id,
            client_id=client.id,
            title="Föreställning",
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
        session.add(assignment)
        session.flush()
        invoice = service.issue_invoice(
            session,
            data=InvoiceIssue(assignment_id=assignment.id),
            actor=treasurers[0],
            today=date(2026, 3, 2),
            now=datetime(2026, 3, 2, 12, 0, tzinfo=UTC),
        )
        assert invoice.ocr is not None
        return [user.id for user in treasurers], invoice.ocr, invoice.payable


def test_the_same_bank_file_imported_twice_at_once_is_recorded_once(
    committed_factory: sessionmaker[Session],
) -> None:
    (first_id, second_id), ocr, payable = _seed(committed_factory)
    content = CAMT.format(amount=payable, ocr=ocr).encode()
    first_imported = threading.Event()
    errors: list[BaseException] = []

    def importer(user_id: int, *, first: bool) -> None:
        try:
            with transaction(committed_factory) as session:
                if not first:
                    first_imported.wait(10)
                bank_import.import_camt054(
                    session,
                    content=content,
                    actor=session.get_one(User, user_id),
                    now=datetime(2026, 3, 15, 8, 0, tzinfo=UTC),
                )
                if first:
                    first_imported.set()
                    time.sleep(1.5)  # still uncommitted while the second import starts
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=importer, args=(first_id,), kwargs={"first": True}),
        threading.Thread(target=importer, args=(second_id,), kwargs={"first": False}),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    with transaction(committed_factory) as session:
        stored = session.scalar(select(func.count()).select_from(Payment))
        unmatched = session.scalars(select(UnmatchedBankEntry.reason)).all()
    # One credit at the bank: one payment, and nothing left for the treasurer to sort out.
    assert (errors, stored, unmatched) == ([], 1, [])
