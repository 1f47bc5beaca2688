"""Bodies of the notification preferences API."""

from __future__ import annotations

from typing import Literal

from kooperativet.api.types import ReadSchema, Schema
from kooperativet.notifications.preferences import Choice


class NotificationRead(ReadSchema):
    topic: str
    audience: Literal["member", "treasurer"]
    enabled: bool
    #: A required message is always sent (the law or a security notice); ``required_because`` says why.
    required: bool
    description: str
    required_because: str | None

    @classmethod
    def of(cls, choice: Choice, *, language: str) -> NotificationRead:
        topic = choice.topic
        return cls(
            topic=topic.key,
            audience=topic.audience.value,
            enabled=choice.enabled,
            required=topic.required,
            description=topic.describe(language),
            required_because=topic.reason(language),
        )


class NotificationsRead(ReadSchema):
    #: The language of the descriptions: yours as a member, else Swedish.
    language: Literal["sv", "en"]
    notifications: list[NotificationRead]


#: The topics by name (``topics.TOPICS``; a test keeps the two the same): any other key is a 422.
TopicKey = Literal[
    "commission_approved",
    "commission_rejected",
    "payslip_ready",
    "member_details_changed",
    "vote_opened",
    "commission_submitted",
    "payment_unmatched",
]


class NotificationsUpdate(Schema):
    """Topic → on or off; topics left out keep their setting. A required one cannot be turned off (409)."""

    notifications: dict[TopicKey, bool]
