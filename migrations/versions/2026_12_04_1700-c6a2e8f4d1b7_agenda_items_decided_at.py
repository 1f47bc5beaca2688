"""agenda items decided at: when the meeting decided an item without a vote

Most items of a general meeting (its chair, the voting list, the accounts, the discharge from liability) are
decided without a count: the chair puts the question, nobody asks for a vote, and the chair declares the
meeting's decision (acclamation). ``agenda_items.decision`` already held a decision's text for the minutes;
``agenda_items.decided_at`` records when the meeting took it. An item decided so is refused another decision,
and a vote on it (``item_decided``).

Items stored before this migration get none: no decision was recorded without a vote until now.

Downgrade: drops the column.

Revision ID: c6a2e8f4d1b7
Revises: c4d8a2f6e1b3
Create Date: 2026-12-04 17:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c6a2e8f4d1b7"
down_revision: str | None = "c4d8a2f6e1b3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agenda_items", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # Dropped in place (SQLite 3.35+ drops a column itself): no copy of a table that votes refer to.
    with op.batch_alter_table("agenda_items", recreate="never") as batch_op:
        batch_op.drop_column("decided_at")
