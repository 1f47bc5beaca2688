"""minutes rendered after the commit: minutes keep their text, and their PDF follows it once

The transaction that draws up minutes, or locks them when the second adjuster approves, stores their text
(``minutes.html``, the HTML the template wrote) and leaves the PDF and its SHA-256 empty; the document
pipeline renders the PDF from the text after the commit and stores it (``governance.minutes.MINUTES_PDF``).
So ``pdf`` and ``sha256`` become nullable, and the trigger that refuses any change to locked minutes now lets
their PDF and its SHA-256 be set once, from empty, and nothing else. Minutes from before keep their PDF and
have no text.

SQLite rebuilds the table to change a column's nullability, which drops the triggers on it (and would leave
the approvals' trigger naming a table that is gone meanwhile): the minutes' guards are dropped first and
made again afterwards, on both databases.

Downgrade: every pending PDF must have been rendered first (``kooperativet documents render-pending``).

Revision ID: 8f2d4c6a1e03
Revises: 3b60ebb69e86
Create Date: 2026-12-01 06:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8f2d4c6a1e03"
down_revision: str | None = "3b60ebb69e86"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOCKED = "OLD.locked_at IS NOT NULL"
APPROVAL_OF_LOCKED = "(SELECT locked_at FROM minutes WHERE id = OLD.minutes_id) IS NOT NULL"
#: The only change locked minutes take: their PDF and its SHA-256, set once from empty, all else as it was.
_SQLITE_UNCHANGED = " AND ".join(
    f"NEW.{column} IS OLD.{column}"
    for column in (
        "id",
        "meeting_id",
        "version",
        "refers_to_id",
        "correction_reason",
        "html",
        "audit_head_hash",
        "created_at",
        "locked_at",
    )
)
_PDF_ONCE = {
    "sqlite": "OLD.sha256 IS NULL AND OLD.pdf IS NULL AND NEW.sha256 IS NOT NULL AND NEW.pdf IS NOT NULL "
    f"AND {_SQLITE_UNCHANGED}",
    # Every column but the two, whatever columns come later.
    "postgresql": "OLD.sha256 IS NULL AND OLD.pdf IS NULL AND NEW.sha256 IS NOT NULL AND NEW.pdf IS NOT NULL "
    "AND (to_jsonb(NEW) - ARRAY['pdf', 'sha256']) = (to_jsonb(OLD) - ARRAY['pdf', 'sha256'])",
}


def _guards(dialect: str, *, pdf_once: bool) -> list[tuple[str, str, str, str]]:
    update = f"{LOCKED} AND NOT ({_PDF_ONCE[dialect]})" if pdf_once else LOCKED
    return [
        ("minutes", "UPDATE", update, "locked minutes cannot be changed"),
        ("minutes", "DELETE", LOCKED, "locked minutes cannot be deleted"),
        ("minutes_approvals", "DELETE", APPROVAL_OF_LOCKED, "approvals of locked minutes cannot be deleted"),
    ]


def _name(table: str, operation: str) -> str:
    return f"{table}_refuse_{operation.lower()}"


def _drop_guards() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, operation, _condition, _message in _guards("sqlite", pdf_once=False):
        name = _name(table, operation)
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgres else ""))
        if postgres:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")


def _create_guards(*, pdf_once: bool) -> None:
    dialect = op.get_bind().dialect.name
    for table, operation, condition, message in _guards(dialect, pdf_once=pdf_once):
        name = _name(table, operation)
        if dialect == "postgresql":
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF {condition} THEN RAISE EXCEPTION '{message}'; END IF; "
                "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
            )
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {operation} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()"
            )
        else:
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {operation} ON {table} FOR EACH ROW WHEN {condition} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )


def upgrade() -> None:
    _drop_guards()
    with op.batch_alter_table("minutes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("html", sa.Text(), nullable=True))
        batch_op.alter_column("pdf", existing_type=sa.LargeBinary(), nullable=True)
        batch_op.alter_column("sha256", existing_type=sa.String(length=64), nullable=True)
    _create_guards(pdf_once=True)


def downgrade() -> None:
    _drop_guards()
    with op.batch_alter_table("minutes", schema=None) as batch_op:
        batch_op.alter_column("sha256", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("pdf", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column("html")
    _create_guards(pdf_once=False)
