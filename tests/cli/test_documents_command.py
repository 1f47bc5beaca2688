"""``kooperativet documents render-pending`` in a new process: the documents whose rendering after the commit
never ran (the process stopped between the commit and the rendering) are rendered from their committed
snapshots and stored once, each recorded in the audit log with its SHA-256, and a second run finds nothing.

The data is made by the demo's own steps (members, approved assignments with their anställningsbevis,
invoices and a credit note), with the work each step left for after its commit thrown away.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from kooperativet import encryption, migrate
from kooperativet.db import AFTER_COMMIT, make_engine, make_session_factory, transaction
from kooperativet.demo import DemoContext, Manifest, assignments, invoicing, people
from tests.cli.fresh import Kooperativet, fresh_database, output, rows
from tests.conftest import TEST_AUDIT_KEY


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("documents")


@pytest.fixture(scope="module")
def database(folder: Path, keyring: encryption.Keyring) -> Iterator[Engine]:
    with fresh_database(folder) as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        context = DemoContext(out=folder / "seeded", today=date(2026, 11, 20), manifest=Manifest())
        factory = make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
        for step in (people.run, assignments.run, invoicing.run):
            with transaction(factory) as session:
                context.session = session
                step(context)
                session.info.pop(AFTER_COMMIT, None)  # the process stops after the commit
        yield engine
        engine.dispose()


@pytest.fixture(scope="module")
def kooperativet(database: Engine, folder: Path) -> Kooperativet:
    return Kooperativet(database_url=database.url.render_as_string(hide_password=False), folder=folder)


def pending(database: Engine) -> dict[str, object]:
    return {
        "invoice": rows(database, "SELECT count(*) FROM invoices WHERE pdf_sha256 IS NULL")[0][0],
        "employment_certificate": rows(
            database, "SELECT count(*) FROM employments WHERE certificate_sha256 IS NULL"
        )[0][0],
    }


def test_render_pending_renders_each_kinds_pending_documents_once_and_records_them(
    kooperativet: Kooperativet, database: Engine
) -> None:
    waiting = pending(database)
    assert int(str(waiting["invoice"])) >= 3, waiting
    assert int(str(waiting["employment_certificate"])) >= 3, waiting

    lines = output(kooperativet("documents", "render-pending"))

    assert lines == [  # every registered kind, by name
        f"employment_certificate: {waiting['employment_certificate']} rendered",
        f"invoice: {waiting['invoice']} rendered",
        "invoice_reminder: 0 rendered",
        "minutes: 0 rendered",
        "payslip: 0 rendered",
    ]
    assert pending(database) == {"invoice": 0, "employment_certificate": 0}
    stored = {
        **{
            ("invoice", number): (pdf, sha256)
            for number, pdf, sha256 in rows(database, "SELECT number, pdf, pdf_sha256 FROM invoices")
        },
        **{
            ("employment_certificate", row_id): (pdf, sha256)
            for row_id, pdf, sha256 in rows(
                database, "SELECT id, certificate_pdf, certificate_sha256 FROM employments"
            )
        },
    }
    for pdf, sha256 in stored.values():
        assert isinstance(pdf, bytes)
        assert pdf.startswith(b"%PDF-")
        assert hashlib.sha256(pdf).hexdigest() == sha256
    # Each stored PDF is in the audit log with its SHA-256.
    recorded = [
        json.loads(str(payload))
        for (payload,) in rows(database, "SELECT payload FROM audit_events WHERE kind = 'document_rendered'")
    ]
    assert sorted(event["pdf_sha256"] for event in recorded) == sorted(sha for _, sha in stored.values())
    invoices = {e["number"]: e["pdf_sha256"] for e in recorded if e["document"] in ("invoice", "credit_note")}
    assert invoices == {number: sha for (kind, number), (_, sha) in stored.items() if kind == "invoice"}
    assert output(kooperativet("audit", "verify"))[0].startswith("audit log intact: ")

    assert output(kooperativet("documents", "render-pending")) == [
        "employment_certificate: 0 rendered",
        "invoice: 0 rendered",
        "invoice_reminder: 0 rendered",
        "minutes: 0 rendered",
        "payslip: 0 rendered",
    ]
