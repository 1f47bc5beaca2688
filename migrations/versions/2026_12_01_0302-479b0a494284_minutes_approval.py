"""minutes approval: the held order of agenda items, an early opening's reason, the adjusters' approvals

Revision ID: 479b0a494284
Revises: 8bc96a10a31f
Create Date: 2026-12-01 03:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "479b0a494284"
down_revision: str | None = "8bc96a10a31f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOCKED = "(SELECT locked_at FROM minutes WHERE id = OLD.minutes_id) IS NOT NULL"
# An approval is a recorded step: never changed, and gone with its draft only while the minutes are a draft
# (a redrawn draft must be approved anew); once the minutes are locked the database refuses to remove it.
GUARDS = [
    ("minutes_approvals", "UPDATE", None, "minutes approvals cannot be changed"),
    ("minutes_approvals", "DELETE", LOCKED, "approvals of locked minutes cannot be deleted"),
]


def _name(table: str, operation: str) -> str:
    return f"{table}_refuse_{operation.lower()}"


def _create_guards() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, operation, condition, message in GUARDS:
        name = _name(table, operation)
        if postgres:
            test = f"IF {condition} THEN " if condition else ""
            end = " END IF;" if condition else ""
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"{test}RAISE EXCEPTION '{message}';{end} "
                "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
            )
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {operation} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()"
            )
        else:
            when = f" WHEN {condition}" if condition else ""
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {operation} ON {table} FOR EACH ROW{when} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )


def _drop_guards() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, operation, _condition, _message in GUARDS:
        name = _name(table, operation)
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgres else ""))
        if postgres:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")


def upgrade() -> None:
    op.add_column("meetings", sa.Column("early_opening_reason", sa.String(length=500), nullable=True))
    op.add_column("agenda_items", sa.Column("held_as", sa.Integer(), nullable=True))
    op.create_table(
        "minutes_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("minutes_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("draft_sha256", sa.String(length=64), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_minutes_approvals_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["minutes_id"], ["minutes.id"], name=op.f("fk_minutes_approvals_minutes_id_minutes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_approvals")),
        sa.UniqueConstraint(
            "minutes_id", "member_id", name=op.f("uq_minutes_approvals_minutes_id_member_id")
        ),
    )
    op.create_index(
        op.f("ix_minutes_approvals_minutes_id"), "minutes_approvals", ["minutes_id"], unique=False
    )
    _create_guards()


def downgrade() -> None:
    _drop_guards()
    op.drop_index(op.f("ix_minutes_approvals_minutes_id"), table_name="minutes_approvals")
    op.drop_table("minutes_approvals")
    with op.batch_alter_table("agenda_items") as batch:
        batch.drop_column("held_as")
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("early_opening_reason")
