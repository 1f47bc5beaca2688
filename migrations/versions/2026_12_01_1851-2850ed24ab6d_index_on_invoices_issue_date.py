"""an index on invoices.issue_date: the invoice list sorts by it, and the month's files and the month-end
overview select a period by it; with tens of thousands of invoices a year each would read the whole table

Revision ID: 2850ed24ab6d
Revises: 9aac57140f28
Create Date: 2026-12-01 18:51:01.448263+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "2850ed24ab6d"
down_revision: str | None = "9aac57140f28"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_invoices_issue_date"), "invoices", ["issue_date"])


def downgrade() -> None:
    op.drop_index(op.f("ix_invoices_issue_date"), table_name="invoices")
