"""agenda items noticed on: the day of the latest notice that listed an item

A statute change may only be decided under an item the notice announced (lag (2018:672) om ekonomiska
föreningar 6 kap. 22 §, the model for the cooperative's statutes). ``agenda_items.noticed_on`` records the day
of the latest notice (kallelse) that listed the item; an item added after every notice has none, and a
statute change put to the vote under it is refused (``statute_change_not_on_agenda``).

Items of meetings noticed before this migration get their meeting's notice day: whether they were added
before or after it was not recorded, and refusing a statute change the notice may well have announced would
stop a meeting already called. Items of meetings not yet noticed stay empty until the notice goes out.

Downgrade: drops the column.

Revision ID: b8e4d2a6c9f1
Revises: a3c9e5f1b7d2
Create Date: 2026-12-04 14:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b8e4d2a6c9f1"
down_revision: str | None = "a3c9e5f1b7d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agenda_items", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("noticed_on", sa.Date(), nullable=True))
    op.execute(
        "UPDATE agenda_items SET noticed_on = "
        "(SELECT meetings.noticed_on FROM meetings WHERE meetings.id = agenda_items.meeting_id)"
    )


def downgrade() -> None:
    # Dropped in place (SQLite 3.35+ drops a column itself): no copy of a table that votes refer to.
    with op.batch_alter_table("agenda_items", recreate="never") as batch_op:
        batch_op.drop_column("noticed_on")
