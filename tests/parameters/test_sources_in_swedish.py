"""Databases seeded before the sources were Swedish get them in Swedish; an admin's own text is left alone."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select

from kooperativet import migrate
from kooperativet.db import make_engine
from kooperativet.parameters.catalog import DEFAULTS
from kooperativet.parameters.models import ParameterValue
from tests.conftest import TEST_DATABASE_ENV, throwaway_postgres_database
from tests.parameters.test_source_migration import SWEDISH, load_migration

BEFORE = "d7b3f9a1c5e2"


@pytest.fixture
def engine_before(tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    """A database at the revision before the data migration."""
    server_url = os.environ.get(TEST_DATABASE_ENV)
    if not server_url:
        url = f"sqlite:///{tmp_path / 'swedish.sqlite3'}"
        migrate.upgrade(url, BEFORE)
        engine = make_engine(url)
        yield url, engine
        engine.dispose()
        return
    with throwaway_postgres_database(server_url) as url:
        migrate.upgrade(url, BEFORE)
        engine = make_engine(url)
        yield url, engine
        engine.dispose()


def stored(engine: Engine) -> dict[tuple[str, date], str]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(ParameterValue.key, ParameterValue.valid_from, ParameterValue.source)
        ).all()
    return {(key, valid_from): source for key, valid_from, source in rows}


def test_the_english_seeded_sources_become_swedish_and_back_and_an_admins_text_is_left_alone(
    engine_before: tuple[str, Engine],
) -> None:
    url, engine = engine_before
    english = {(key, day, new): old for key, day, old, new in load_migration(SWEDISH).SOURCES}
    old = [
        {
            "key": default.key,
            "valid_from": default.valid_from,
            "value": default.value,
            "source": english.get(
                (default.key, default.valid_from.isoformat(), default.source), default.source
            ),
        }
        for default in DEFAULTS
    ]
    # An admin who typed the same words for another date keeps them: only the seeded row is matched.
    admin_value = {
        "key": "fee_rate",
        "valid_from": date(2027, 1, 1),
        "value": "0.055",
        "source": "Interim kultur: the fee its members decided",
    }
    with engine.begin() as connection:
        connection.execute(insert(ParameterValue), [*old, admin_value])
    before = stored(engine)
    assert (
        before[("holiday_pay_rate", date(2025, 1, 1))] == "semesterlagen 16 a §: 12 % paid with each salary"
    )

    migrate.upgrade(url)

    after = stored(engine)
    assert after == {
        **{(default.key, default.valid_from): default.source for default in DEFAULTS},
        ("fee_rate", date(2027, 1, 1)): "Interim kultur: the fee its members decided",
    }
    assert after[("holiday_pay_rate", date(2025, 1, 1))] == (
        "Semesterlagen (1977:480) 16 a §: 12 % betalas med varje lön"
    )

    migrate.downgrade(url, BEFORE)
    assert stored(engine) == before


def test_every_seeded_source_is_written_in_swedish() -> None:
    """No English words a Swedish page would show: the catalogue's defaults cite the law in Swedish."""
    english_words = (" the ", " paid ", " with ", " from ", " through ", " days ", " and ", " until ")
    for default in DEFAULTS:
        assert not any(word in f" {default.source} " for word in english_words), default
