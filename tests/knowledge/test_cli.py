"""``kooperativet knowledge export|import`` from one database to another, as an operator runs them."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text

from kooperativet import migrate
from kooperativet.db import make_engine
from kooperativet.knowledge.bank import default_bank
from tests.cli.fresh import Kooperativet, assert_error, output


def _migrated(path: Path) -> str:
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    return url


def test_export_from_one_database_and_import_into_another(tmp_path: Path) -> None:
    first = Kooperativet(database_url=_migrated(tmp_path / "first.sqlite3"), folder=tmp_path)
    second = Kooperativet(database_url=_migrated(tmp_path / "second.sqlite3"), folder=tmp_path)
    bundle = tmp_path / "bank.json"
    slug = sorted(default_bank())[0]
    assert output(first("knowledge", "export", "--out", str(bundle), "--slug", slug)) == [
        f"1 articles written to {bundle}"
    ]
    document = json.loads(bundle.read_text(encoding="utf-8"))
    assert [a["slug"] for a in document["articles"]] == [slug]
    lines = output(second("knowledge", "import", str(bundle), "--by", "Kassören"))
    assert lines == ["1 articles imported as proposals (import 1); compare them at /kb/share"]
    engine = make_engine(second.database_url)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT imported_by_name, origin FROM knowledge_imports")).all()
    engine.dispose()
    assert [tuple(row) for row in stored] == [("Kassören", document["origin"])]


def test_a_file_that_is_not_a_bundle_is_one_line_of_error(tmp_path: Path) -> None:
    kooperativet = Kooperativet(database_url=_migrated(tmp_path / "db.sqlite3"), folder=tmp_path)
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"format": "something"}', encoding="utf-8")
    assert_error(kooperativet("knowledge", "import", str(wrong)), "this is not a knowledge bank bundle")
