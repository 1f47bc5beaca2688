"""The README's configuration table is what a sysadmin copies settings from: every variable in it exists, by
its whole name, with the default the table gives, and every setting is in it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from enum import Enum
from pathlib import Path

import pytest

from kooperativet.config import ProjectPaths, Settings

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "KOOPERATIVET_"
#: The variables of the table that name the migrations' and the templates' files (``config.ProjectPaths``).
PROJECT_PATHS = {f"{PREFIX}{field.upper()}" for field in ProjectPaths.model_fields}


def table() -> list[tuple[str, str]]:
    """The table's rows: the cell naming the variables, and the cell of their defaults."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if line.startswith("| `"):
            names, default, _meaning = (cell.strip() for cell in line.strip("|").split(" | ", 2))
            rows.append((names, default))
    return rows


def names_of(cell: str) -> list[str]:
    return re.findall(r"`(KOOPERATIVET_\w+)`", cell)


def test_every_variable_is_named_in_full() -> None:
    """A name cut short (`_WINDOW_SECONDS` after `KOOPERATIVET_PASSWORD_RESET_REQUESTS_PER_ACCOUNT`) had to be
    guessed, and one guess set nothing: the table names each variable as it is set."""
    for names, _default in table():
        assert re.fullmatch(r"`KOOPERATIVET_\w+`((, | / )`KOOPERATIVET_\w+`)*", names), names


def test_the_table_names_every_setting_and_nothing_else() -> None:
    from kooperativet.documents.render import TEMPLATES_ENV
    from kooperativet.migrate import ALEMBIC_INI_ENV

    documented = [name for names, _default in table() for name in names_of(names)]
    settings = {f"{PREFIX}{field.upper()}" for field in Settings.model_fields}

    assert len(documented) == len(set(documented))
    assert {ALEMBIC_INI_ENV, TEMPLATES_ENV} == PROJECT_PATHS
    assert set(documented) == settings | PROJECT_PATHS


def written(value: object) -> str:
    """A default as the table writes it."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def test_each_default_the_table_gives_is_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each default given as a value (`587`, `12 MiB`, `—` for none) is the one a setting left unset has; a
    default in words (generated into the data folder, on in production) is left to the tests of that rule."""
    for name in [name for name in os.environ if name.startswith(PREFIX)]:
        monkeypatch.delenv(name)
    settings = Settings(_env_file=None)
    effective = {f"{PREFIX}{field.upper()}": getattr(settings, field) for field in Settings.model_fields}
    effective[f"{PREFIX}SMTP_SECURITY"] = settings.resolved_smtp_security
    effective[f"{PREFIX}ADMIN_EMAIL"] = first_admin_email()

    compared = []
    for names_cell, default_cell in table():
        names = names_of(names_cell)
        parts = re.split(r", | / ", default_cell)
        if len(parts) == 1:
            parts = parts * len(names)
        if len(parts) != len(names):
            continue  # a default in words with a comma in it
        for name, part in zip(names, parts, strict=True):
            if name in PROJECT_PATHS:
                continue
            value = effective[name]
            if part == "—":
                assert value in (None, ""), name
            elif mebibytes := re.fullmatch(r"(\d+) MiB", part):
                assert value == int(mebibytes[1]) * 1024 * 1024, name
            elif literal := re.fullmatch(r"`([^`]*)`", part):
                assert written(value) == literal[1], name
            else:
                continue
            compared.append(name)
    assert len(compared) >= 40, compared


def first_admin_email() -> str:
    """The first admin's address when KOOPERATIVET_ADMIN_EMAIL is not set: ``db upgrade``'s own."""
    import kooperativet.cli as cli

    address: str = vars(cli)["_FIRST_ADMIN_EMAIL"]
    return address


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_a_key_made_with_openssl_as_the_readme_says_is_taken_as_kooperativet_keys_new_would_make_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The README's Docker section offers `openssl rand -base64 32` where kooperativet is not installed."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`openssl rand -base64 32`" in readme
    made = subprocess.run(
        ["openssl", "rand", "-base64", "32"], capture_output=True, text=True, check=True
    ).stdout.strip()
    for name in [name for name in os.environ if name.startswith(PREFIX)]:
        monkeypatch.delenv(name)

    settings = Settings(_env_file=None, data_key=made, blind_index_key=made)

    assert len(settings.data_encryption_key) == len(settings.blind_index_secret) == 32
