"""agenda items confirms item: a statute change's second reading names the first

Many cooperatives' statutes, following the older lag (1987:667) om ekonomiska föreningar 7 kap. 14 §, make a
statute change valid only when two consecutive general meetings adopt it, the later one by at least two
thirds of the votes cast. An agenda item at the later meeting now names the item at the earlier meeting
whose vote adopted the same proposal in a first reading (``agenda_items.confirms_item_id``, a reference to
the same table).

Items stored before this migration name none: every statute change until now was decided at one meeting.

Downgrade: drops the column and its foreign key. On SQLite a column in a foreign key cannot be dropped in
place, so the table is copied without it, with the foreign keys switched off while it is copied (the rows
keep their ids, so the votes' references to the items stay whole).

Revision ID: d7b3f9a1c5e2
Revises: c6a2e8f4d1b7
Create Date: 2026-12-04 19:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d7b3f9a1c5e2"
down_revision: str | None = "c6a2e8f4d1b7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK_NAME = "fk_agenda_items_confirms_item_id_agenda_items"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its reference in place (no copy of a table that votes refer to).
        op.execute(
            f"ALTER TABLE agenda_items ADD COLUMN confirms_item_id INTEGER "
            f"CONSTRAINT {FK_NAME} REFERENCES agenda_items (id)"
        )
        return
    op.add_column("agenda_items", sa.Column("confirms_item_id", sa.Integer(), nullable=True))
    op.create_foreign_key(FK_NAME, "agenda_items", "agenda_items", ["confirms_item_id"], ["id"])


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(FK_NAME, "agenda_items", type_="foreignkey")
        op.drop_column("agenda_items", "confirms_item_id")
        return
    _set_sqlite_foreign_keys(enabled=False)
    # The copy leaves out the column, and with it its reference.
    with op.batch_alter_table("agenda_items", recreate="always") as batch_op:
        batch_op.drop_column("confirms_item_id")
    _set_sqlite_foreign_keys(enabled=True)


def _set_sqlite_foreign_keys(*, enabled: bool) -> None:
    """The pragma only takes effect outside a transaction (as in migration ``a3c9e5f1b7d2``)."""
    with op.get_context().autocommit_block():
        raw = op.get_bind().connection.driver_connection
        if raw.in_transaction:
            raw.execute("COMMIT")
        raw.execute(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")
