"""invoices without UBL: an invoice to a buyer without a Peppol address is a PDF only

``invoices.ubl`` and ``invoices.ubl_sha256`` become nullable: a private person, or a business without a
Peppol address, gets the PDF as the invoice and no UBL is made (invoicing.md, "Who gets an e-invoice").
The downgrade refuses while such invoices exist: an issued invoice is never changed or deleted.

Revision ID: 40d49a03f7e2
Revises: 5a63990a0213
Create Date: 2026-12-01 03:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "40d49a03f7e2"
down_revision: str | None = "5a63990a0213"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _set_nullable(nullable=True)


def downgrade() -> None:
    pdf_only = op.get_bind().scalar(sa.text("SELECT count(*) FROM invoices WHERE ubl IS NULL"))
    if pdf_only:
        raise RuntimeError(
            f"{pdf_only} issued invoices have no UBL; they cannot be kept by the older schema and an issued "
            "invoice is never deleted"
        )
    _set_nullable(nullable=False)


def _set_nullable(*, nullable: bool) -> None:
    _set_sqlite_foreign_keys(enabled=False)
    with op.batch_alter_table("invoices") as batch_op:
        batch_op.alter_column("ubl", existing_type=sa.LargeBinary(), nullable=nullable)
        batch_op.alter_column("ubl_sha256", existing_type=sa.String(length=64), nullable=nullable)
    _set_sqlite_foreign_keys(enabled=True)


def _set_sqlite_foreign_keys(*, enabled: bool) -> None:
    """SQLite alters a table by copying it and dropping the old one, which its foreign keys refuse while
    invoice lines and payments point at invoices. The pragma only takes effect outside a transaction; the
    rows keep their ids, so no reference breaks."""
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.get_context().autocommit_block():
        raw = op.get_bind().connection.driver_connection
        if raw.in_transaction:
            raw.execute("COMMIT")
        raw.execute(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")
