"""Request dependencies shared by every router: the transaction and the page window."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session

from kooperativet.api.types import MAX_PAGE_SIZE
from kooperativet.config import Settings
from kooperativet.db import transaction

SWEDEN = ZoneInfo("Europe/Stockholm")


def get_session(request: Request) -> Iterator[Session]:
    """The request's transaction: services flush, this commits when the handler returns without error."""
    yield from transaction(request.app.state.session_factory)


def today() -> date:
    """Today in Sweden: the date the cooperative's books and rules are kept in."""
    return datetime.now(SWEDEN).date()


def get_settings_from_app(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@dataclass(frozen=True, slots=True)
class PageWindow:
    limit: int
    offset: int


def page_window(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="page size, at most 100")] = 50,
    offset: Annotated[int, Query(ge=0, description="rows to skip")] = 0,
) -> PageWindow:
    return PageWindow(limit=limit, offset=offset)


DbSession = Annotated[Session, Depends(get_session)]
AppSettings = Annotated[Settings, Depends(get_settings_from_app)]
Window = Annotated[PageWindow, Depends(page_window)]
Today = Annotated[date, Depends(today)]
