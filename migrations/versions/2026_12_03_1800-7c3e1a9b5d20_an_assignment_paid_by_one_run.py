"""An assignment is paid by one payroll run only: a unique index on the runs' payouts that are not corrections

Two runs made at the same moment each read the same assignments as ready and collected them, so both drafts
paid them (found on PostgreSQL, whose READ COMMITTED does not serialise two such reads). Run creation now
takes turns (an advisory lock); this index is the database's own guarantee beneath it. Corrections of an
issued payslip refer to the same assignment again and are left out of it.

A database that already holds an assignment in two runs cannot get the index: the upgrade stops and names
them, for the treasurer to discard the draft that repeats them (or, if both were approved, to settle the
double payment with the members) before upgrading again.

Revision ID: 7c3e1a9b5d20
Revises: 5d0c7e9a41b2
Create Date: 2026-12-03 18:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c3e1a9b5d20"
down_revision: str | None = "5d0c7e9a41b2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "uq_payroll_run_payouts_assignment_paid_once"
NOT_A_CORRECTION = sa.text("corrects_payslip_id IS NULL")


def upgrade() -> None:
    repeated = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT assignment_id, COUNT(*) FROM payroll_run_payouts WHERE corrects_payslip_id IS NULL "
                "GROUP BY assignment_id HAVING COUNT(*) > 1 ORDER BY assignment_id"
            )
        )
        .all()
    )
    if repeated:
        raise RuntimeError(
            "these assignments are paid by more than one payroll run (assignment: runs): "
            + ", ".join(f"{assignment}: {count}" for assignment, count in repeated)
            + "; discard the draft run that repeats them, then upgrade again"
        )
    op.create_index(
        INDEX,
        "payroll_run_payouts",
        ["assignment_id"],
        unique=True,
        sqlite_where=NOT_A_CORRECTION,
        postgresql_where=NOT_A_CORRECTION,
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="payroll_run_payouts")
