"""A refused setting is named, and its value is not repeated: a database URL carries its password, and the
error of settings read outside the CLI (a server started on the app directly, a library) ends up in logs."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kooperativet.config import Settings


@pytest.mark.parametrize(
    "url", ["postgres://kassor:hemligt-lösen@db.example.se/koop", "mysql://kassor:hemligt-lösen@db/koop"]
)
def test_a_refused_database_url_is_named_without_its_password(url: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(database_url=url)
    shown = str(refused.value)
    assert "KOOPERATIVET_DATABASE_URL must begin sqlite:///" in shown
    assert f"not {url.split('://')[0]}://…" in shown
    assert "hemligt" not in shown
    assert "db.example.se" not in shown
