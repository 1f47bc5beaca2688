"""member citizenship and foreign tax identification number (TIN) for the AGI of SINK and A-SINK payees

Skatteverket's example files for a payee resident abroad carry the country of citizenship (FK081) and the TIN
given by the country of residence with that country (FK252, FK076); docs/exports.md. The TIN is personal data
and is stored encrypted like the personnummer. All three are empty for existing members.

Revision ID: 08f9f2420b0f
Revises: b28437abd52e
Create Date: 2026-12-01 02:45:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "08f9f2420b0f"
down_revision: str | None = "b28437abd52e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("citizenship", sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column("tax_identification_number", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("tax_identification_country", sa.String(length=2), nullable=True))


def downgrade() -> None:
    _set_sqlite_foreign_keys(enabled=False)
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("tax_identification_country")
        batch_op.drop_column("tax_identification_number")
        batch_op.drop_column("citizenship")
    _set_sqlite_foreign_keys(enabled=True)


def _set_sqlite_foreign_keys(*, enabled: bool) -> None:
    """SQLite drops a column by copying the table and dropping the old one, which its foreign keys refuse
    while payslips point at members; the pragma only takes effect outside a transaction (as in b28437abd52e).
    The rows keep their ids, so no reference breaks."""
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.get_context().autocommit_block():
        raw = op.get_bind().connection.driver_connection
        if raw.in_transaction:
            raw.execute("COMMIT")
        raw.execute(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")
