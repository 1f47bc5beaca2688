"""Telling people what happened: which messages exist (``topics``), who wants which (``preferences``), and
``notify`` / ``notify_many``, which queue the e-mail in the caller's transaction (docs/notifications.md)."""

from kooperativet.notifications.recipients import (
    Recipient,
    member_recipient,
    member_recipients,
    treasurer_recipients,
)
from kooperativet.notifications.send import Notice, notify, notify_many
from kooperativet.notifications.topics import (
    COMMISSION_APPROVED,
    COMMISSION_REJECTED,
    COMMISSION_SUBMITTED,
    MEMBER_DETAILS_CHANGED,
    PAYMENT_UNMATCHED,
    PAYSLIP_READY,
    TOPICS,
    VOTE_OPENED,
    Audience,
    Topic,
)

__all__ = [
    "COMMISSION_APPROVED",
    "COMMISSION_REJECTED",
    "COMMISSION_SUBMITTED",
    "MEMBER_DETAILS_CHANGED",
    "PAYMENT_UNMATCHED",
    "PAYSLIP_READY",
    "TOPICS",
    "VOTE_OPENED",
    "Audience",
    "Notice",
    "Recipient",
    "Topic",
    "member_recipient",
    "member_recipients",
    "notify",
    "notify_many",
    "treasurer_recipients",
]
