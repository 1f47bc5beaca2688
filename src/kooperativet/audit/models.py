from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kooperativet.db import Base


class AuditEvent(Base):
    """One entry of the log. Rows are never changed or deleted: the database refuses it (triggers).

    ``hash`` is HMAC-SHA256, keyed with the audit key from the settings, over the previous entry's hash and
    this entry's canonical content (:func:`kooperativet.audit.service.entry_content`), so any change breaks
    the chain from here on. Entries from before the chain was keyed are plain SHA-256 (docs/audit.md).
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[str] = mapped_column(Text, doc="canonical JSON")
    recorded_at: Mapped[datetime]
    previous_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """The one row holding the latest entry: appenders lock it, so entries are chained one at a time.

    ``entries`` and ``hash`` are the head verify checks the log against (entries removed from the end).
    ``plain_entries`` is how many entries are plain SHA-256 from before the chain was keyed, once the first
    keyed entry has sealed them; None until then.
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_event_id: Mapped[int | None]
    hash: Mapped[str] = mapped_column(String(64))
    entries: Mapped[int] = mapped_column(server_default="0")
    plain_entries: Mapped[int | None]
