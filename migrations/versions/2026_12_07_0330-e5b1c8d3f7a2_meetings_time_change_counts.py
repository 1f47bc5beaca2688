"""meetings time change counts: how many members the e-mail with a changed start time went to, and how many
it could not reach

``meetings.time_change_mail_queued`` is how many members the e-mail telling a changed start time was queued
for, and ``time_change_without_address`` how many of those the notice goes to had no e-mail address anywhere
(neither on their record nor on their login), whom the board must tell the new time another way. Both are
recorded when the time is changed after the notice. Changes made before this migration have neither: the
counts were not kept then, and are not guessed.

Downgrade: drops the columns.

Revision ID: e5b1c8d3f7a2
Revises: a9c4e7f2b1d6
Create Date: 2026-12-07 03:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e5b1c8d3f7a2"
down_revision: str | None = "a9c4e7f2b1d6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("time_change_mail_queued", "time_change_without_address")


def upgrade() -> None:
    with op.batch_alter_table("meetings", recreate="never") as batch_op:
        for column in COLUMNS:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))


def downgrade() -> None:
    # Dropped in place (SQLite 3.35+ drops a column itself): no copy of a table that votes refer to.
    with op.batch_alter_table("meetings", recreate="never") as batch_op:
        for column in reversed(COLUMNS):
            batch_op.drop_column(column)
