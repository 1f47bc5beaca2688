"""Which topics a person receives: her own choice where she has made one, else the topic's default (on).
A required topic is always on and cannot be turned off (409)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role, User
from kooperativet.errors import Conflict, RuleViolation
from kooperativet.notifications.models import NotificationPreference
from kooperativet.notifications.topics import TOPICS, Audience, Topic

#: A topic nobody has chosen for is sent: people hear of what concerns them until they say otherwise.
DEFAULT_ENABLED = True


@dataclass(frozen=True)
class Choice:
    topic: Topic
    enabled: bool


def receives(session: Session, user_ids: Iterable[int | None], topic_key: str) -> dict[int | None, bool]:
    """Whether each user receives ``topic_key``, in one query (``None``, no login, gets the default)."""
    topic = TOPICS[topic_key]
    wanted = dict.fromkeys(user_ids, True if topic.required else DEFAULT_ENABLED)
    ids = [user_id for user_id in wanted if user_id is not None]
    if topic.required or not ids:
        return wanted
    rows = session.execute(
        select(NotificationPreference.user_id, NotificationPreference.enabled).where(
            NotificationPreference.topic == topic_key, NotificationPreference.user_id.in_(ids)
        )
    )
    for user_id, enabled in rows:
        wanted[user_id] = enabled
    return wanted


def topics_for(user: User) -> list[Topic]:
    """The topics that can reach ``user``: a member's own, and the treasurer's if she is one."""
    treasurer = user.has_any_role(Role.treasurer)
    return [t for t in TOPICS.values() if t.audience == Audience.member or treasurer]


def choices_of(session: Session, user: User) -> list[Choice]:
    rows = session.execute(
        select(NotificationPreference.topic, NotificationPreference.enabled).where(
            NotificationPreference.user_id == user.id
        )
    )
    stored = {str(key): bool(enabled) for key, enabled in rows}
    return [Choice(t, True if t.required else stored.get(t.key, DEFAULT_ENABLED)) for t in topics_for(user)]


def choose(session: Session, *, user: User, wanted: Mapping[str, bool], now: datetime) -> list[Choice]:
    """Record ``user``'s choices (topic → on/off); the topics not named keep what they were."""
    reachable = {t.key: t for t in topics_for(user)}
    for key, enabled in wanted.items():
        topic = reachable.get(key)
        if topic is None:
            raise RuleViolation(f"there is no notification {key!r} for you", code="unknown_notification")
        if topic.required and not enabled:
            raise Conflict(
                f"{key} cannot be turned off: {topic.reason('en')}",
                code="notification_required",
            )
    rows = {
        row.topic: row
        for row in session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        )
    }
    for key, enabled in wanted.items():
        if reachable[key].required:
            continue
        row = rows.get(key)
        if row is None:
            session.add(NotificationPreference(user_id=user.id, topic=key, enabled=enabled, changed_at=now))
        elif row.enabled != enabled:
            row.enabled, row.changed_at = enabled, now
    session.flush()
    return choices_of(session, user)
