"""member IBAN: a member may give an IBAN for salary, confirmed like any changed bank account

Two new columns on members, both encrypted at rest like the clearing and account numbers: the confirmed
``bank_iban`` and the ``pending_iban`` waiting for a second person's confirmation. Both start empty, so
nothing is encrypted or decrypted here.

Revision ID: b28437abd52e
Revises: 479b0a494284
Create Date: 2026-12-01 03:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b28437abd52e"
down_revision: str | None = "479b0a494284"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("bank_iban", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("pending_iban", sa.String(length=255), nullable=True))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN in place (SQLite 3.35+): copying the table, batch mode's default, is refused
    # by SQLite's foreign keys while payslips point at members.
    with op.batch_alter_table("members", recreate="never") as batch_op:
        batch_op.drop_column("pending_iban")
        batch_op.drop_column("bank_iban")
