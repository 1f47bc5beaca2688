from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kooperativet.cli import app
from tests.conftest import TEST_BLIND_INDEX_KEY, TEST_DATA_KEY

runner = CliRunner()


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "KOOPERATIVET_DATA_DIR": str(tmp_path / "data"),
        "KOOPERATIVET_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "KOOPERATIVET_COOPERATIVE_NAME": "CLI-kooperativet",
        **extra,
    }


def test_db_upgrade_creates_the_cooperative_and_one_first_admin_with_a_generated_password(
    tmp_path: Path,
) -> None:
    first = runner.invoke(app, ["db", "upgrade"], env=env_for(tmp_path))
    assert first.exit_code == 0, first.output
    assert "cooperative created: CLI-kooperativet" in first.output
    assert "first admin created: admin@example.org" in first.output
    assert "generated password (shown once" in first.output
    again = runner.invoke(app, ["db", "upgrade"], env=env_for(tmp_path))
    assert again.exit_code == 0
    assert "first admin" not in again.output
    assert "generated password" not in again.output


def test_db_upgrade_takes_the_first_admin_from_the_environment(tmp_path: Path) -> None:
    env = env_for(
        tmp_path, KOOPERATIVET_ADMIN_EMAIL="ada@example.se", KOOPERATIVET_ADMIN_PASSWORD="a long password"
    )
    result = runner.invoke(app, ["db", "upgrade"], env=env)
    assert "first admin created: ada@example.se" in result.output
    public = runner.invoke(
        app,
        ["db", "upgrade"],
        env=env_for(tmp_path / "public", KOOPERATIVET_PUBLIC_URL="https://k.example.se"),
    )
    assert public.output.splitlines()[-1] == (
        "sign in at https://k.example.se/ as admin@example.org, and change the password under Lösenord"
    )
    assert "generated password" not in result.output


@pytest.mark.parametrize(
    ("setting", "value", "refusal"),
    [
        (
            "KOOPERATIVET_ADMIN_EMAIL",
            "admin",
            "KOOPERATIVET_ADMIN_EMAIL: value is not a valid email address: "
            "An email address must have an @-sign",
        ),
        ("KOOPERATIVET_ADMIN_PASSWORD", "kort", "KOOPERATIVET_ADMIN_PASSWORD: at least 10 characters"),
        (
            "KOOPERATIVET_COOPERATIVE_ORGANISATION_NUMBER",
            "123",
            "KOOPERATIVET_COOPERATIVE_ORGANISATION_NUMBER: the organisation number has the wrong length",
        ),
    ],
    ids=["admin-email", "admin-password", "organisation-number"],
)
def test_db_upgrade_refuses_a_seed_setting_create_user_or_the_api_would_refuse_and_seeds_nothing(
    tmp_path: Path, setting: str, value: str, refusal: str
) -> None:
    from sqlalchemy import create_engine, text

    result = runner.invoke(app, ["db", "upgrade"], env=env_for(tmp_path, **{setting: value}))

    assert result.exit_code == 1
    assert result.output.splitlines()[1:] == [
        f"error: {refusal}. The database is migrated but nothing was seeded: correct the setting and run "
        "'kooperativet db upgrade' again."
    ]
    database = create_engine(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    with database.connect() as connection:
        seeded = [
            connection.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608 - the test's own names
            for table in ("users", "cooperative", "parameter_values", "audit_events")
        ]
    database.dispose()
    assert seeded == [0, 0, 0, 0]
    again = runner.invoke(app, ["db", "upgrade"], env=env_for(tmp_path))
    assert again.exit_code == 0, again.output
    assert "first admin created: admin@example.org" in again.output


def test_the_first_admin_is_printed_as_stored(tmp_path: Path) -> None:
    env = env_for(tmp_path, KOOPERATIVET_ADMIN_EMAIL=" Ada@Example.SE ")
    result = runner.invoke(app, ["db", "upgrade"], env=env)
    assert "first admin created: ada@example.se" in result.output


def test_create_user_refuses_an_unknown_role_and_a_duplicate(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    runner.invoke(app, ["db", "upgrade"], env=env)
    args = ["create-user", "--email", "k@example.se", "--name", "Karin", "--password", "a long password"]
    bad = runner.invoke(app, [*args, "--role", "king"], env=env)
    assert bad.exit_code != 0
    assert "roles are" in bad.output
    made = runner.invoke(app, [*args, "--role", "treasurer", "--role", "member"], env=env)
    assert made.exit_code == 0, made.output
    assert "(member, treasurer)" in made.output
    again = runner.invoke(app, [*args, "--role", "member"], env=env)
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_production_refuses_to_start_without_a_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    from kooperativet.config import Settings

    monkeypatch.setenv("KOOPERATIVET_ENV", "production")
    monkeypatch.setenv("KOOPERATIVET_DATABASE_URL", "postgresql+psycopg://db/kooperativet")
    monkeypatch.delenv("KOOPERATIVET_SECRET_KEY", raising=False)
    with pytest.raises(ValueError, match="SECRET_KEY"):
        Settings(_env_file=None)


def test_the_embedded_setup_keeps_one_generated_secret_in_the_data_folder(tmp_path: Path) -> None:
    from kooperativet.config import Settings

    first = Settings(data_dir=tmp_path, _env_file=None).signing_key
    second = Settings(data_dir=tmp_path, _env_file=None).signing_key
    assert first == second
    assert len(first) >= 48
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("audit_key", [None, "x" * 31], ids=["missing", "too-short"])
def test_production_refuses_to_start_without_an_audit_key_of_32_bytes(
    monkeypatch: pytest.MonkeyPatch, audit_key: str | None
) -> None:
    from kooperativet.config import Settings

    monkeypatch.setenv("KOOPERATIVET_ENV", "production")
    monkeypatch.setenv("KOOPERATIVET_DATABASE_URL", "postgresql+psycopg://db/kooperativet")
    monkeypatch.setenv("KOOPERATIVET_SECRET_KEY", "s" * 48)
    monkeypatch.setenv("KOOPERATIVET_DATA_KEY", TEST_DATA_KEY)
    monkeypatch.setenv("KOOPERATIVET_BLIND_INDEX_KEY", TEST_BLIND_INDEX_KEY)
    monkeypatch.delenv("KOOPERATIVET_AUDIT_KEY", raising=False)
    if audit_key is not None:
        monkeypatch.setenv("KOOPERATIVET_AUDIT_KEY", audit_key)
    with pytest.raises(ValueError, match="KOOPERATIVET_AUDIT_KEY"):
        Settings(_env_file=None)
    monkeypatch.setenv("KOOPERATIVET_AUDIT_KEY", "x" * 32)
    assert Settings(_env_file=None).audit_signing_key == b"x" * 32


def test_the_embedded_setup_keeps_one_generated_audit_key_in_the_data_folder(tmp_path: Path) -> None:
    from kooperativet.config import Settings

    first = Settings(data_dir=tmp_path, _env_file=None).audit_signing_key
    assert Settings(data_dir=tmp_path, _env_file=None).audit_signing_key == first
    assert first != Settings(data_dir=tmp_path, _env_file=None).signing_key.encode()
    assert len(first) >= 32
    assert oct((tmp_path / "audit_key").stat().st_mode & 0o777) == "0o600"
