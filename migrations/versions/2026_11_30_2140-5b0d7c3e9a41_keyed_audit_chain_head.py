"""keyed audit chain: the stored head's entry count, the sealed plain prefix and each export batch's head

The audit chain is now HMAC-SHA256 with a key from the settings (docs/audit.md). The head row keeps the
chain's entry count (verify compares the log with it) and how many entries are plain SHA-256 from before the
key: none for an empty log; unknown (NULL) for an existing one until the first keyed entry seals them.
Export batches record the head they were made on; batches from before have none.

Downgrading keeps the entries, but the old code verifies plain SHA-256 only and so rejects keyed entries.

Revision ID: 5b0d7c3e9a41
Revises: 5b1e7c2a9d43
Create Date: 2026-11-30 21:40:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b0d7c3e9a41"
down_revision: str | None = "5b1e7c2a9d43"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.add_column(sa.Column("entries", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("plain_entries", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE audit_head SET entries = (SELECT count(*) FROM audit_events), "
        "plain_entries = CASE WHEN EXISTS (SELECT 1 FROM audit_events) THEN NULL ELSE 0 END"
    )
    with op.batch_alter_table("export_batches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audit_head_entries", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("audit_head_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("export_batches", schema=None) as batch_op:
        batch_op.drop_column("audit_head_hash")
        batch_op.drop_column("audit_head_entries")
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.drop_column("plain_entries")
        batch_op.drop_column("entries")
