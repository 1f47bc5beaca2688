"""Rendering pages: one Jinja2 environment per language, with the same number and date formats as the PDFs."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from kooperativet.auth import policy
from kooperativet.core.calendar import SWEDEN, in_swedish_time
from kooperativet.documents.render import LOCALES, money, percent, quantity
from kooperativet.web import notices
from kooperativet.web.i18n import request_language, translations
from kooperativet.web.once import submission_field

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


def short_date(day: date | None, language: str = "sv") -> str:
    """``2026-11-30`` in Swedish (ISO 8601, as Swedes write dates), ``30 Nov 2026`` in English."""
    if day is None:
        return "–"
    return day.isoformat() if language == "sv" else str(format_date(day, "d MMM y", locale=LOCALES[language]))


def moment(value: datetime | None, language: str = "sv") -> str:
    """A moment in Swedish time, to the minute: ``2026-11-20 18:30`` (sv) or ``20 Nov 2026, 18:30`` (en)."""
    if value is None:
        return "–"
    pattern = "yyyy-MM-dd HH:mm" if language == "sv" else "d MMM y, HH:mm"
    return str(format_datetime(value, pattern, tzinfo=SWEDEN, locale=LOCALES[language]))


def on_one_line(text: str, machine: str) -> Markup:
    """A date as a page shows it: a ``<time>`` that never breaks (``2026-`` over ``11-30`` on a phone, or
    ``4 Dec`` over ``2026``), with the machine-readable value for browsers and screen readers."""
    return Markup('<time class="nowrap" datetime="{}">{}</time>').format(machine, text)


def day_markup(day: date | None, language: str = "sv") -> Markup | str:
    """``|day``: :func:`short_date` kept on one line. ``|day_text`` is the plain text, for a page's title,
    an attribute or an ``<option>``, where markup has no place."""
    return "–" if day is None else on_one_line(short_date(day, language), day.isoformat())


def day_at_markup(day: date, starts_at: time | None, language: str = "sv") -> Markup | str:
    """``|day_at(starts_at)``: the day a meeting is called for and, when it has one, its time of day (Swedish
    time), written as ``|moment`` writes a moment, so that a meeting and a vote beside it read alike:
    ``2026-11-20 18:30`` (an ISO date and a time with a colon, SS-ISO 8601 as Swedish forms and tables write
    them; docs/web.md, "Dates and times") or ``20 Nov 2026, 18:30``; without a time, the day as ``|day``
    shows it."""
    if starts_at is None:
        return day_markup(day, language)
    separator = " " if language == "sv" else ", "
    machine = f"{day.isoformat()}T{starts_at:%H:%M}"
    return on_one_line(f"{short_date(day, language)}{separator}{time_of_day(starts_at)}", machine)


def time_of_day(value: time | None, language: str = "sv") -> str:
    """``|time_of_day``: a time of day already in Swedish time, as ``|moment`` and ``|day_at`` write it:
    ``18:30`` in both languages; ``–`` for none."""
    if value is None:
        return "–"
    return f"{value:%H:%M}"


def moment_markup(value: datetime | None, language: str = "sv") -> Markup | str:
    """``|moment``: :func:`moment` kept on one line (``|moment_text`` is the plain text)."""
    if value is None:
        return "–"
    # A moment stored without its zone is UTC, as Babel reads it.
    return on_one_line(moment(value, language), in_swedish_time(value).isoformat(timespec="minutes"))


def amount(value: Decimal | str | None, language: str = "sv") -> str:
    """Money as on the PDFs (``12 772,57``); empty values show a dash, never ``None``."""
    return "–" if value is None or value == "" else money(Decimal(value), language)


@lru_cache(maxsize=4)
def environment(language: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals["submission_field"] = submission_field
    env.filters["money"] = partial(amount, language=language)
    env.filters["quantity"] = partial(quantity, language=language)
    env.filters["percent"] = partial(percent, language=language)
    env.filters["day"] = partial(day_markup, language=language)
    env.filters["moment"] = partial(moment_markup, language=language)
    env.filters["day_at"] = partial(day_at_markup, language=language)
    env.filters["time_of_day"] = partial(time_of_day, language=language)
    env.filters["day_text"] = partial(short_date, language=language)
    env.filters["moment_text"] = partial(moment, language=language)
    return env


def render(
    request: Request, template: str, context: Mapping[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    """A page in the caller's language. ``request.state`` carries who is signed in and the form token."""
    language = request_language(request)
    user = getattr(request.state, "web_user", None)
    page = {
        "request": request,
        "language": language,
        "user": user,
        # Whether the office's forms and buttons are shown: not to the auditor, who reads the office's pages
        # and acts on nothing (the routes refuse her as well).
        "can_act": user is not None and policy.acts_for_everyone(user),
        "csrf_token": getattr(request.state, "csrf_token", ""),
        # The sentence an action's redirect asked for by its key (``web.notices``), said above the page.
        "done": notices.said(request),
        **(context or {}),
    }
    html = environment(language).get_template(template).render(page)
    return HTMLResponse(html, status_code=status)


def gettext(request: Request, message: str, **variables: Any) -> str:
    """A message in the caller's language, for text made in Python (flash messages, field errors)."""
    text = translations(request_language(request)).gettext(message)
    return text % variables if variables else text
