"""governance JSON in JSON columns: rulebook rules, a vote's candidates, jäv list and result

The values were JSON text in Text columns; they become JSON columns (as elsewhere in the project), holding
the same JSON. Nothing hashed is in these columns: a ballot's receipt and the ballot commitment are computed
over the ballots' canonical content (``secret_ballots.content``, unchanged text), and the minutes' SHA-256
over their PDF. On PostgreSQL the text is cast (json keeps it as written); on SQLite a JSON column is JSON
text, so the rows are copied as they are.

Revision ID: cddb685e0b37
Revises: 006477ea4315
Create Date: 2026-12-01 03:30:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cddb685e0b37"
down_revision: str | None = "006477ea4315"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {
    "rulebooks": [("rules", False)],
    "votes": [("candidates", True), ("excluded_member_ids", False), ("result", True)],
}


def upgrade() -> None:
    _retype(to_json=True)


def downgrade() -> None:
    _retype(to_json=False)


def _retype(*, to_json: bool) -> None:
    old, new = (sa.Text(), sa.JSON()) if to_json else (sa.JSON(), sa.Text())
    cast = "json" if to_json else "text"
    _set_sqlite_foreign_keys(enabled=False)
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, nullable in columns:
                batch_op.alter_column(
                    column,
                    existing_type=old,
                    type_=new,
                    existing_nullable=nullable,
                    postgresql_using=f"{column}::{cast}",
                )
    _set_sqlite_foreign_keys(enabled=True)


def _set_sqlite_foreign_keys(*, enabled: bool) -> None:
    """SQLite changes a column's type by copying the table and dropping the old one, which its foreign keys
    refuse while meetings point at rulebooks and ballots at votes; the pragma only takes effect outside a
    transaction (as in b28437abd52e). The rows keep their ids, so no reference breaks."""
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.get_context().autocommit_block():
        raw = op.get_bind().connection.driver_connection
        if raw.in_transaction:
            raw.execute("COMMIT")
        raw.execute(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")
