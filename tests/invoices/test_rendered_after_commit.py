"""The document pipeline on invoices: the issue commits the snapshot, the PDF is rendered after the commit
from the stored snapshot and stored once; a pending PDF is rendered by the download, never overwritten."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kooperativet.audit.models import AuditEvent
from kooperativet.audit.service import verify
from kooperativet.auth.models import Role
from kooperativet.documents.pipeline import render_now, store_once
from kooperativet.invoices import documents
from kooperativet.invoices.documents import INVOICE_PDF, render_documents
from kooperativet.invoices.models import Invoice
from kooperativet.invoices.snapshot import snapshot_from_json


@pytest.fixture
def treasurer(make_user):
    return make_user(Role.treasurer)


@pytest.fixture
def open_transactions(session_factory, session) -> set[Session]:
    """The requests' sessions with a transaction open at the moment (the test's own session aside)."""
    open_: set[Session] = set()

    def began(unit: Session, _transaction, _connection) -> None:
        if unit is not session:
            open_.add(unit)

    def ended(unit: Session, transaction) -> None:
        if transaction.parent is None:
            open_.discard(unit)

    event.listen(session_factory, "after_begin", began)
    event.listen(session_factory, "after_transaction_end", ended)
    return open_


def test_the_issue_commits_the_snapshot_and_the_pdf_is_rendered_after_the_commit(
    api, session, seller, municipality, make_member, make_assignment, treasurer, on_day, monkeypatch,
    open_transactions,
) -> None:  # fmt: skip
    real_render = documents.render_pdf
    at_rendering: list[tuple[int, list[int]]] = []

    def spy(template, context, **kwargs):
        pending = select(Invoice.id).where(Invoice.pdf_sha256.is_(None))
        at_rendering.append((len(open_transactions), list(session.connection().execute(pending).scalars())))
        return real_render(template, context, **kwargs)

    monkeypatch.setattr(documents, "render_pdf", spy)
    assignment = make_assignment(make_member().member, municipality)

    response = api.post("/api/v1/invoices", json={"assignment_id": assignment.id}, headers=treasurer.headers)

    assert response.status_code == 201, response.text
    body = response.json()
    # Rendered once, with no transaction of the request open, the snapshot stored and the PDF not yet.
    assert at_rendering == [(0, [body["id"]])]
    invoice = session.get_one(Invoice, body["id"])
    session.refresh(invoice)
    assert invoice.pdf is not None
    assert hashlib.sha256(invoice.pdf).hexdigest() == invoice.pdf_sha256 == body["pdf_sha256"]
    # Rendered from the stored snapshot: the same bytes as rendering it again.
    assert render_documents(snapshot_from_json(invoice.snapshot)).pdf == invoice.pdf


def test_a_failing_renderer_leaves_the_invoice_issued_and_pending_until_the_download_renders_it(
    api, session, seller, municipality, make_member, make_assignment, treasurer, on_day, monkeypatch
) -> None:
    def broken(*_args, **_kwargs):
        raise RuntimeError("the renderer is down")

    real_render = documents.render_pdf
    monkeypatch.setattr(documents, "render_pdf", broken)
    assignment = make_assignment(make_member().member, municipality)

    response = api.post("/api/v1/invoices", json={"assignment_id": assignment.id}, headers=treasurer.headers)

    assert response.status_code == 201, response.text
    invoice_id = response.json()["id"]
    assert response.json()["pdf_sha256"] is None
    assert response.json()["number"] == "2026-0001"
    read = api.get(f"/api/v1/invoices/{invoice_id}", headers=treasurer.headers)
    assert (read.status_code, read.json()["pdf_sha256"]) == (200, None)

    monkeypatch.setattr(documents, "render_pdf", real_render)
    download = api.get(f"/api/v1/invoices/{invoice_id}/pdf", headers=treasurer.headers)

    assert download.status_code == 200, download.text
    sha256 = hashlib.sha256(download.content).hexdigest()
    assert download.headers["ETag"] == f'"{sha256}"'
    assert api.get(f"/api/v1/invoices/{invoice_id}", headers=treasurer.headers).json()["pdf_sha256"] == sha256
    again = api.get(f"/api/v1/invoices/{invoice_id}/pdf", headers=treasurer.headers)
    assert again.content == download.content


def test_a_second_renderer_never_replaces_a_stored_pdf(
    api, session, seller, municipality, make_member, make_assignment, treasurer, on_day
) -> None:
    assignment = make_assignment(make_member().member, municipality)
    body = api.post(
        "/api/v1/invoices", json={"assignment_id": assignment.id}, headers=treasurer.headers
    ).json()
    invoice = session.get_one(Invoice, body["id"])
    stored = invoice.pdf

    assert store_once(session, INVOICE_PDF, invoice.id, b"%PDF-1.7 another rendering") is False
    assert render_now(session, INVOICE_PDF, [invoice.id]) == 0

    session.expire_all()
    invoice = session.get_one(Invoice, body["id"])
    assert (invoice.pdf, invoice.pdf_sha256) == (stored, body["pdf_sha256"])


def test_a_refused_issue_leaves_nothing_to_render(
    api, session, seller, municipality, make_member, make_assignment, treasurer, on_day, monkeypatch
) -> None:
    rendered: list[str] = []
    monkeypatch.setattr(
        documents, "render_pdf", lambda template, *_a, **_k: rendered.append(template) or b"%PDF"
    )
    assignment = make_assignment(make_member().member, municipality)
    issued = api.post("/api/v1/invoices", json={"assignment_id": assignment.id}, headers=treasurer.headers)
    rendered.clear()

    twice = api.post("/api/v1/invoices", json={"assignment_id": assignment.id}, headers=treasurer.headers)

    assert issued.status_code == 201
    assert twice.status_code in (409, 422), twice.text
    assert rendered == []  # rolled back: nothing runs after a rollback


def test_the_database_lets_the_pdf_be_set_once_and_never_changed(
    api, session, seller, municipality, make_member, make_assignment, treasurer, on_day, monkeypatch
) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the immutability trigger exists on PostgreSQL")
    monkeypatch.setattr(documents, "render_pdf", lambda *_a, **_k: b"%PDF-1.7 first")
    assignment = make_assignment(make_member().member, municipality)
    issued = api.post("/api/v1/invoices", json={"assignment_id": assignment.id}, headers=treasurer.headers)
    body = issued.json()
    assert body["pdf_sha256"] == hashlib.sha256(b"%PDF-1.7 first").hexdigest()

    for statement in (
        "UPDATE invoices SET pdf_sha256 = NULL, pdf = NULL",
        "UPDATE invoices SET pdf = 'x'",
        "UPDATE invoices SET pdf_sha256 = 'x'",
    ):
        with pytest.raises(DBAPIError, match="never changes"), session.begin_nested():
            session.execute(text(statement))


def test_storing_the_pdf_is_recorded_in_the_audit_log_with_its_sha256_once(
    api, session, seller, municipality, make_member, make_assignment, treasurer, on_day
) -> None:
    assignment = make_assignment(make_member().member, municipality)
    body = api.post(
        "/api/v1/invoices", json={"assignment_id": assignment.id}, headers=treasurer.headers
    ).json()
    credit = api.post(
        f"/api/v1/invoices/{body['id']}/credit-notes",
        json={"reason": "fel belopp"},
        headers=treasurer.headers,
    )
    assert credit.status_code == 201, credit.text

    # A second renderer stores nothing, and records nothing.
    assert store_once(session, INVOICE_PDF, body["id"], b"%PDF-1.7 another rendering") is False
    rendered = session.scalars(
        select(AuditEvent).where(AuditEvent.kind == "document_rendered").order_by(AuditEvent.id)
    )
    assert [json.loads(event.payload) for event in rendered] == [
        {"document": "invoice", "id": body["id"], "number": body["number"], "pdf_sha256": body["pdf_sha256"]},
        {
            "document": "credit_note",
            "id": credit.json()["id"],
            "number": credit.json()["number"],
            "pdf_sha256": credit.json()["pdf_sha256"],
        },
    ]
    assert verify(session).ok
