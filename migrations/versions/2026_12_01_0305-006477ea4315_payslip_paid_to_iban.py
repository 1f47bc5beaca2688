"""payslip paid to IBAN: a payslip records the account the net pay went to, a Swedish IBAN or clearing-account

A member may give a Swedish IBAN instead of a clearing and account number; the payslip then records the IBAN
(new payslips.bank_iban, encrypted at rest like the other two) and leaves the clearing and account number
empty, so those two become nullable. Issued payslips keep what they have: no row is touched. The downgrade
refuses while a payslip paid to an IBAN exists: an issued payslip is never changed or deleted.

Revision ID: 006477ea4315
Revises: 08f9f2420b0f
Create Date: 2026-12-01 03:10:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision: str = "006477ea4315"
down_revision: str | None = "08f9f2420b0f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _set_sqlite_foreign_keys(enabled=False)
    with op.batch_alter_table("payslips") as batch_op:
        batch_op.add_column(sa.Column("bank_iban", sa.String(length=255), nullable=True))
        _set_nullable(batch_op, nullable=True)
    _set_sqlite_foreign_keys(enabled=True)


def downgrade() -> None:
    paid_to_iban = op.get_bind().scalar(sa.text("SELECT count(*) FROM payslips WHERE bank_iban IS NOT NULL"))
    if paid_to_iban:
        raise RuntimeError(
            f"{paid_to_iban} issued payslips were paid to an IBAN; the older schema cannot keep them and an "
            "issued payslip is never changed or deleted"
        )
    _set_sqlite_foreign_keys(enabled=False)
    with op.batch_alter_table("payslips") as batch_op:
        _set_nullable(batch_op, nullable=False)
        batch_op.drop_column("bank_iban")
    _set_sqlite_foreign_keys(enabled=True)


def _set_nullable(batch_op: BatchOperations, *, nullable: bool) -> None:
    for column in ("bank_clearing_number", "bank_account_number"):
        batch_op.alter_column(column, existing_type=sa.String(length=255), nullable=nullable)


def _set_sqlite_foreign_keys(*, enabled: bool) -> None:
    """SQLite alters a table by copying it and dropping the old one, which its foreign keys refuse while
    payslip lines point at payslips. The pragma only takes effect outside a transaction; the rows keep their
    ids, so no reference breaks."""
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.get_context().autocommit_block():
        raw = op.get_bind().connection.driver_connection
        if raw.in_transaction:
            raw.execute("COMMIT")
        raw.execute(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")
