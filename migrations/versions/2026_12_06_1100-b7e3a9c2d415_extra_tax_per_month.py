"""extra tax a member asks to have withheld each month

A member may ask her employer to withhold a fixed amount of tax each month on top of the preliminary tax, with
no decision from Skatteverket (Skatteverket, "Jämkning": "du kan be din arbetsgivare dra ett visst belopp
extra varje månad"). ``member_tax_settings.extra_monthly_tax`` holds the amount in whole kronor, and payslips,
their lines and their drafts record how much of their ``tax`` it was (``extra_tax``), so that the month's next
payslip reads the table's tax apart from it. Every existing row takes 0: nobody had asked for it.

Revision ID: b7e3a9c2d415
Revises: 6a2f9e1d4c77
Create Date: 2026-12-06 11:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7e3a9c2d415"
down_revision: str | None = "6a2f9e1d4c77"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("member_tax_settings", "extra_monthly_tax"),
    ("payslips", "extra_tax"),
    ("payslip_lines", "extra_tax"),
    ("payroll_draft_payslips", "extra_tax"),
    ("payroll_draft_payslip_lines", "extra_tax"),
)


def upgrade() -> None:
    for table, column in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(column, sa.Numeric(precision=14, scale=2), nullable=False, server_default="0")
            )


def downgrade() -> None:
    for table, column in reversed(COLUMNS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(column)
