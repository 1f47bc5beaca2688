"""How PostgreSQL stores the two large values of a payroll month (migration 5d0c7e9a41b2): a payslip's
encrypted snapshot is never compressed (ciphertext does not compress), and the month's files are compressed
by LZ4 where the server has it."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from kooperativet.exports.models import ExportBatch, ExportKind

_ATTRIBUTE = text(
    "SELECT attstorage, attcompression FROM pg_attribute "
    "WHERE attrelid = CAST(:table AS regclass) AND attname = :column"
)
_LZ4 = text("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")


@pytest.fixture
def postgresql(session: Session) -> Session:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("storage and compression are PostgreSQL's settings; SQLite has neither")
    return session


def _storage(session: Session, table: str, column: str) -> tuple[str, str]:
    row = session.execute(_ATTRIBUTE, {"table": table, "column": column}).one()
    return row.attstorage, row.attcompression


def test_a_snapshot_is_stored_without_compression(postgresql: Session) -> None:
    assert _storage(postgresql, "payslip_snapshots", "snapshot") == ("e", "")  # EXTERNAL


def test_a_month_s_file_is_stored_compressed_by_lz4(postgresql: Session) -> None:
    lz4 = postgresql.scalar(_LZ4)
    assert _storage(postgresql, "export_batches", "content") == ("x", "l" if lz4 else "")  # EXTENDED
    if not lz4:
        return  # a server built without LZ4 keeps its own compression (the migration checks)
    content = b"".join(b"<Individuppgift><Belopp>%d</Belopp></Individuppgift>\n" % n for n in range(50_000))
    batch = ExportBatch(
        kind=ExportKind.agi,
        period="2026-11",
        filename="agi.xml",
        media_type="application/xml",
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        notes=[],
        created_at=datetime(2026, 11, 26, tzinfo=UTC),
    )
    postgresql.add(batch)
    postgresql.flush()
    method, size = postgresql.execute(
        text(
            "SELECT pg_column_compression(content), pg_column_size(content) "
            "FROM export_batches WHERE id = :id"
        ),
        {"id": batch.id},
    ).one()
    assert method == "lz4"
    assert size < len(content) // 4
