"""payslip snapshots kept apart: approving a run no longer copies them

A payslip's snapshot (what its PDF says, several kilobytes encrypted) moves out of ``payslips`` and
``payroll_draft_payslips`` into ``payslip_snapshots``, one row per run and member. The draft's snapshot is
written when the run is calculated and becomes the issued payslip's at approval without being copied. The
ciphertexts move as they are: their authenticated context stays ``payslips.snapshot``.

On PostgreSQL a trigger refuses any change to a snapshot and its deletion once the run is locked, as the
payslips' own trigger does for them.

Revision ID: f2cea4bcee3e
Revises: 2850ed24ab6d
Create Date: 2026-12-02 00:28:31.470762+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f2cea4bcee3e"
down_revision: str | None = "2850ed24ab6d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CREATE_TRIGGER = """
CREATE FUNCTION refuse_change_of_issued_payslip_snapshot() RETURNS trigger AS $$
DECLARE
    run_status text;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'a payslip snapshot never changes; a recalculation writes a new one'
            USING ERRCODE = 'restrict_violation';
    END IF;
    SELECT status INTO run_status FROM payroll_runs WHERE id = OLD.run_id;
    IF run_status IN ('approved', 'paid') THEN
        RAISE EXCEPTION 'the snapshot of an issued payslip is never deleted' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN OLD;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER payslip_snapshots_immutable BEFORE UPDATE OR DELETE ON payslip_snapshots
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_issued_payslip_snapshot();
"""

_DROP_TRIGGER = """
DROP TRIGGER IF EXISTS payslip_snapshots_immutable ON payslip_snapshots;
DROP FUNCTION IF EXISTS refuse_change_of_issued_payslip_snapshot();
"""

_HOLDERS = ("payslips", "payroll_draft_payslips")


def upgrade() -> None:
    op.create_table(
        "payslip_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_payslip_snapshots_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["payroll_runs.id"],
            name=op.f("fk_payslip_snapshots_run_id_payroll_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payslip_snapshots")),
        sa.UniqueConstraint("run_id", "member_id", name=op.f("uq_payslip_snapshots_run_id_member_id")),
    )
    with op.batch_alter_table("payslip_snapshots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payslip_snapshots_member_id"), ["member_id"], unique=False)
    for holder in _HOLDERS:
        # Issued payslips first, then drafts of runs not approved (a run holds one or the other).
        op.execute(
            "INSERT INTO payslip_snapshots (run_id, member_id, snapshot) "  # noqa: S608 - constant names
            f"SELECT run_id, member_id, snapshot FROM {holder} ORDER BY id"
        )
        # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35 and later, PostgreSQL): a batch copy of payslips
        # would drop the table under the rows that refer to it.
        op.execute(f"ALTER TABLE {holder} DROP COLUMN snapshot")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_CREATE_TRIGGER)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute(_DROP_TRIGGER)
        op.execute("ALTER TABLE payslips DISABLE TRIGGER payslips_immutable")
    for holder in _HOLDERS:
        op.execute(f"ALTER TABLE {holder} ADD COLUMN snapshot TEXT")
        op.execute(
            f"UPDATE {holder} SET snapshot = (SELECT s.snapshot FROM payslip_snapshots s "  # noqa: S608
            f"WHERE s.run_id = {holder}.run_id AND s.member_id = {holder}.member_id)"
        )
        if postgresql:  # SQLite cannot add NOT NULL to a column in place; the rows all have one
            op.execute(f"ALTER TABLE {holder} ALTER COLUMN snapshot SET NOT NULL")
    if postgresql:
        op.execute("ALTER TABLE payslips ENABLE TRIGGER payslips_immutable")
    with op.batch_alter_table("payslip_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payslip_snapshots_member_id"))
    op.drop_table("payslip_snapshots")
