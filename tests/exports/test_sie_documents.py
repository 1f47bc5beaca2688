"""The SIE batch records each document it booked under its kind — invoice, credit note, payment — and a later
batch of the same range books only what came since (the database finds the booked documents again)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.exports.formats import sie_read
from kooperativet.exports.models import DocumentKind, ExportedDocument
from kooperativet.invoices.models import Invoice, Payment, PaymentSource
from tests.exports.conftest import ApprovedRun
from tests.payroll.conftest import credit_note

EXPORTS = "/api/v1/exports"
JUNE = {"from": "2026-06-01", "to": "2026-06-30"}


def _payment(session: Session, invoice: Invoice, paid_on: date, by: int) -> Payment:
    payment = Payment(
        invoice_id=invoice.id,
        amount=invoice.payable,
        paid_on=paid_on,
        source=PaymentSource.manual,
        recorded_by_id=by,
    )
    session.add(payment)
    session.flush()
    return payment


def _booked(session: Session, batch_id: int) -> set[tuple[DocumentKind, int]]:
    return {
        (DocumentKind(row.document_kind), row.document_id)
        for row in session.execute(
            select(ExportedDocument.document_kind, ExportedDocument.document_id).where(
                ExportedDocument.batch_id == batch_id
            )
        )
    }


def test_invoices_credit_notes_and_payments_are_booked_once_each_under_their_kind(
    api: TestClient, session: Session, approved_run: ApprovedRun, export_day: date
) -> None:
    headers = approved_run.treasurer.headers  # type: ignore[attr-defined]
    invoices = list(session.scalars(select(Invoice).order_by(Invoice.id)))  # the run's, issued 1 June
    user_id = invoices[0].issued_by_id
    half = (invoices[0].payable / 2).quantize(Decimal("0.01"))
    credit = credit_note(session, invoices[0], half, issued_on=date(2026, 6, 20))
    paid = _payment(session, invoices[1], date(2026, 6, 15), user_id)

    first = api.post(f"{EXPORTS}/sie", json=JUNE, headers=headers)
    assert first.status_code == 201, first.text

    assert _booked(session, first.json()["id"]) == {
        *((DocumentKind.invoice, invoice.id) for invoice in invoices),
        (DocumentKind.credit_note, credit.id),
        (DocumentKind.payment, paid.id),
    }
    assert first.json()["document_count"] == len(invoices) + 2
    content = api.get(f"{EXPORTS}/{first.json()['id']}/file", headers=headers).content
    texts = [voucher.text for voucher in sie_read.read(content).vouchers]
    assert texts.count(f"Kreditfaktura {credit.number} Malmö stad") == 1
    assert texts.count(f"Inbetalning faktura {invoices[1].number}") == 1

    later = _payment(session, invoices[2], date(2026, 6, 29), user_id)
    second = api.post(f"{EXPORTS}/sie", json=JUNE, headers=headers)
    assert second.status_code == 201, second.text
    assert _booked(session, second.json()["id"]) == {(DocumentKind.payment, later.id)}
    assert api.post(f"{EXPORTS}/sie", json=JUNE, headers=headers).status_code == 409


def test_two_files_of_different_periods_made_the_same_day_have_different_names(
    api: TestClient, session: Session, approved_run: ApprovedRun, export_day: date
) -> None:
    """Named by the period they book, not by the day they were made: the treasurer who exports November and
    then December on the same day keeps both files in her downloads, and tells them apart."""
    headers = approved_run.treasurer.headers  # type: ignore[attr-defined]
    invoices = list(session.scalars(select(Invoice).order_by(Invoice.id)))
    _payment(session, invoices[0], date(2026, 6, 15), invoices[0].issued_by_id)

    first_half = api.post(f"{EXPORTS}/sie", json={"from": "2026-06-01", "to": "2026-06-10"}, headers=headers)
    june = api.post(f"{EXPORTS}/sie", json=JUNE, headers=headers)

    assert (first_half.status_code, june.status_code) == (201, 201), june.text
    names = [answer.json()["filename"] for answer in (first_half, june)]
    orgnr = names[0].split("-")[1]
    assert names == [f"sie4i-{orgnr}-20260601-20260610.si", f"sie4i-{orgnr}-20260601-20260630.si"]
