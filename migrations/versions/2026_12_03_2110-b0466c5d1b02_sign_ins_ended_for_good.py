"""sign-ins ended for good: a login remembers when all its sign-ins were ended

Disabling a login (or removing a member) ends her refresh tokens and browser sessions, but an access token
is a signed JWT that cannot be revoked on its own: re-enabled within its lifetime, it worked again. The new
``users.sign_ins_ended_at`` keeps that moment, and every access token issued in or before its second is
refused, as for a password change. It starts empty: tokens from before the upgrade live 15 minutes at most.

Revision ID: b0466c5d1b02
Revises: 9e41d2c6a8f3
Create Date: 2026-12-03 21:10:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b0466c5d1b02"
down_revision: str | None = "9e41d2c6a8f3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("sign_ins_ended_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN in place (SQLite 3.35+): copying the table, batch mode's default, is refused
    # by SQLite's foreign keys while so many tables point at users.
    with op.batch_alter_table("users", recreate="never") as batch_op:
        batch_op.drop_column("sign_ins_ended_at")
