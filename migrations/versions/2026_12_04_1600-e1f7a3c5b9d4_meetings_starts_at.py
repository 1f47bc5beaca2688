"""meetings starts at: the time of day a meeting is called for, in Swedish time

A meeting was called for a day only (``meetings.held_on``); members were not told when to come.
``meetings.starts_at`` holds the time of day (Europe/Stockholm, e.g. 18:30) the notice, the meeting page and
the minutes show with the day. Meetings planned before this migration get none: nobody recorded a time, and
inventing one would print a time the members were never told.

Downgrade: drops the column.

Revision ID: e1f7a3c5b9d4
Revises: b8e4d2a6c9f1
Create Date: 2026-12-04 16:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e1f7a3c5b9d4"
down_revision: str | None = "b8e4d2a6c9f1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meetings", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("starts_at", sa.Time(), nullable=True))


def downgrade() -> None:
    # Dropped in place (SQLite 3.35+ drops a column itself): no copy of a table that votes refer to.
    with op.batch_alter_table("meetings", recreate="never") as batch_op:
        batch_op.drop_column("starts_at")
