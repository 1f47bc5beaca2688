"""Languages of the web interface: Swedish by default, English on request.

Message ids are English; each language has one gettext catalog (``locale/<lang>/LC_MESSAGES/messages.po``),
compiled in memory when first used so that no compiled file can fall out of step with its source.
"""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from starlette.requests import Request

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
LANGUAGE_COOKIE = "kooperativet_language"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def N_(message: str) -> str:
    """Marks a message id for extraction where the text is translated later, when it is shown."""
    return message


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> Translations:
    with catalog_path(language).open("rb") as source:
        catalog = read_po(source, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain="messages")


def request_language(request: Request) -> str:
    """The language the person chose (a cookie set by the language switch), else Swedish."""
    chosen = request.cookies.get(LANGUAGE_COOKIE, DEFAULT_LANGUAGE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE
