"""The default bank: every file follows the format, and every article renders with today's values."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from kooperativet.knowledge import facts
from kooperativet.knowledge.bank import (
    CATEGORIES,
    LANGUAGES,
    BankFileError,
    default_bank,
    load_directory,
)
from kooperativet.knowledge.markdown import to_html
from kooperativet.parameters.catalog import DEFAULTS


def facts_from_defaults(day: date) -> dict[str, facts.Fact]:
    in_force = {
        d.key: (d.value, d.valid_from)
        for d in sorted(DEFAULTS, key=lambda d: d.valid_from)
        if d.valid_from <= day
    }
    return facts.facts_from(in_force)


def test_every_default_article_has_both_languages_and_a_known_category() -> None:
    bank = default_bank()
    assert bank, "the default bank is empty"
    for slug, article in bank.items():
        assert set(article.texts) == set(LANGUAGES), slug
        assert article.category in CATEGORIES, slug
        for text in article.texts.values():
            assert text.title, slug
            assert text.summary, slug


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_default_article_renders_with_known_parameters_and_links(language: str) -> None:
    bank = default_bank()
    known = facts_from_defaults(date(2026, 12, 1))
    for slug, article in bank.items():
        for related in article.related:
            assert related in bank, f"{slug} relates to the unknown article {related}"
        text = article.texts[language]
        for part in (text.title, text.summary, text.body):
            rendered = facts.insert(part, known, language, markdown=True)  # an unknown key raises
            assert "{{" not in rendered, slug
        html = to_html(facts.insert(text.body, known, language, markdown=True), slugs=bank)
        assert 'class="missing"' not in html, f"{slug} ({language}) links to an article that does not exist"
        assert "<script" not in html.lower()


def test_an_unknown_parameter_is_an_error_not_a_blank() -> None:
    with pytest.raises(facts.UnknownFact):
        facts.insert("Avgiften är {{ param.fee_ratio }}.", facts_from_defaults(date(2026, 12, 1)), "sv")


def test_values_are_written_the_swedish_and_the_english_way() -> None:
    known = facts_from_defaults(date(2026, 12, 1))
    cap = "{{ param.youth_contribution_monthly_cap }}"
    text = f"{{{{ param.sink_rate }}}} / {cap} / {{{{ param.sink_rate.valid_from }}}}"
    nbsp = "\N{NO-BREAK SPACE}"
    sv = facts.insert(text, known, "sv").replace(nbsp, " ")
    en = facts.insert(text, known, "en").replace(nbsp, " ")
    assert sv == "22,5 % / 25 000,00 kr / 1 januari 2026"
    assert en == "22.5 % / SEK 25,000.00 / 1 January 2026"


def test_the_english_articles_write_amounts_as_their_inserted_values_do() -> None:
    """An English guide wrote its example as "20 000 kr" beside a value inserted as "SEK 25,000.00" and the
    "SEK 120,000" of another guide: an amount in English prose is "SEK 20,000", not Swedish style."""
    swedish_style = re.compile(r"\d[ \N{NO-BREAK SPACE}]\d{3}\b|\d[ \N{NO-BREAK SPACE}]?kr\b")
    for slug, article in default_bank().items():
        text = article.texts["en"]
        for part in (text.title, text.summary, text.body):
            found = swedish_style.search(part)
            assert found is None, f"{slug}: {found and found.group()!r}"


def test_a_value_is_inserted_as_plain_text_in_markdown() -> None:
    fact = facts.Fact(value=None, kind="rate", valid_from=None)
    text = facts.insert("x {{ param.fee_rate }}", {"fee_rate": fact}, "sv", markdown=True)
    assert text == "x –"


def _write(folder: Path, name: str, front: str, body: str = "Text.\n") -> None:
    (folder / name).write_text(f"---\n{front}---\n{body}", encoding="utf-8")


FRONT = (
    "title: T\ncategory: pay\naudience: member\nsummary: S\n"
    "sources:\n  - title: Källa\n    url: https://example.se\nrelated: []\n"
)


def test_the_loader_reads_front_matter_and_body(tmp_path: Path) -> None:
    _write(tmp_path, "a-b.sv.md", FRONT, "# Rubrik\n\nText.\n")
    _write(tmp_path, "a-b.en.md", FRONT.replace("title: T", "title: E"))
    article = load_directory(tmp_path)["a-b"]
    assert article.category == "pay"
    assert article.texts["sv"].body == "# Rubrik\n\nText.\n"
    assert article.texts["en"].title == "E"
    assert article.texts["sv"].sources[0].url == "https://example.se"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"a-b.sv.md": FRONT}, "no en file"),
        ({"a-b.sv.md": FRONT, "a-b.en.md": FRONT.replace("pay", "weather")}, "category must be"),
        ({"a-b.sv.md": FRONT.replace("title: T\n", ""), "a-b.en.md": FRONT}, "needs title"),
        ({"a-b.de.md": FRONT}, "name it"),
    ],
)
def test_the_loader_refuses_a_file_that_breaks_the_format(
    tmp_path: Path, files: dict[str, str], message: str
) -> None:
    for name, front in files.items():
        _write(tmp_path, name, front)
    with pytest.raises(BankFileError, match=message):
        load_directory(tmp_path)
