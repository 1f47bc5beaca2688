"""Databases seeded by earlier versions get the catalogue's sources: the law or authority."""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import Engine, insert, select

from kooperativet import migrate
from kooperativet.db import make_engine
from kooperativet.parameters.catalog import DEFAULTS, DefaultValue
from kooperativet.parameters.models import ParameterValue
from tests.conftest import TEST_DATABASE_ENV, throwaway_postgres_database

MIGRATION = (
    Path(__file__).resolve().parents[2]
    / "migrations"
    / "versions"
    / "2026_11_30_2130-919af5d57d99_parameter_sources_cite_the_law.py"
)
BEFORE = "89a38f91c905"
#: The later migration that put the seeded sources in Swedish (tests/parameters/test_sources_in_swedish.py).
SWEDISH = MIGRATION.with_name("2026_12_04_2100-5b7e2d9c4a1f_parameter_sources_in_swedish.py")
#: The later migration that put the right sections of semesterlagen in the holiday pay's source.
HOLIDAY_PAY = MIGRATION.with_name("2026_12_05_2100-3c9d1e7b5a20_holiday_pay_source.py")
#: The later migration that put BAS 2025's 3305 and 3308 in the account map
#: (tests/parameters/test_account_map_migration.py).
ACCOUNT_MAP = MIGRATION.with_name("2026_12_05_2300-9d4b7e1c3a52_bas_accounts_for_sales_abroad.py")


def load_migration(path: Path = MIGRATION) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"parameter_sources_migration_{path.stem}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def engine_before(tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    """A database at the revision before the data migration."""
    server_url = os.environ.get(TEST_DATABASE_ENV)
    if not server_url:
        url = f"sqlite:///{tmp_path / 'sources.sqlite3'}"
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


def seeded_before_holiday_pay_fix(default: DefaultValue) -> str:
    """The source the catalogue seeded for ``default`` before 3c9d1e7b5a20 corrected the holiday pay's."""
    fix = load_migration(HOLIDAY_PAY)
    holiday_pay = (default.key, default.valid_from, default.source) == (fix.KEY, date(2025, 1, 1), fix.NEW)
    return fix.OLD if holiday_pay else default.source


def seeded_value_before_account_map_fix(default: DefaultValue) -> str:
    """The value the catalogue seeded for ``default`` before 9d4b7e1c3a52 corrected the account map's."""
    fix = load_migration(ACCOUNT_MAP)
    return fix.OLD if (default.key, default.value) == (fix.KEY, fix.NEW) else default.value


def old_defaults(migration: ModuleType) -> list[dict[str, object]]:
    """The catalogue's defaults as the earlier versions seeded them: the old source texts."""
    old_source = {(key, day): old for key, day, old, _ in migration.SOURCES}
    old_rule_source = {new: old for old, new in migration.RULE_SOURCES.items()}
    english = {(key, day, new): old for key, day, old, new in load_migration(SWEDISH).SOURCES}
    rows = []
    for default in DEFAULTS:
        value = seeded_value_before_account_map_fix(default)
        if default.key == "employer_contribution_rules":
            rules = json.loads(value)
            for rule in rules:
                for field in ("source", "rate_above_cap_source"):
                    if rule.get(field) in old_rule_source:
                        rule[field] = old_rule_source[rule[field]]
            value = json.dumps(rules, sort_keys=True, ensure_ascii=False)
        day = default.valid_from.isoformat()
        seeded = seeded_before_holiday_pay_fix(default)
        source = old_source.get((default.key, day), english.get((default.key, day, seeded), seeded))
        rows.append({"key": default.key, "valid_from": default.valid_from, "value": value, "source": source})
    return rows


def stored(engine: Engine) -> dict[tuple[str, date], tuple[str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(ParameterValue.key, ParameterValue.valid_from, ParameterValue.value, ParameterValue.source)
        ).all()
    return {(key, valid_from): (value, source) for key, valid_from, value, source in rows}


def test_the_old_seeded_sources_become_the_catalogues_and_an_admins_value_is_left_alone(
    engine_before: tuple[str, Engine],
) -> None:
    url, engine = engine_before
    migration = load_migration()
    old = old_defaults(migration)
    admin_value = {
        "key": "fee_rate",
        "valid_from": date(2027, 1, 1),
        "value": "0.055",
        "source": "payroll.md §1 (typed by an admin)",
    }
    with engine.begin() as connection:
        connection.execute(insert(ParameterValue), [*old, admin_value])
    assert any("verify" in str(row["source"]) for row in old)

    migrate.upgrade(url)

    after = stored(engine)
    for default in DEFAULTS:
        assert after[(default.key, default.valid_from)] == (default.value, default.source)
    assert after[("fee_rate", date(2027, 1, 1))] == ("0.055", "payroll.md §1 (typed by an admin)")

    migrate.downgrade(url, BEFORE)
    assert stored(engine) == {
        (row["key"], row["valid_from"]): (row["value"], row["source"]) for row in [*old, admin_value]
    }
