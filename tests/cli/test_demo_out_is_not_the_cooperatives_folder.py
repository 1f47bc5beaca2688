"""``kooperativet demo --out`` naming the folder the running cooperative's own files are in — its embedded
database, a key kept in its data folder — is a usage error (exit 2), and the folder is left as it was: the
demo would build a second cooperative's database, documents and manifest among the live ones, under the
live keys. The demo's own folder, served with its own database as the README shows, is built again.
Each command runs in a new process."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from tests.cli.fresh import Kooperativet, assert_error, usage_error


def refusal(out: str, what: str, kept: Path) -> str:
    return usage_error(
        "demo",
        f"Invalid value for --out: {out} holds {what} ({kept.resolve()}); the demo builds a cooperative of "
        "its own, so name a new or empty folder; nothing was written",
    )


def test_the_folder_of_the_embedded_database_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with closing(sqlite3.connect(data / "kooperativet.sqlite3")) as books:
        books.execute("CREATE TABLE vouchers (number INTEGER)")
    before = (data / "kooperativet.sqlite3").read_bytes()
    kooperativet = Kooperativet(database_url="", folder=tmp_path)  # the embedded database of ``data``

    for out in ("data", "data/../data", str(data)):
        assert_error(
            kooperativet("demo", "--out", out),
            refusal(out, "the live database", data / "kooperativet.sqlite3"),
            code=2,
        )

    assert sorted(path.name for path in data.iterdir()) == ["kooperativet.sqlite3"]
    assert (data / "kooperativet.sqlite3").read_bytes() == before


def test_the_data_folder_of_a_cooperative_on_another_database_is_refused_by_its_keys(
    tmp_path: Path,
) -> None:
    """On PostgreSQL the books are elsewhere, but the data folder holds the keys that read them."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "secret_key").write_bytes(b"the login signing key\n")
    elsewhere = tmp_path / "books" / "cooperative.sqlite3"
    kooperativet = Kooperativet(database_url=f"sqlite:///{elsewhere}", folder=tmp_path)

    assert_error(
        kooperativet("demo", "--out", "data"),
        refusal("data", "the key that signs the logins", data / "secret_key"),
        code=2,
    )

    assert sorted(path.name for path in data.iterdir()) == ["secret_key"]


def test_the_demo_served_from_its_own_folder_is_built_there_again(tmp_path: Path) -> None:
    """``KOOPERATIVET_DATA_DIR=demo-out KOOPERATIVET_DATABASE_URL=sqlite:///demo-out/demo.sqlite3``: the
    folder's database and keys are the demo's own, from the build before."""
    demo_out = tmp_path / "demo-out"
    demo_out.mkdir()
    (demo_out / "demo.sqlite3").write_bytes(b"")
    (demo_out / "secret_key").write_bytes(b"the demo's login signing key\n")
    kooperativet = Kooperativet(database_url=f"sqlite:///{demo_out / 'demo.sqlite3'}", folder=tmp_path)

    built = kooperativet("demo", "--out", "demo-out", KOOPERATIVET_DATA_DIR=str(demo_out))

    assert built.returncode == 0, built.stderr
    assert built.stdout.splitlines()[0] == f"demo written to {demo_out.resolve()}"
    assert (demo_out / "manifest.json").is_file()
