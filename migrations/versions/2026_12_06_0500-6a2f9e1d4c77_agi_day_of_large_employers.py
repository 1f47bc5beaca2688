"""the AGI's day for an employer whose VAT base is above 40 million kronor

An employer that reports VAT on a base above 40 million kronor a year declares its AGI on the 26th of the
following month, not the 12th (17th), and still pays the tax and contributions by the 12th (the 17th in
January): skatteförfarandelagen (2011:1244) 26 kap. 30 § and 62 kap. 3 §. ``cooperative`` records whether the
cooperative is such an employer, ``export_batches`` whether an AGI was made for one, which its due date
follows. Both are false for every existing row: until now every AGI was dated by the 12th (26 kap. 26 §).

Revision ID: 6a2f9e1d4c77
Revises: 9d4b7e1c3a52
Create Date: 2026-12-06 05:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6a2f9e1d4c77"
down_revision: str | None = "9d4b7e1c3a52"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("cooperative", "export_batches")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "vat_base_above_40_million", sa.Boolean(), nullable=False, server_default=sa.false()
                )
            )


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("vat_base_above_40_million")
