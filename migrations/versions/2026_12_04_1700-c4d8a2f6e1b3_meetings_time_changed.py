"""meetings time changed: a start time changed after the notice, and the e-mail that told the members

When the board changes the time of day of a meeting whose notice (kallelse) has gone out, the members the
notice went to are told by e-mail. ``meetings.time_changed_at`` records when the time was last changed after
the notice, ``time_changed_from`` the time before that change, and ``time_change_mail_status`` /
``time_change_mail_detail`` whether the e-mail was queued (as ``notice_mail_status`` does for the notice).
Meetings changed before this migration have none: no member was told, and nothing recorded that a time
changed.

Downgrade: drops the columns.

Revision ID: c4d8a2f6e1b3
Revises: e1f7a3c5b9d4
Create Date: 2026-12-04 17:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c4d8a2f6e1b3"
down_revision: str | None = "e1f7a3c5b9d4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("time_changed_at", "time_changed_from", "time_change_mail_status", "time_change_mail_detail")


def upgrade() -> None:
    with op.batch_alter_table("meetings", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("time_changed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("time_changed_from", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("time_change_mail_status", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("time_change_mail_detail", sa.String(length=500), nullable=True))


def downgrade() -> None:
    # Dropped in place (SQLite 3.35+ drops a column itself): no copy of a table that votes refer to.
    with op.batch_alter_table("meetings", recreate="never") as batch_op:
        for column in reversed(COLUMNS):
            batch_op.drop_column(column)
