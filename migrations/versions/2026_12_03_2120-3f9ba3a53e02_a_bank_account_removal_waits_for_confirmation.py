"""a removed salary account waits for a second person's confirmation like any other change of it

Until now a change waiting for confirmation was told by its pending account number or IBAN, so a removal
(no account at all) could not wait and took effect at once: one person alone could stop a member's salary.
``bank_account_removal_pending`` says that the change waiting removes the account; it starts false, since no
removal could wait before.

The downgrade refuses while a removal waits: the older schema cannot hold it, and dropping it unseen would
forget a change the member was told of. Confirm or withdraw it first.

Revision ID: 3f9ba3a53e02
Revises: b0466c5d1b02
Create Date: 2026-12-03 21:20:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3f9ba3a53e02"
down_revision: str | None = "b0466c5d1b02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members", recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("bank_account_removal_pending", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    removals = op.get_bind().scalar(
        sa.text("SELECT count(*) FROM members WHERE bank_account_removal_pending")
    )
    if removals:
        raise RuntimeError(
            f"the removal of a bank account waits for confirmation (members: {removals}), which the older "
            "schema cannot hold; confirm or withdraw it first"
        )
    # ALTER TABLE … DROP COLUMN in place (SQLite 3.35+): copying the table, batch mode's default, is refused
    # by SQLite's foreign keys while payslips point at members.
    with op.batch_alter_table("members", recreate="never") as batch_op:
        batch_op.drop_column("bank_account_removal_pending")
