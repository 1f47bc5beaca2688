"""Every message the interface can show has its Swedish words, and both catalogs hold the same messages."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from kooperativet.web import i18n

WEB = Path(i18n.__file__).resolve().parent
KEYWORDS = {"_": None, "gettext": (2,), "N_": None}


def extracted_ids() -> set[str]:
    methods = [("**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    return {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(WEB), method_map=methods, options_map=options, keywords=KEYWORDS
        )
    }


def translated(message) -> bool:
    """A message and, for a plural, every one of its forms has Swedish words."""
    if message is None:
        return False
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(forms)


def catalog(language: str):
    with i18n.catalog_path(language).open("rb") as source:
        return read_po(source, locale=language)


def test_every_message_in_code_and_templates_is_translated_to_swedish() -> None:
    swedish = catalog("sv")
    assert {"Sign in", "Wrong e-mail or password.", "Commissions"} <= extracted_ids()
    missing = sorted(m for m in extracted_ids() if not translated(swedish.get(m)))
    assert missing == [], f"run `make messages` and translate: {missing}"
    fuzzy = sorted(m.id for m in swedish if m.id and m.fuzzy)
    assert fuzzy == []


def test_the_english_catalog_holds_the_same_messages() -> None:
    assert {m.id for m in catalog("en") if m.id} == {m.id for m in catalog("sv") if m.id}


def test_a_message_reads_in_the_chosen_language() -> None:
    assert i18n.translations("sv").gettext("Sign in") == "Logga in"
    assert i18n.translations("en").gettext("Sign in") == "Sign in"
