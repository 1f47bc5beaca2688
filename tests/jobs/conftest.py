"""The jobs tests' fixtures: the web client and statement counter, and a committed database for workers
that run in processes of their own."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from kooperativet.db import make_engine, make_session_factory
from tests.conftest import TEST_AUDIT_KEY
from tests.web.conftest import browser_client, count_statements

__all__ = ["browser_client", "count_statements"]


@pytest.fixture
def committed_engine(committed_url: str) -> Iterator[Engine]:
    """An engine on a database of the test's own, whose commits a worker process sees."""
    engine = make_engine(committed_url)
    yield engine
    engine.dispose()


@pytest.fixture
def factory(committed_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(committed_engine, audit_key=TEST_AUDIT_KEY)
