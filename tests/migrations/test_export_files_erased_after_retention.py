"""The migration that lets the purge after retention erase stored export files and mail keeps every batch,
its file and the documents it covered and every message as they were, goes down and up again while nothing
was erased, and refuses to go down once something was (the content cannot come back)."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from kooperativet import migrate
from kooperativet.db import make_engine

BEFORE = "5d2f8c1e7a64"
THIS = "7d2b5e8c1f46"
NOW = "2026-12-01 12:00:00+00:00"
FILE = b"<Skatteverket>199005142385</Skatteverket>"


def _execute(url: str, statement: str, **values: object) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            result = connection.execute(text(statement), values)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def _columns(url: str, table: str) -> dict[str, bool]:
    """Each column of ``table`` and whether it is nullable."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {column["name"]: column["nullable"] for column in inspect(connection).get_columns(table)}
    finally:
        engine.dispose()


def _insert_a_batch_and_a_message(url: str) -> None:
    _execute(
        url,
        "INSERT INTO export_batches (id, kind, period, filename, media_type, content, sha256, notes,"
        " created_at) VALUES (1, 'agi', '2018-06', 'agi-2018-06.xml', 'application/xml', :file, :sha,"
        " '[]', :now)",
        file=FILE,
        sha="a" * 64,
        now=NOW,
    )
    _execute(
        url,
        "INSERT INTO exported_documents (id, batch_id, export_kind, document_kind, document_id)"
        " VALUES (1, 1, 'agi', 'payslip', 7)",
    )
    _execute(
        url,
        "INSERT INTO outgoing_mail (id, template, language, to_addresses, bcc_addresses, subject, text_body,"
        " attachments, message_id, state, queued_at) VALUES (1, 'payslip_ready', 'sv',"
        " '[\"Alva <alva@example.se>\"]', '[]', 'Din lönespecifikation', 'Hej Alva!', '[]',"
        " '<payslip-7@kooperativet.local>', 'sent', :now)",
        now=NOW,
    )


def _kept(url: str) -> list[tuple[object, ...]]:
    batch = _execute(url, "SELECT id, content, sha256 FROM export_batches")
    documents = _execute(url, "SELECT batch_id, document_id FROM exported_documents")
    mail = _execute(url, "SELECT id, text_body FROM outgoing_mail")
    return [(row[0], bytes(row[1]), row[2]) for row in batch] + documents + mail  # type: ignore[arg-type]


@pytest.mark.slow
def test_batches_and_mail_are_kept_the_file_becomes_erasable_and_the_downgrade_refuses_after_an_erasure(
    url: str,
) -> None:
    migrate.upgrade(url, BEFORE)
    _insert_a_batch_and_a_message(url)
    kept = [(1, FILE, "a" * 64), (1, 7), (1, "Hej Alva!")]

    migrate.upgrade(url, THIS)
    assert _kept(url) == kept
    assert _columns(url, "export_batches")["content"] is True
    assert _execute(url, "SELECT erased_at FROM export_batches") == [(None,)]
    assert _execute(url, "SELECT erased_at FROM outgoing_mail") == [(None,)]

    migrate.downgrade(url, BEFORE)
    assert _kept(url) == kept
    assert _columns(url, "export_batches")["content"] is False
    assert "erased_at" not in _columns(url, "export_batches")
    assert "erased_at" not in _columns(url, "outgoing_mail")

    migrate.upgrade(url, THIS)
    assert _kept(url) == kept
    _execute(url, "UPDATE export_batches SET content = NULL, erased_at = :now", now=NOW)
    assert _execute(url, "SELECT content IS NULL FROM export_batches") == [(True,)]
    with pytest.raises(RuntimeError, match=r"1 export file\(s\) and 0 message\(s\) were erased"):
        migrate.downgrade(url, BEFORE)
