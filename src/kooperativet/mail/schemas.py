"""The outbox in the API: a list without bodies, and one message with its bodies and attachment names."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from kooperativet.api.types import ReadSchema
from kooperativet.mail.models import MailState


class MailSummary(ReadSchema):
    id: int
    template: str = Field(examples=["meeting_notice"])
    language: str = Field(examples=["sv"])
    to_addresses: list[str] = Field(examples=[["Åsa Öberg <asa@example.org>"]])
    subject: str
    message_id: str
    state: MailState
    queued_at: datetime
    sent_at: datetime | None
    last_error: str | None = Field(description="why the last attempt failed; empty once sent")
    error_code: str | None = Field(
        description="what the last failure was, as a stable word (docs/mail.md): no_mail_server, "
        "connection_failed, login_refused, server_refused, recipient_refused, not_built, worker_stopped",
        examples=["recipient_refused"],
    )
    erased_at: datetime | None = Field(
        description="when recipients, bodies and error were erased after the retention period; the "
        "message is never sent again"
    )


class MailRead(MailSummary):
    bcc_addresses: list[str]
    text_body: str
    html_body: str | None
    attachment_names: list[str] = Field(examples=[["faktura-2026-0042.pdf"]])
