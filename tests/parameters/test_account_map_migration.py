"""Databases seeded before 9d4b7e1c3a52 book services sold abroad on BAS 2025's 3305 and 3308 and leave the
payroll residue on the sale; an admin's own account map is left alone (docs/exports.md, "SIE 4")."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import insert, select

from kooperativet import migrate
from kooperativet.parameters.catalog import DEFAULTS
from kooperativet.parameters.models import ParameterValue
from tests.parameters.test_source_migration import load_migration
from tests.parameters.test_sources_in_swedish import database_at

MIGRATION = load_migration(
    Path(__file__).resolve().parents[2]
    / "migrations"
    / "versions"
    / "2026_12_05_2300-9d4b7e1c3a52_bas_accounts_for_sales_abroad.py"
)
BEFORE = "3c9d1e7b5a20"
SEEDED = next(default for default in DEFAULTS if default.key == "account_map")


def account_maps(engine) -> dict[date, str]:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        rows = connection.execute(
            select(ParameterValue.valid_from, ParameterValue.value).where(ParameterValue.key == "account_map")
        ).all()
    return dict(rows)


def test_the_frozen_values_are_the_maps_the_catalogue_seeded_before_and_seeds_now() -> None:
    assert SEEDED.value == MIGRATION.NEW
    old, new = json.loads(MIGRATION.OLD), json.loads(MIGRATION.NEW)
    assert (old["sales_outside_eu"], old["sales_eu_reverse_charge"]) == ("3045", "3046")
    assert (old["residue_source"], old["residue"]) == ("3041", "3740")
    assert {key: value for key, value in old.items() if key not in {"residue", "residue_source"}} == {
        **new,
        "sales_outside_eu": "3045",
        "sales_eu_reverse_charge": "3046",
    }


def test_the_seeded_map_gets_3305_and_3308_and_an_admins_map_is_left_alone(tmp_path: Path) -> None:
    admins = json.dumps({**json.loads(MIGRATION.OLD), "sales_eu_reverse_charge": "3048"}, sort_keys=True)
    with database_at(BEFORE, tmp_path) as (url, engine):
        with engine.begin() as connection:
            connection.execute(
                insert(ParameterValue),
                [
                    {"key": "account_map", "valid_from": date(2025, 1, 1), "value": MIGRATION.OLD,
                     "source": SEEDED.source},
                    {"key": "account_map", "valid_from": date(2027, 1, 1), "value": admins,
                     "source": "vår revisor (typed by an admin)"},
                ],
            )  # fmt: skip

        migrate.upgrade(url)
        assert account_maps(engine) == {date(2025, 1, 1): SEEDED.value, date(2027, 1, 1): admins}

        migrate.downgrade(url, BEFORE)
        assert account_maps(engine) == {date(2025, 1, 1): MIGRATION.OLD, date(2027, 1, 1): admins}
