"""The start page: a greeting and what needs the person's attention."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from kooperativet.api.dependencies import DbSession, Today
from kooperativet.web.dependencies import WebUser
from kooperativet.web.forms import PageRoute
from kooperativet.web.panels import panels_for
from kooperativet.web.templating import render

router = APIRouter(include_in_schema=False, route_class=PageRoute)


@router.get("/")
def start_page(request: Request, user: WebUser, session: DbSession, today: Today) -> Response:
    return render(request, "home.html", {"panels": panels_for(session, user=user, today=today)})
