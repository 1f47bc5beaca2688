"""failures kept as codes: a job's and a message's last error carry a stable word for its cause

The office's pages showed the stored error text: English, and on the jobs page with the exception's module
path (``kooperativet.mail.smtp.NoMailServer: …``). ``jobs.error_code`` and ``outgoing_mail.error_code`` keep
what the failure was (``no_mail_server``, ``recipient_refused`` …) for the pages to say in Swedish; the text
stays beside it. Both start empty: an error recorded before has no code, and the pages say it in general
words with its text.

Revision ID: 5d2f8c1e7a64
Revises: c4e7a1f9d2b3
Create Date: 2026-12-04 02:30:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5d2f8c1e7a64"
down_revision: str | None = "c4e7a1f9d2b3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("jobs", "outgoing_mail")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, recreate="never") as batch_op:
            batch_op.add_column(sa.Column("error_code", sa.String(length=40), nullable=True))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN in place (SQLite 3.35+), as the other column removals do.
    for table in TABLES:
        with op.batch_alter_table(table, recreate="never") as batch_op:
            batch_op.drop_column("error_code")
