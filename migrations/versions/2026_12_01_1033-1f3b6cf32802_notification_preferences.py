"""notification preferences: which messages each person has chosen to receive

One row per person and topic she has chosen for; without a row the topic's default (on) applies, and a
required topic (the anställningsbevis, a changed bank account) is sent whatever a row says
(``kooperativet.notifications``, docs/notifications.md).

Revision ID: 1f3b6cf32802
Revises: 59c1d0a9c2aa
Create Date: 2026-12-01 10:30:30.169255+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "1f3b6cf32802"
down_revision: str | None = "59c1d0a9c2aa"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notification_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_preferences")),
        sa.UniqueConstraint("user_id", "topic", name=op.f("uq_notification_preferences_user_id_topic")),
    )
    with op.batch_alter_table("notification_preferences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_preferences_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notification_preferences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_preferences_user_id"))
    op.drop_table("notification_preferences")
