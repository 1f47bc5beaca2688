"""Request dependencies shared by every router: the transaction and the page window."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, TypeVar

from fastapi import Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from kooperativet.api.types import Page
from kooperativet.config import Settings
from kooperativet.core.calendar import SWEDEN
from kooperativet.db import MAX_PAGE_SIZE, transaction

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's transaction: services flush, this commits when the handler returns without error.

    The commit happens before a single byte of the response is sent (``scope="function"`` below): FastAPI
    then closes the dependency once the response has been serialised, not after it has been delivered. A
    client that holds a 2xx can therefore rely on it, and a commit that fails becomes a problem response
    instead of a 2xx for work that was never saved.

    A request takes one of a bounded number of session slots before it may touch the database, waiting in
    the event loop rather than in a worker thread. Without the bound, every worker thread can end up blocked
    on the connection pool while the requests that hold the connections wait for a thread (a deadlock under
    load); with at most ``db_sessions`` readers and as many writers open (together never more than
    ``db_pool_size``), each of them gets a connection and a thread. The bound is small because one process
    runs one thread at a time (``config.Settings.db_sessions``).
    """
    state = request.app.state
    read_only = request.method in READ_METHODS
    async with _session_slots(request, read_only=read_only):
        opened = transaction(state.session_factory, read_only=read_only, write_lock=state.write_lock)
        # Opening the transaction does no I/O, a writer's included: it takes the write lock at its first
        # statement, in the worker thread that runs it (``db.hold_write_lock_per_transaction``). So it is
        # opened here on the event loop, one trip through the worker threads fewer for every request; its end
        # commits, in a thread.
        session = opened.__enter__()
        try:
            yield session
        except BaseException as error:
            if not await run_in_threadpool(opened.__exit__, type(error), error, error.__traceback__):
                raise
        else:
            await run_in_threadpool(opened.__exit__, None, None, None)


def _session_slots(request: Request, *, read_only: bool) -> asyncio.Semaphore:
    """The readers' slots or the writers': apart, so that writers queued for SQLite's one write lock (or a
    long payroll run) never hold every slot while the pages that only read wait behind them."""
    state = request.app.state
    loop = asyncio.get_running_loop()
    if getattr(state, "session_slots_loop", None) is not loop:
        settings = state.settings
        each = max(1, min(settings.db_sessions, settings.db_pool_size // 2))
        state.session_slots = {True: asyncio.Semaphore(each), False: asyncio.Semaphore(each)}
        state.session_slots_loop = loop
    slots: asyncio.Semaphore = state.session_slots[read_only]
    return slots


def today() -> date:
    """Today in Sweden: the date the cooperative's books and rules are kept in."""
    return datetime.now(SWEDEN).date()


def now() -> datetime:
    """The moment of the request, in UTC: when events are recorded."""
    return datetime.now(UTC)


# The two dependencies below do no I/O: ``async`` runs them on the event loop, where a plain ``def`` would
# cost each request a round trip through the worker threads (FastAPI runs every sync dependency there).


async def get_settings_from_app(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PageWindow:
    limit: int
    offset: int

    def page(self, items: list[T], total: int) -> Page[T]:
        """The answer of a list endpoint: ``items`` of this window, out of ``total`` matching rows."""
        return Page(items=items, total=total, limit=self.limit, offset=self.offset)


async def page_window(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="page size, at most 100")] = 50,
    offset: Annotated[int, Query(ge=0, description="rows to skip")] = 0,
) -> PageWindow:
    return PageWindow(limit=limit, offset=offset)


DbSession = Annotated[Session, Depends(get_session, scope="function")]
AppSettings = Annotated[Settings, Depends(get_settings_from_app)]
Window = Annotated[PageWindow, Depends(page_window)]
Today = Annotated[date, Depends(today)]
Now = Annotated[datetime, Depends(now)]
