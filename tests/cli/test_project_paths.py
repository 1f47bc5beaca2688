"""KOOPERATIVET_ALEMBIC_INI and KOOPERATIVET_TEMPLATES_DIR are read as the README's configuration says every
setting is: from the environment or ``.env``, an empty one as not set, and one naming nothing refused.

The code that finds the files reads the process's environment itself; before, an empty variable (as compose
passes an optional setting) named the working directory (``migrations: No 'script_location' key found``), one
in ``.env`` was not read ("alembic.ini not found; set KOOPERATIVET_ALEMBIC_INI", although it was set), and
one naming nothing was passed over for ``./alembic.ini`` or the checkout's without a word.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kooperativet.cli.startup import PROJECT_PATH_VARIABLES, hand_on_project_paths
from tests.cli.fresh import Kooperativet, assert_error, fresh_database, output

ALEMBIC_INI, TEMPLATES_DIR = PROJECT_PATH_VARIABLES["alembic_ini"], PROJECT_PATH_VARIABLES["templates_dir"]


def test_the_variables_are_those_the_code_finding_the_files_reads() -> None:
    from kooperativet.config import ProjectPaths
    from kooperativet.documents.render import TEMPLATES_ENV
    from kooperativet.migrate import ALEMBIC_INI_ENV

    assert set(PROJECT_PATH_VARIABLES) == set(ProjectPaths.model_fields)
    assert (ALEMBIC_INI, TEMPLATES_DIR) == (ALEMBIC_INI_ENV, TEMPLATES_ENV)


def test_empty_variables_count_as_not_set(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        kooperativet = Kooperativet(database_url=url, folder=tmp_path)

        upgraded = kooperativet("db", "upgrade", **{ALEMBIC_INI: "", TEMPLATES_DIR: ""})

        assert output(upgraded)[0].startswith("database at heads: ")


def test_a_variable_naming_nothing_is_refused_in_one_line_and_the_help_still_shows(tmp_path: Path) -> None:
    kooperativet = Kooperativet(database_url=f"sqlite:///{tmp_path / 'k.sqlite3'}", folder=tmp_path)
    missing = tmp_path / "elsewhere" / "alembic.ini"

    assert_error(
        kooperativet("db", "upgrade", **{ALEMBIC_INI: str(missing)}),
        f"Settings: {ALEMBIC_INI}: {missing} is not a file "
        "(the alembic.ini beside migrations/ in the checkout)",
    )
    assert_error(
        kooperativet("keys", "id", **{TEMPLATES_DIR: str(tmp_path / "nothing")}),
        f"Settings: {TEMPLATES_DIR}: {tmp_path / 'nothing'} is not a folder (the checkout's templates/)",
    )
    assert (
        "Usage: kooperativet db upgrade"
        in output(kooperativet("db", "upgrade", "--help", **{ALEMBIC_INI: str(missing)}))[1]
    )
    assert not (tmp_path / "k.sqlite3").exists()


def test_dot_env_is_read_like_the_other_settings(tmp_path: Path) -> None:
    """``.env`` in the working directory: its value is used (here refused, as it names nothing)."""
    (tmp_path / ".env").write_text(f"{TEMPLATES_DIR}=/no/such/templates\n", encoding="utf-8")
    kooperativet = Kooperativet(database_url=f"sqlite:///{tmp_path / 'k.sqlite3'}", folder=tmp_path)

    assert_error(
        kooperativet("db", "upgrade"),
        f"Settings: {TEMPLATES_DIR}: /no/such/templates is not a folder (the checkout's templates/)",
    )


def test_the_command_hands_the_settings_value_on_to_the_code_and_its_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "alembic.ini").write_text("[alembic]\n", encoding="utf-8")
    (tmp_path / "pdf").mkdir()
    (tmp_path / ".env").write_text(f"{ALEMBIC_INI}=alembic.ini\n{TEMPLATES_DIR}=nowhere\n", encoding="utf-8")
    monkeypatch.setenv(ALEMBIC_INI, "")  # empty: as not set, so .env's counts
    monkeypatch.setenv(TEMPLATES_DIR, "pdf")  # the environment before .env, as for every setting

    hand_on_project_paths()

    assert os.environ[ALEMBIC_INI] == str(tmp_path / "alembic.ini")
    assert os.environ[TEMPLATES_DIR] == str(tmp_path / "pdf")

    (tmp_path / ".env").unlink()
    monkeypatch.setenv(ALEMBIC_INI, "")
    monkeypatch.delenv(TEMPLATES_DIR)

    hand_on_project_paths()

    assert ALEMBIC_INI not in os.environ
    assert TEMPLATES_DIR not in os.environ


@pytest.mark.parametrize("name", [ALEMBIC_INI, TEMPLATES_DIR])
def test_code_not_started_from_the_command_line_takes_an_empty_variable_as_not_set(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server's worker processes, a test, a script: nothing hands the settings' value on, and the code
    finding the files reads the environment itself. An empty variable named the working directory."""
    from kooperativet.resources import project_path

    file_name = "alembic.ini" if name == ALEMBIC_INI else "templates"
    monkeypatch.chdir(tmp_path)  # no alembic.ini or templates/ here: the checkout's copy is next
    monkeypatch.setenv(name, "")

    found = project_path(file_name, env_var=name)

    assert found == Path(__file__).resolve().parents[2] / file_name
    assert found.exists()
