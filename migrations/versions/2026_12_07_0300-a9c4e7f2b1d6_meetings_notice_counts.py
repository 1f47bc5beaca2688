"""meetings notice counts: how many members the notice's e-mail went to, and how many it could not reach

``meetings.notice_mail_queued`` is how many members the notice (kallelse) was queued for as e-mail, and
``notice_without_address`` how many entitled members had no e-mail address anywhere (neither on their record
nor on their login), whom the board must call another way. Both are recorded when the notice is given.
Meetings noticed before this migration have neither: the counts were not kept then, and are not guessed.

Downgrade: drops the columns.

Revision ID: a9c4e7f2b1d6
Revises: d2a8f4c6e913
Create Date: 2026-12-07 03:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a9c4e7f2b1d6"
down_revision: str | None = "d2a8f4c6e913"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("notice_mail_queued", "notice_without_address")


def upgrade() -> None:
    with op.batch_alter_table("meetings", recreate="never") as batch_op:
        for column in COLUMNS:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))


def downgrade() -> None:
    # Dropped in place (SQLite 3.35+ drops a column itself): no copy of a table that votes refer to.
    with op.batch_alter_table("meetings", recreate="never") as batch_op:
        for column in reversed(COLUMNS):
            batch_op.drop_column(column)
