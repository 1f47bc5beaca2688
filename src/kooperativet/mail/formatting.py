"""Jinja filters for mail templates: amounts, dates and moments as the reader writes them.

Swedish follows Språkrådet's Svenska skrivregler: a space groups thousands and a comma marks decimals
(``1 234,50 kr``), dates are written out with the month in lower case (``1 december 2026``) and times with
a full stop (``kl. 14.30``). The spaces are no-break spaces, so that an amount is never split over two
lines. English mail gets ``SEK 1,234.50`` and ``1 December 2026``. Every moment is shown in Swedish time.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from kooperativet.core.calendar import in_swedish_time

LOCALES = {"sv": "sv_SE", "en": "en_GB"}
NBSP = "\N{NO-BREAK SPACE}"


def amount(value: Decimal | int | str, language: str = "sv") -> str:
    """``1234.5`` → ``1 234,50`` (sv) or ``1,234.50`` (en)."""
    return str(format_decimal(Decimal(value), format="#,##0.00", locale=_locale(language)))


def kronor(value: Decimal | int | str, language: str = "sv") -> str:
    """``1234.5`` → ``1 234,50 kr`` (sv) or ``SEK 1,234.50`` (en)."""
    number = amount(value, language)
    return f"{number}{NBSP}kr" if language == "sv" else f"SEK{NBSP}{number}"


def long_day(value: date, language: str = "sv") -> str:
    """``2026-12-01`` → ``1 december 2026`` (sv) or ``1 December 2026`` (en)."""
    if isinstance(value, datetime):
        value = in_swedish_time(value).date()
    return str(format_date(value, format="d MMMM y", locale=_locale(language)))


def moment(value: datetime, language: str = "sv") -> str:
    """A moment in Swedish time: ``1 december 2026 kl. 14.30`` or ``1 December 2026, 14:30``."""
    local = in_swedish_time(value)
    pattern = "d MMMM y 'kl.' HH.mm" if language == "sv" else "d MMMM y, HH:mm"
    return str(format_datetime(local, pattern, locale=_locale(language)))


def time_of_day(value: time, language: str = "sv") -> str:
    """A time of day already in Swedish time (a meeting's start): ``kl. 18.30`` (sv) or ``18:30`` (en)."""
    return f"kl.{NBSP}{value:%H.%M}" if language == "sv" else f"{value:%H:%M}"


def paragraphs(text: str) -> Markup:
    """Plain text (a board's notice) as HTML paragraphs: escaped, blank lines between paragraphs, single
    line breaks kept."""
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]
    lines = (Markup("<br>").join(escape(line) for line in block.split("\n")) for block in blocks)
    html = "".join(f'<p style="margin:0 0 1em 0">{block}</p>' for block in lines)
    return Markup(html)  # noqa: S704 - every line was escaped above


def install_filters(environment: Environment) -> None:
    """``kronor``, ``amount``, ``long_day``, ``moment`` and ``time_of_day`` in the language the template is
    rendered in (the ``language`` variable ``compose`` sets), and ``paragraphs`` for HTML."""

    def in_language(function: Any) -> Any:
        @pass_context
        def filter_(context: Context, value: Any) -> str:
            return str(function(value, str(context.get("language", "sv"))))

        return filter_

    environment.filters["kronor"] = in_language(kronor)
    environment.filters["amount"] = in_language(amount)
    environment.filters["long_day"] = in_language(long_day)
    environment.filters["moment"] = in_language(moment)
    environment.filters["time_of_day"] = in_language(time_of_day)
    environment.filters["paragraphs"] = paragraphs


def _locale(language: str) -> str:
    return LOCALES.get(language, LOCALES["sv"])
