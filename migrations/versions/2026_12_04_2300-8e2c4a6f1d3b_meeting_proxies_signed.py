"""meeting proxies signed: the fullmakt is signed by the member

Lag (2018:672) om ekonomiska föreningar 6 kap. 4 §, the model the statutes follow, asks of an ombud a written
fullmakt that is dated and signed by the member. A proxy was registered with its date only; whoever registers
it now also confirms that the member signed it (``meeting_proxies.signed``), and a proxy without that
confirmation is refused (``proxy_not_signed``).

Proxies stored before this migration get none (NULL): nobody was asked then whether the fullmakt was signed,
and the minutes say nothing of a signature they did not record.

Downgrade: drops the column.

Revision ID: 8e2c4a6f1d3b
Revises: 5b7e2d9c4a1f
Create Date: 2026-12-04 23:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8e2c4a6f1d3b"
down_revision: str | None = "5b7e2d9c4a1f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meeting_proxies", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("signed", sa.Boolean(), nullable=True))


def downgrade() -> None:
    # Dropped in place (SQLite 3.35+ drops a column itself).
    with op.batch_alter_table("meeting_proxies", recreate="never") as batch_op:
        batch_op.drop_column("signed")
