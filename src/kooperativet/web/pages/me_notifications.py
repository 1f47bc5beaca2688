"""Which e-mails I receive: a box for each message that can reach me; those the law or security require are
shown ticked and cannot be unticked, with the reason (``notifications.preferences``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from kooperativet.api.dependencies import DbSession, Now
from kooperativet.notifications import preferences
from kooperativet.web.dependencies import CheckedForm, WebUser
from kooperativet.web.forms import PageRoute, Posted
from kooperativet.web.templating import render

router = APIRouter(include_in_schema=False, route_class=PageRoute)


@router.get("/me/notifications")
def my_notifications(request: Request, user: WebUser, session: DbSession, saved: bool = False) -> Response:
    choices = preferences.choices_of(session, user)
    return render(request, "me/notifications.html", {"choices": choices, "saved": saved})


@router.post("/me/notifications", dependencies=[CheckedForm])
def choose_my_notifications(user: WebUser, session: DbSession, form: Posted, now: Now) -> Response:
    # A box left unticked is not sent at all; required ones are disabled and not sent either, and stay on.
    wanted = {topic.key: topic.key in form for topic in preferences.topics_for(user) if not topic.required}
    preferences.choose(session, user=user, wanted=wanted, now=now)
    return RedirectResponse("/me/notifications?saved=true", status_code=303)
