"""mail keeps no one-time links after sending

An invitation or a password-reset e-mail holds a one-time sign-in link. ``outgoing_mail.redact_after_sending``
names such secrets; the worker blanks them out of the stored bodies once the message is sent, so that a copy
of the database never holds a link that still works. Existing messages have none (``[]``).

Revision ID: 59c1d0a9c2aa
Revises: 837ee9a5ef85
Create Date: 2026-12-01 11:20:12.767278+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "59c1d0a9c2aa"
down_revision: str | None = "837ee9a5ef85"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outgoing_mail", schema=None) as batch_op:
        batch_op.add_column(sa.Column("redact_after_sending", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("outgoing_mail", schema=None) as batch_op:
        batch_op.drop_column("redact_after_sending")
