"""Every e-mail the cooperative sends, as it was composed: what was said, to whom, and what became of it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kooperativet.db import Base, utcnow


class MailState(StrEnum):
    queued = "queued"  # composed and committed; a worker sends it
    sent = "sent"  # the SMTP server accepted it
    failed = "failed"  # the workers gave up (the job shows why); the office may send it again


class OutgoingMail(Base):
    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The template and language it was composed from, and its context (names, amounts) for the record.
    template: Mapped[str] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(2))
    to_addresses: Mapped[list[str]] = mapped_column(JSON)
    #: The member it was addressed to (her record's address or her login's), when it went to one: how the
    #: purge after retention finds her messages once the removal has cleared her address and detached her
    #: login (``privacy.purge``). Empty for mail to clients, to a login of nobody's, and for messages queued
    #: before it was recorded whose member could not be told (migration ``a3c9e5f1b7d2``).
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    bcc_addresses: Mapped[list[str]] = mapped_column(JSON, default=list)
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    #: What to attach, resolved when it is sent (a PDF may still be rendering): ``[{"source", "id"}]``.
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: ``<…@host>``, chosen when composed, so that a message sent again after a crash is the same message.
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    #: Secrets in the text (a one-time sign-in link) that the stored copy keeps only until the message is
    #: sent; then they are blanked out of both bodies (``send_job``), so the record never holds a live link.
    redact_after_sending: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[MailState] = mapped_column(String(10), default=MailState.queued)
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    #: What the last error was, as a stable word the office's pages say in their language
    #: (``smtp.MailFailure``); empty for a message sent, or failed before the codes were kept.
    error_code: Mapped[str | None] = mapped_column(String(40))
    #: When recipients, bodies and error were erased, once the member it was addressed to was purged after
    #: the retention period (``privacy.purge``): the row, its template and dates stay; it is never sent again.
    erased_at: Mapped[datetime | None]
