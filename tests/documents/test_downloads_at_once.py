"""Several downloads of a PDF still being rendered, at the same moment: each gets the same stored bytes.

On SQLite a download's session reads (``BEGIN DEFERRED``); each download renders the pending PDF and stores
it, and a read that turns into a write failed at once ("database is locked", a 500) when another download
had stored it meanwhile. The storing now begins as a writer, which waits its turn and finds the PDF stored.
This needs real commits from several connections, so it uses a throw-away database of its own."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from kooperativet.auth.models import User
from kooperativet.db import READ_ONLY, make_engine, make_session_factory, transaction
from kooperativet.documents.pipeline import stored_pdf
from kooperativet.invoices import service
from kooperativet.invoices.documents import INVOICE_PDF
from kooperativet.invoices.models import Invoice
from kooperativet.invoices.schemas import InvoiceIssue
from tests.concurrency import at_once
from tests.conftest import TEST_AUDIT_KEY
from tests.invoices.test_numbering_concurrency import _seed

DOWNLOADS = 6
TRIES = 3


@pytest.fixture
def engine_and_factory(committed_url: str) -> Iterator[tuple[object, sessionmaker[Session]]]:
    if committed_url.startswith("postgresql"):
        # Each transaction there reads and writes as one (no lock to upgrade), and the trigger that keeps an
        # issued invoice's PDF unchanged does not let the test make one pending again.
        pytest.skip("the lock upgrade is SQLite's")
    engine = make_engine(committed_url)
    try:
        yield engine, make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
    finally:
        engine.dispose()


def test_parallel_downloads_of_a_pending_pdf_each_get_the_stored_bytes(engine_and_factory) -> None:
    engine, factory = engine_and_factory
    treasurer_id, assignment_ids = _seed(factory, TRIES)
    readers = make_session_factory(engine.execution_options(**{READ_ONLY: True}), audit_key=TEST_AUDIT_KEY)
    for assignment_id in assignment_ids:
        with transaction(factory) as session:
            invoice = service.issue_invoice(
                session,
                data=InvoiceIssue(assignment_id=assignment_id),
                actor=session.get_one(User, treasurer_id),
                today=date(2026, 3, 2),
                now=datetime(2026, 11, 20, 12, 0, tzinfo=UTC),
            )
            invoice_id = invoice.id
        with transaction(factory) as session:  # pending, as between the commit and the renderer's job
            session.execute(update(Invoice).where(Invoice.id == invoice_id).values(pdf=None, pdf_sha256=None))

        def download(invoice_id: int = invoice_id) -> str:
            with readers() as session:
                pdf = stored_pdf(session, INVOICE_PDF, session.get_one(Invoice, invoice_id))
                return f"{len(pdf) > 1000}:{pdf[:5]!r}"

        outcomes = at_once(*(download for _ in range(DOWNLOADS)))

        assert outcomes == ["True:b'%PDF-'"] * DOWNLOADS
        with factory() as session:
            stored = session.get_one(Invoice, invoice_id)
            assert stored.pdf is not None
            assert stored.pdf_sha256 is not None
