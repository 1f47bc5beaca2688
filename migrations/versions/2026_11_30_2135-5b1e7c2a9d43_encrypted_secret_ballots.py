"""encrypted secret ballots: the vote's Paillier public key and its wrapped private key

Secret ballots are from now on stored only as Paillier ciphertexts. Ballots of votes already closed stay as
they were published; an open secret ballot or election cannot be carried over (its ballots are in plain and
no tellers' passphrase exists), so the upgrade refuses to run until such votes are closed.

Revision ID: 5b1e7c2a9d43
Revises: 919af5d57d99
Create Date: 2026-11-30 21:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b1e7c2a9d43"
down_revision: str | None = "919af5d57d99"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    open_secret = op.get_bind().scalar(
        sa.text("SELECT count(*) FROM votes WHERE status = 'open' AND method IN ('secret', 'election')")
    )
    if open_secret:
        raise RuntimeError(
            f"{open_secret} secret ballot(s) or election(s) are open: close them with the previous version "
            "before upgrading, as their ballots cannot be encrypted afterwards"
        )
    op.add_column("votes", sa.Column("tally_public_key", sa.Text(), nullable=True))
    op.add_column("votes", sa.Column("tally_key_wrapped", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("votes") as batch:
        batch.drop_column("tally_key_wrapped")
        batch.drop_column("tally_public_key")
