"""documents rendered after the commit: an issued document's PDF may wait for the document pipeline

The transaction that issues an invoice, a credit note or an anställningsbevis stores its snapshot; the PDF
and its SHA-256 are rendered from it after the commit and stored once (``documents.pipeline``). Until then
the two columns are empty, so they become nullable; the anställningsbevis gets its snapshot, the document's
text as issued (``certificate_html``). On PostgreSQL the trigger that keeps issued invoices unchanged lets
the PDF and its SHA-256 be set once, from empty, as the payslips' trigger always has.

Downgrade: every pending document must have been rendered first (``kooperativet documents render-pending``).

Revision ID: 5d0c1e7a2b94
Revises: 5e1d0b7c2a90
Create Date: 2026-12-01 06:10:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5d0c1e7a2b94"
down_revision: str | None = "5e1d0b7c2a90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MUTABLE = "ARRAY['status', 'paid_amount', 'credited_amount', 'updated_at']"
_MUTABLE_AND_PDF = "ARRAY['status', 'paid_amount', 'credited_amount', 'updated_at', 'pdf', 'pdf_sha256']"

_REFUSE = """
CREATE OR REPLACE FUNCTION refuse_change_of_issued_invoice() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'issued invoice % is never deleted', OLD.number USING ERRCODE = 'restrict_violation';
    END IF;
    IF (to_jsonb(NEW) - {columns}) IS DISTINCT FROM (to_jsonb(OLD) - {columns}){pdf_once} THEN
        RAISE EXCEPTION 'issued invoice % never changes; issue a credit note', OLD.number
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""
_PDF_ONCE = """
        OR (OLD.pdf_sha256 IS NOT NULL AND (NEW.pdf_sha256 IS DISTINCT FROM OLD.pdf_sha256
                                            OR NEW.pdf IS DISTINCT FROM OLD.pdf))"""


def upgrade() -> None:
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.alter_column("pdf", existing_type=sa.LargeBinary(), nullable=True)
        batch_op.alter_column("pdf_sha256", existing_type=sa.String(length=64), nullable=True)
    with op.batch_alter_table("employments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("certificate_html", sa.Text(), nullable=True))
        batch_op.alter_column("certificate_pdf", existing_type=sa.LargeBinary(), nullable=True)
        batch_op.alter_column("certificate_sha256", existing_type=sa.String(length=64), nullable=True)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_REFUSE.format(columns=_MUTABLE_AND_PDF, pdf_once=_PDF_ONCE))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_REFUSE.format(columns=_MUTABLE, pdf_once=""))
    with op.batch_alter_table("employments", schema=None) as batch_op:
        batch_op.alter_column("certificate_sha256", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("certificate_pdf", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column("certificate_html")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.alter_column("pdf_sha256", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("pdf", existing_type=sa.LargeBinary(), nullable=False)
