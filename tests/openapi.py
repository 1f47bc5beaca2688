"""The app's OpenAPI document, for the tests that read it."""

from __future__ import annotations

from functools import cache
from typing import Any

from kooperativet.config import Settings
from kooperativet.main import create_app


@cache
def openapi_spec() -> dict[str, Any]:
    """Made once per test process and shared: building it takes about two seconds, and some fifteen test
    modules read it as they are collected. Read it; never change it."""
    return create_app(Settings(database_url="sqlite://")).openapi()
