"""payroll drafts stored for review: the approval issues the draft the treasurer reviewed

A draft run's payslips and lines are stored when the run is calculated (``payroll_draft_payslips``,
``payroll_draft_payslip_lines``, the same values as ``payslips`` and ``payslip_lines`` without numbers), and
the run records when and from what (``calculated_at``, ``calculation_basis``). A draft made before this
migration has no basis: its approval is refused with ``draft_changed`` until it is recalculated.

Payslips (and drafts) also keep whom they were issued to, the name and the personnummer of the snapshot, as
columns of their own, so that the month's files need not decrypt whole snapshots; payslips issued before have
them empty and are read from their snapshots.

Revision ID: 9aac57140f28
Revises: 84a5aad246a3
Create Date: 2026-12-01 13:43:51.433332+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9aac57140f28"
down_revision: str | None = "84a5aad246a3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "payroll_draft_payslips",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("bank_problem", sa.String(length=500), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("employee_name", sa.String(length=255), nullable=True),
        sa.Column("employee_personal_identity_number", sa.String(length=255), nullable=True),
        sa.Column("invoiced_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("fee", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("gross_salary", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("holiday_pay", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("employer_contributions", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("residue", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("taxable_pay", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("tax", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("expense_reimbursement", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("net_pay", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("year_to_date_gross", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("year_to_date_taxable", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("year_to_date_tax", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("bank_clearing_number", sa.String(length=255), nullable=True),
        sa.Column("bank_account_number", sa.String(length=255), nullable=True),
        sa.Column("bank_iban", sa.String(length=255), nullable=True),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_payroll_draft_payslips_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["payroll_runs.id"],
            name=op.f("fk_payroll_draft_payslips_run_id_payroll_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payroll_draft_payslips")),
        sa.UniqueConstraint("run_id", "member_id", name=op.f("uq_payroll_draft_payslips_run_id_member_id")),
    )
    with op.batch_alter_table("payroll_draft_payslips", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payroll_draft_payslips_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payroll_draft_payslips_run_id"), ["run_id"], unique=False)

    op.create_table(
        "payroll_draft_payslip_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_payslip_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("client_name", sa.String(length=200), nullable=False),
        sa.Column("invoice_numbers", sa.JSON(), nullable=False),
        sa.Column("corrects_payslip_id", sa.Integer(), nullable=True),
        sa.Column("correction_reason", sa.String(length=500), nullable=True),
        sa.Column("invoiced_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("fee_rate", sa.Numeric(precision=8, scale=6), nullable=False),
        sa.Column("fee", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("pool", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("gross_salary", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("holiday_pay_rate", sa.Numeric(precision=8, scale=6), nullable=False),
        sa.Column("holiday_pay", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("contribution_category", sa.String(length=20), nullable=False),
        sa.Column("contribution_parts", sa.JSON(), nullable=False),
        sa.Column(
            "contribution_base_month_to_date_before", sa.Numeric(precision=14, scale=2), nullable=False
        ),
        sa.Column("employer_contributions", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("residue", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("taxable_pay", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("tax_mode", sa.String(length=10), nullable=False),
        sa.Column("tax_percent", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("tax_table_number", sa.Integer(), nullable=True),
        sa.Column("tax_column", sa.Integer(), nullable=True),
        sa.Column("tax", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("expense_reimbursement", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("net_pay", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_payroll_draft_payslip_lines_assignment_id_assignments"),
        ),
        sa.ForeignKeyConstraint(
            ["corrects_payslip_id"],
            ["payslips.id"],
            name=op.f("fk_payroll_draft_payslip_lines_corrects_payslip_id_payslips"),
        ),
        sa.ForeignKeyConstraint(
            ["draft_payslip_id"],
            ["payroll_draft_payslips.id"],
            name=op.f("fk_payroll_draft_payslip_lines_draft_payslip_id_payroll_draft_payslips"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payroll_draft_payslip_lines")),
        sa.UniqueConstraint(
            "draft_payslip_id",
            "position",
            name=op.f("uq_payroll_draft_payslip_lines_draft_payslip_id_position"),
        ),
    )
    with op.batch_alter_table("payroll_draft_payslip_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payroll_draft_payslip_lines_assignment_id"), ["assignment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payroll_draft_payslip_lines_draft_payslip_id"), ["draft_payslip_id"], unique=False
        )

    with op.batch_alter_table("payslips", schema=None) as batch_op:
        batch_op.add_column(sa.Column("employee_name", sa.String(length=255), nullable=True))
        batch_op.add_column(
            sa.Column("employee_personal_identity_number", sa.String(length=255), nullable=True)
        )
        batch_op.create_index("ix_payslips_run_id_member_id", ["run_id", "member_id"], unique=False)

    with op.batch_alter_table("payroll_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calculated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("calculation_basis", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_table("payroll_draft_payslip_lines")
    op.drop_table("payroll_draft_payslips")
    op.drop_index("ix_payslips_run_id_member_id", table_name="payslips")
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35 and later, PostgreSQL): a batch copy of payslips or
    # payroll_runs would drop the table under the rows that refer to it.
    for table, column in (
        ("payslips", "employee_personal_identity_number"),
        ("payslips", "employee_name"),
        ("payroll_runs", "calculation_basis"),
        ("payroll_runs", "calculated_at"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
