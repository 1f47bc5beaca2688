"""Invoices and credit notes sent to the client by e-mail, and payment reminders (docs/reminders.md).

``invoice_dispatches`` records each sending (its result is the ``outgoing_mail`` row's);
``invoice_reminders`` are the reminder documents (snapshot, then the PDF after the commit);
``invoice_reminder_stops`` the treasurer's stops. Clients get the wish for the UBL by e-mail (invoices go to
their ``email``) and whether a reminder fee was agreed (lag (1981:739) 2 §); existing clients get neither.

Revision ID: 3b01fd9ce0bd
Revises: 5a15aa9009b8
Create Date: 2026-12-01 10:30:33.559546+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3b01fd9ce0bd"
down_revision: str | None = "5a15aa9009b8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invoice_reminder_stops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("stopped_by_id", sa.Integer(), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resumed_by_id", sa.Integer(), nullable=True),
        sa.Column("resumed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_invoice_reminder_stops_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["resumed_by_id"], ["users.id"], name=op.f("fk_invoice_reminder_stops_resumed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["stopped_by_id"], ["users.id"], name=op.f("fk_invoice_reminder_stops_stopped_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_reminder_stops")),
    )
    with op.batch_alter_table("invoice_reminder_stops", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invoice_reminder_stops_invoice_id"), ["invoice_id"], unique=False
        )

    op.create_table(
        "invoice_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("reminder_date", sa.Date(), nullable=False),
        sa.Column("outstanding", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("fee", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("interest", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_invoice_reminders_invoice_id_invoices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_reminders")),
        sa.UniqueConstraint("invoice_id", "sequence", name=op.f("uq_invoice_reminders_invoice_id_sequence")),
        sa.UniqueConstraint("number", name=op.f("uq_invoice_reminders_number")),
    )
    with op.batch_alter_table("invoice_reminders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invoice_reminders_invoice_id"), ["invoice_id"], unique=False)

    op.create_table(
        "invoice_dispatches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("reminder_id", sa.Integer(), nullable=True),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("with_ubl", sa.Boolean(), nullable=False),
        sa.Column("mail_id", sa.Integer(), nullable=False),
        sa.Column("queued_by_id", sa.Integer(), nullable=True),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_invoice_dispatches_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["mail_id"], ["outgoing_mail.id"], name=op.f("fk_invoice_dispatches_mail_id_outgoing_mail")
        ),
        sa.ForeignKeyConstraint(
            ["queued_by_id"], ["users.id"], name=op.f("fk_invoice_dispatches_queued_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["reminder_id"],
            ["invoice_reminders.id"],
            name=op.f("fk_invoice_dispatches_reminder_id_invoice_reminders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_dispatches")),
        sa.UniqueConstraint("mail_id", name=op.f("uq_invoice_dispatches_mail_id")),
    )
    with op.batch_alter_table("invoice_dispatches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invoice_dispatches_invoice_id"), ["invoice_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invoice_dispatches_reminder_id"), ["reminder_id"], unique=False)

    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("invoice_xml_by_email", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("reminder_fee_agreed", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_column("reminder_fee_agreed")
        batch_op.drop_column("invoice_xml_by_email")

    with op.batch_alter_table("invoice_dispatches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_dispatches_reminder_id"))
        batch_op.drop_index(batch_op.f("ix_invoice_dispatches_invoice_id"))

    op.drop_table("invoice_dispatches")
    with op.batch_alter_table("invoice_reminders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_reminders_invoice_id"))

    op.drop_table("invoice_reminders")
    with op.batch_alter_table("invoice_reminder_stops", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_reminder_stops_invoice_id"))

    op.drop_table("invoice_reminder_stops")
