"""A camt.054 file is imported in as many statements for twelve credits as for three (P6): the credits are
read, decided and written as a set, as a month's file of a large cooperative needs."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment
from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.audit.models import AuditEvent
from kooperativet.auth.models import Role
from kooperativet.invoices.bank_import import import_camt054
from kooperativet.invoices.models import Invoice, InvoiceStatus, Payment, UnmatchedBankEntry
from tests.statement_count import statement_count

NOW = datetime(2026, 3, 16, 8, 0, tzinfo=UTC)


def _camt(entries: list[tuple[str, str, tuple[str, ...]]]) -> bytes:
    """A camt.054 file of booked credits: (bank reference, amount, OCR references) each."""

    def structured(ocrs: tuple[str, ...]) -> str:
        return "".join(f"<Strd><CdtrRefInf><Ref>{ocr}</Ref></CdtrRefInf></Strd>" for ocr in ocrs)

    rows = "".join(
        f"""<Ntry><Amt Ccy="SEK">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-03-16</Dt></BookgDt><AcctSvcrRef>{reference}</AcctSvcrRef>
        <NtryDtls><TxDtls><RmtInf>{structured(ocrs)}</RmtInf></TxDtls></NtryDtls></Ntry>"""
        for reference, amount, ocrs in entries
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn>
<GrpHdr><MsgId>MSG</MsgId><CreDtTm>2026-03-16T06:00:00</CreDtTm></GrpHdr>
<Ntfctn><Id>N</Id><CreDtTm>2026-03-16T06:00:00</CreDtTm><Acct><Id><Othr><Id>50501055</Id></Othr></Id></Acct>
{rows}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>""".encode()


def _credits_for(invoices: list[Invoice], *, tag: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """For each group of four invoices: one paid in full, one in part, one paid together with the fourth by a
    credit with two references, and a credit no invoice's OCR names."""
    credits = []
    for group in range(0, len(invoices), 4):
        whole, part, first, second = invoices[group : group + 4]
        credits += [
            (f"{tag}-{group}-A", str(whole.payable), (whole.ocr,)),
            (f"{tag}-{group}-B", "1000.00", (part.ocr,)),
            (f"{tag}-{group}-C", str(first.payable + second.payable), (first.ocr, second.ocr)),
            (f"{tag}-{group}-D", "10.00", ("2099000105",)),
        ]
    return credits


def test_a_bank_file_takes_as_many_statements_for_twelve_invoices_as_for_three(
    session: Session, connection: Connection, seller, municipality, make_member, make_assignment, make_user,
    on_day, api,
) -> None:  # fmt: skip
    treasurer = make_user(Role.treasurer)
    member = make_member()
    issued = []
    for _ in range(16):
        assignment = make_assignment(member.member, municipality)
        response = api.post(
            "/api/v1/invoices", json={"assignment_id": assignment.id}, headers=treasurer.headers
        )
        assert response.status_code == 201, response.text
        issued.append(session.get_one(Invoice, response.json()["id"]))
    small, large = issued[:4], issued[4:]

    def imported(invoices: list[Invoice], tag: str) -> int:
        content = _camt(_credits_for(invoices, tag=tag))
        return statement_count(
            connection, lambda: import_camt054(session, content=content, actor=treasurer.user, now=NOW)
        )

    assert imported(small, "S") == imported(large, "L")

    session.expire_all()
    statuses = [session.get_one(Invoice, invoice.id).status for invoice in issued]
    assert statuses == [
        InvoiceStatus.paid, InvoiceStatus.partly_paid, InvoiceStatus.paid, InvoiceStatus.paid
    ] * 4  # fmt: skip
    paid_assignments = session.scalars(
        select(Assignment.status).where(Assignment.id.in_([invoice.assignment_id for invoice in issued]))
    ).all()
    assert sorted(paid_assignments) == sorted([AssignmentStatus.paid] * 12 + [AssignmentStatus.invoiced] * 4)
    assert session.scalar(select(func.count()).select_from(Payment)) == 16
    assert session.scalar(select(func.count()).select_from(UnmatchedBankEntry)) == 4
    recorded = [
        json.loads(payload)
        for payload in session.scalars(
            select(AuditEvent.payload).where(AuditEvent.kind == "payment_recorded").order_by(AuditEvent.id)
        )
    ]
    payments = {payment.id: payment for payment in session.scalars(select(Payment))}
    # An event per payment, in the file's order, naming the payment it records.
    assert [
        (payments[event["payment_id"]].bank_entry_reference, Decimal(event["amount"]))
        for event in recorded[:4]
    ] == [
        ("S-0-A", issued[0].payable), ("S-0-B", Decimal("1000.00")),
        ("S-0-C#1", issued[2].payable), ("S-0-C#2", issued[3].payable),
    ]  # fmt: skip
