"""agenda items is_closing: the agenda's closing is stored, not read from its title

The agenda's closing ("Stämmans avslutande") is dealt with by closing the meeting, as its last §, and items
added later go before it. It was found by its title (the agenda's last procedural item whose title ends in
"avslutande"), so a closing called "Avslutning" was taken for business left over. The standard agenda now
marks its closing (``agenda_items.is_closing``), and a board marks its own with the item.

Backfill: on every meeting, the item the title rule found is marked: the agenda's last item (by position)
when it is procedural and its title, stripped, ends in "avslutande" in any case. The rule's other conditions
(not yet taken up or decided) said whether the closing was still to be dealt with, not what the item is, so a
closing a closed meeting took up is marked too. Done in Python, with the rule exactly as the code had it,
rather than in SQL whose trim and lower differ between SQLite and PostgreSQL.

Downgrade: drops the column (the title rule is gone from the code; an older release reads titles again).

Revision ID: d2a8f4c6e913
Revises: b7e3a9c2d415
Create Date: 2026-12-06 15:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d2a8f4c6e913"
down_revision: str | None = "b7e3a9c2d415"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

items = sa.table(
    "agenda_items",
    sa.column("id", sa.Integer()),
    sa.column("meeting_id", sa.Integer()),
    sa.column("position", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("title", sa.String()),
    sa.column("is_closing", sa.Boolean()),
)


def upgrade() -> None:
    with op.batch_alter_table("agenda_items", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("is_closing", sa.Boolean(), server_default=sa.false(), nullable=False))
    connection = op.get_bind()
    last: dict[int, tuple[int, int, str, str]] = {}
    rows = connection.execute(
        sa.select(items.c.id, items.c.meeting_id, items.c.position, items.c.kind, items.c.title)
    )
    for item_id, meeting_id, position, kind, title in rows:
        if meeting_id not in last or position > last[meeting_id][1]:
            last[meeting_id] = (item_id, position, kind, title)
    closings = [
        item_id
        for item_id, _position, kind, title in last.values()
        if kind == "procedural" and title.strip().lower().endswith("avslutande")
    ]
    if closings:
        connection.execute(sa.update(items).where(items.c.id.in_(closings)).values(is_closing=True))


def downgrade() -> None:
    # Dropped in place (SQLite 3.35+ drops a column itself).
    with op.batch_alter_table("agenda_items", recreate="never") as batch_op:
        batch_op.drop_column("is_closing")
