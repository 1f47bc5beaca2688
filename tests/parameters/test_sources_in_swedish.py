"""Databases seeded before the sources were Swedish get them in Swedish; an admin's own text is left alone."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select

from kooperativet import migrate
from kooperativet.db import make_engine
from kooperativet.parameters.catalog import DEFAULTS
from kooperativet.parameters.models import ParameterValue
from tests.conftest import TEST_DATABASE_ENV, throwaway_postgres_database
from tests.parameters.test_source_migration import (
    HOLIDAY_PAY,
    SWEDISH,
    load_migration,
    seeded_before_holiday_pay_fix,
)

BEFORE = "d7b3f9a1c5e2"
BEFORE_HOLIDAY_PAY = "8e2c4a6f1d3b"


@contextmanager
def database_at(revision: str, folder: Path) -> Iterator[tuple[str, Engine]]:
    """A throw-away database migrated to ``revision``."""
    server_url = os.environ.get(TEST_DATABASE_ENV)
    if not server_url:
        url = f"sqlite:///{folder / 'swedish.sqlite3'}"
        migrate.upgrade(url, revision)
        engine = make_engine(url)
        yield url, engine
        engine.dispose()
        return
    with throwaway_postgres_database(server_url) as url:
        migrate.upgrade(url, revision)
        engine = make_engine(url)
        yield url, engine
        engine.dispose()


@pytest.fixture
def engine_before(tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    """A database at the revision before the data migration."""
    with database_at(BEFORE, tmp_path) as database:
        yield database


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
                (default.key, default.valid_from.isoformat(), seeded_before_holiday_pay_fix(default)),
                seeded_before_holiday_pay_fix(default),
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
    assert after[("holiday_pay_rate", date(2025, 1, 1))].startswith(
        "Semesterlagen (1977:480) 16 b § (procentregeln) och 5 § första stycket: 12 %"
    )

    migrate.downgrade(url, BEFORE)
    assert stored(engine) == before


def test_every_seeded_source_is_written_in_swedish() -> None:
    """No English words a Swedish page would show: the catalogue's defaults cite the law in Swedish."""
    english_words = (" the ", " paid ", " with ", " from ", " through ", " days ", " and ", " until ")
    for default in DEFAULTS:
        assert not any(word in f" {default.source} " for word in english_words), default


def test_the_holiday_pay_source_names_5_and_16_b_and_an_admins_text_is_left_alone(tmp_path: Path) -> None:
    """16 a § is the sammalöneregeln; the holiday pay paid with each salary rests on 5 § första stycket and
    the percentage rule of 16 b §. The seeded row is corrected; the same words an admin typed for another
    date stay as they are."""
    fix = load_migration(HOLIDAY_PAY)
    with database_at(BEFORE_HOLIDAY_PAY, tmp_path) as (url, engine):
        seeded = {
            "key": "holiday_pay_rate",
            "valid_from": date(2025, 1, 1),
            "value": "0.12",
            "source": fix.OLD,
        }
        admin_value = {**seeded, "valid_from": date(2027, 1, 1)}
        with engine.begin() as connection:
            connection.execute(insert(ParameterValue), [seeded, admin_value])
        before = stored(engine)
        assert before == {
            (
                "holiday_pay_rate",
                date(2025, 1, 1),
            ): "Semesterlagen (1977:480) 16 a §: 12 % betalas med varje lön",
            (
                "holiday_pay_rate",
                date(2027, 1, 1),
            ): "Semesterlagen (1977:480) 16 a §: 12 % betalas med varje lön",
        }

        migrate.upgrade(url)

        after = stored(engine)
        assert after == {**before, ("holiday_pay_rate", date(2025, 1, 1)): fix.NEW}
        assert (
            next(
                default.source
                for default in DEFAULTS
                if (default.key, default.valid_from) == ("holiday_pay_rate", date(2025, 1, 1))
            )
            == fix.NEW
        )
        migrate.downgrade(url, BEFORE_HOLIDAY_PAY)
        assert stored(engine) == before
