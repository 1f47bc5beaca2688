"""The SQL statements a block of code sends to the database: for the tests that hold a page, an export or a
service to a constant number of statements however many rows it handles, and the few that look at which.

``with counted(connection) as sent: …``, then ``sent.count`` or ``sent.sql`` (their text, in order);
``statement_count(connection, action)`` for the count of one call; the ``count_statements`` fixture for the
test's own connection. ``connection`` may be an engine, a connection or a session (its bind).

A statement is what SQLAlchemy announces to ``before_cursor_execute`` listeners: each one the driver is
handed, with its text as sent. An executemany is one statement however many rows it carries, and so is
``db.insert_rows``' COPY, which announces itself. Everything is counted, also the SAVEPOINT and RELEASE that
a session's commit sends inside the test's own transaction, unless ``savepoints=False`` leaves those out;
``only`` keeps just the statements a test looks at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import partial

import pytest
from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session

#: The statements of a transaction nested in the test's own: a savepoint begun, released or rolled back to.
SAVEPOINT_STATEMENTS = ("SAVEPOINT", "RELEASE", "ROLLBACK TO")


class Statements:
    """The statements sent while counting, in the order sent, as the driver got them."""

    def __init__(self, *, savepoints: bool = True, only: Callable[[str], bool] | None = None) -> None:
        self.sql: list[str] = []
        self.savepoints = savepoints
        self.only = only

    def __call__(self, _conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if not self.savepoints and statement.startswith(SAVEPOINT_STATEMENTS):
            return
        if self.only is None or self.only(statement):
            self.sql.append(statement)

    @property
    def count(self) -> int:
        return len(self.sql)


@contextmanager
def counted(
    target: Engine | Connection | Session,
    *,
    savepoints: bool = True,
    only: Callable[[str], bool] | None = None,
) -> Iterator[Statements]:
    """The statements sent on ``target`` (an engine, a connection, or a session's bind) while the block runs.

    ``savepoints=False`` leaves out SAVEPOINT, RELEASE and ROLLBACK TO: the test's own transaction's, when
    the code under test commits a session that joined it. ``only`` keeps the statements it holds true of."""
    bind = target.get_bind() if isinstance(target, Session) else target
    statements = Statements(savepoints=savepoints, only=only)
    event.listen(bind, "before_cursor_execute", statements)
    try:
        yield statements
    finally:
        event.remove(bind, "before_cursor_execute", statements)


def statement_count(target: Engine | Connection | Session, action: Callable[[], object]) -> int:
    """How many statements ``action()`` sends on ``target``, every one counted (as ``counted``)."""
    with counted(target) as statements:
        action()
    return statements.count


@pytest.fixture
def count_statements(connection: Connection) -> Callable[[], AbstractContextManager[Statements]]:
    """``with count_statements() as counter: client.get(...)``, then read ``counter.count``: the statements
    run on the test's connection (every session of the test and the app's requests run on it)."""
    return partial(counted, connection)
