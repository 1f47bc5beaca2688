"""resolvable unmatched bank entries: entries without booking date or amount, UETR, the treasurer's resolution

An unmatched camt.054 entry may lack a booking date or an amount (the bank left it out; the reason says so),
keeps the transaction's UETR, a longer reason (several references), and how the treasurer resolved it:
assigned to an invoice (the payment it became) or marked not ours with a note.

Revision ID: 8bc96a10a31f
Revises: 40d49a03f7e2
Create Date: 2026-12-01 02:40:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8bc96a10a31f"
down_revision: str | None = "40d49a03f7e2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("unmatched_bank_entries") as batch_op:
        batch_op.alter_column("amount", existing_type=sa.Numeric(precision=14, scale=2), nullable=True)
        batch_op.alter_column("booked_on", existing_type=sa.Date(), nullable=True)
        batch_op.alter_column(
            "reason",
            existing_type=sa.String(length=200),
            type_=sa.String(length=500),
            existing_nullable=False,
        )
        batch_op.add_column(sa.Column("uetr", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("resolution", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("resolution_note", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("payment_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("resolved_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_unmatched_bank_entries_resolution"), ["resolution"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_unmatched_bank_entries_payment_id_payments"), "payments", ["payment_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_unmatched_bank_entries_resolved_by_id_users"), "users", ["resolved_by_id"], ["id"]
        )


def downgrade() -> None:
    # Entries without an amount or booking date cannot go back into the old, stricter table.
    op.execute("DELETE FROM unmatched_bank_entries WHERE amount IS NULL OR booked_on IS NULL")
    with op.batch_alter_table("unmatched_bank_entries") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_unmatched_bank_entries_resolved_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_unmatched_bank_entries_payment_id_payments"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_unmatched_bank_entries_resolution"))
        batch_op.drop_column("resolved_at")
        batch_op.drop_column("resolved_by_id")
        batch_op.drop_column("payment_id")
        batch_op.drop_column("resolution_note")
        batch_op.drop_column("resolution")
        batch_op.drop_column("uetr")
        batch_op.alter_column(
            "reason",
            existing_type=sa.String(length=500),
            type_=sa.String(length=200),
            existing_nullable=False,
        )
        batch_op.alter_column("booked_on", existing_type=sa.Date(), nullable=False)
        batch_op.alter_column("amount", existing_type=sa.Numeric(precision=14, scale=2), nullable=False)
