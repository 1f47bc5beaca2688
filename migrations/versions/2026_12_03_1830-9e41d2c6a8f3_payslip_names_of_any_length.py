"""A payslip stores the encrypted name of a member whose first and last names are as long as they may be

A member's first and last names may each be 100 characters; their encryption (nonce, tag and base64 of up
to four UTF-8 bytes a character) is longer than the 255 characters ``employee_name`` had, so on PostgreSQL a
member with a long name (about 155 bytes or more) could not be put in a payroll run at all. The column of
the payslips and of their drafts becomes as wide as the longest such name encrypted
(``encryption.stored_length``). PostgreSQL widens a varchar without rewriting the table; SQLite, which does
not enforce the length, copies its table to say it.

The downgrade refuses while a stored name is too long for the narrower column: an issued payslip is never
changed.

Revision ID: 9e41d2c6a8f3
Revises: 7c3e1a9b5d20
Create Date: 2026-12-03 18:30:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9e41d2c6a8f3"
down_revision: str | None = "7c3e1a9b5d20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("payslips", "payroll_draft_payslips")
OLD_LENGTH = 255
NEW_LENGTH = 1124  # encryption.stored_length(100 + 1 + 100) when this was written


def upgrade() -> None:
    _set_length(OLD_LENGTH, NEW_LENGTH)


def downgrade() -> None:
    for table in TABLES:
        too_long = op.get_bind().scalar(
            sa.text(f"SELECT count(*) FROM {table} WHERE length(employee_name) > {OLD_LENGTH}")  # noqa: S608 - constant names
        )
        if too_long:
            raise RuntimeError(
                f"{too_long} rows of {table} hold a name too long for {OLD_LENGTH} characters; an issued "
                "payslip is never changed"
            )
    _set_length(NEW_LENGTH, OLD_LENGTH)


def _set_length(old: int, new: int) -> None:
    _set_sqlite_foreign_keys(enabled=False)
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(
                "employee_name", existing_type=sa.String(length=old), type_=sa.String(length=new)
            )
    _set_sqlite_foreign_keys(enabled=True)


def _set_sqlite_foreign_keys(*, enabled: bool) -> None:
    """SQLite alters a table by copying it and dropping the old one, which its foreign keys refuse while
    payslip lines and corrections point at payslips. The pragma only takes effect outside a transaction; the
    rows keep their ids, so no reference breaks."""
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.get_context().autocommit_block():
        raw = op.get_bind().connection.driver_connection
        if raw.in_transaction:
            raw.execute("COMMIT")
        raw.execute(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")
