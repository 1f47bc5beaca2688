"""Your own notification preferences: which messages you receive (``/api/v1/me/notifications``)."""

from __future__ import annotations

from fastapi import APIRouter

from kooperativet.api.dependencies import DbSession, Now
from kooperativet.api.problems import problem_responses
from kooperativet.auth.dependencies import CurrentUser
from kooperativet.notifications import preferences
from kooperativet.notifications.recipients import language_of_user
from kooperativet.notifications.schemas import NotificationRead, NotificationsRead, NotificationsUpdate

router = APIRouter(prefix="/api/v1/me", tags=["notifications"])


def _read(choices: list[preferences.Choice], language: str) -> NotificationsRead:
    return NotificationsRead(
        language="en" if language == "en" else "sv",
        notifications=[NotificationRead.of(choice, language=language) for choice in choices],
    )


@router.get("/notifications", responses=problem_responses(401))
def my_notifications(user: CurrentUser, session: DbSession) -> NotificationsRead:
    """The messages that can reach you, whether you receive each, and which you cannot turn off and why."""
    return _read(preferences.choices_of(session, user), language_of_user(session, user.id))


@router.put("/notifications", responses=problem_responses(401, 409, 422))
def choose_notifications(
    body: NotificationsUpdate, user: CurrentUser, session: DbSession, clock: Now
) -> NotificationsRead:
    """Turn messages on or off. A required one (the anställningsbevis, a changed bank account) cannot be
    turned off: 409 ``notification_required``; an unknown topic is a 422."""
    wanted = {str(topic): enabled for topic, enabled in body.notifications.items()}
    choices = preferences.choose(session, user=user, wanted=wanted, now=clock)
    return _read(choices, language_of_user(session, user.id))
