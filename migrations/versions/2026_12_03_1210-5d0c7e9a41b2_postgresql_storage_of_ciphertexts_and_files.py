"""PostgreSQL stores a payslip's encrypted snapshot without trying to compress it, and the month's files with
LZ4 instead of its own compression

A value of more than about two kilobytes is compressed by PostgreSQL before it is stored (``pglz``, the
default). A payslip's snapshot is ciphertext (AES-GCM, then base64): it cannot be compressed, and each try
is wasted. Measured on the payroll benchmark's 9 709 snapshots of about 7 kB (2026-12-03): writing them
took 0.97 s with the default storage and 0.72 s without the try (median of five), so the column is stored
``EXTERNAL``: out of line when large, never compressed.

The month's export files (AGI, SIE, pain.001: XML and text of megabytes) compress well, but ``pglz`` spent
0.10–0.14 s on an AGI file of 11 MB where LZ4 spends 0.015–0.03 s, and stores it about as small (0.40 MB
against 0.38 MB). LZ4 is used where the server was built with it (PostgreSQL 14 and later, as Debian's
packages are); elsewhere the column keeps the default. Rows already stored stay as they are; both settings
only change how new values are written. SQLite has neither setting and is left alone.

Revision ID: 5d0c7e9a41b2
Revises: f2cea4bcee3e
Create Date: 2026-12-03 12:10:00.000000+00:00
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "5d0c7e9a41b2"
down_revision: str | None = "f2cea4bcee3e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _lz4_available() -> bool:
    supported = op.get_bind().scalar(
        text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
    )
    return bool(supported) and "lz4" in supported


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE payslip_snapshots ALTER COLUMN snapshot SET STORAGE EXTERNAL")
    if _lz4_available():
        op.execute("ALTER TABLE export_batches ALTER COLUMN content SET COMPRESSION lz4")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    if _lz4_available():  # a server without it has no per-column compression to reset
        op.execute("ALTER TABLE export_batches ALTER COLUMN content SET COMPRESSION default")
    op.execute("ALTER TABLE payslip_snapshots ALTER COLUMN snapshot SET STORAGE EXTENDED")
