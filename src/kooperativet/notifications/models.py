"""A person's choice to receive a kind of message or not; without a row the topic's default applies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kooperativet.db import Base, utcnow


class NotificationPreference(Base):
    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "topic"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: A key of ``topics.TOPICS``.
    topic: Mapped[str] = mapped_column(String(40))
    enabled: Mapped[bool]
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
