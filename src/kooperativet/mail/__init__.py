"""E-mail: composed in the transaction that causes it (``queue_mail``), sent by a worker (docs/mail.md)."""

from kooperativet.mail.addresses import greeting_name, recipient
from kooperativet.mail.attachments import AttachmentFile, attachment, attachment_source
from kooperativet.mail.outbox import Message, queue_mail, queue_many

__all__ = [
    "AttachmentFile",
    "Message",
    "attachment",
    "attachment_source",
    "greeting_name",
    "queue_mail",
    "queue_many",
    "recipient",
]
