"""Free text: what input refuses, how a writer spells a text in a smaller character set, no formula cells."""

from __future__ import annotations

import pytest

from kooperativet.core.text import _refused, refused_character, spreadsheet_text, transliterate


@pytest.mark.parametrize(
    ("text", "multiline", "refused"),
    [
        ("Łódź 🎭 Дарья", False, None),
        ("rad ett\n\trad två", True, None),
        ("rad ett\nrad två", False, "\n"),
        ("rad ett\r\nrad två", True, "\r"),
        ("klocka\x07", True, "\x07"),
        ("nästa rad\x85", False, "\x85"),
        ("stycke\u2029", True, "\u2029"),
        ("icke-tecken\ufffe", False, "\ufffe"),
        ("plan 16\U0010ffff", False, "\U0010ffff"),
    ],
)
def test_input_refuses_controls_separators_and_noncharacters(
    text: str, multiline: bool, refused: str | None
) -> None:
    assert refused_character(text, multiline=multiline) == refused


@pytest.mark.parametrize("multiline", [False, True])
def test_the_refused_characters_are_exactly_the_rule_over_every_code_point(multiline: bool) -> None:
    """``refused_character`` scans with a character class; it must refuse what the rule refuses, and only
    that, across all of Unicode (``_refused``: controls, separators, surrogates, noncharacters)."""
    kept = "\n\t" if multiline else ""
    for code in range(0x110000):
        char = chr(code)
        expected = None if char in kept or not _refused(char) else char
        assert refused_character(f"a{char}b", multiline=multiline) == expected, f"U+{code:04X}"


@pytest.mark.parametrize(
    ("text", "ascii"),
    [
        ("Łukasz Wałęsa", "Lukasz Walesa"),
        ("Søren Œdipus Straße", "Soren OEdipus Strasse"),
        ("„Citat” — ‘slut’…", "\"Citat\" - 'slut'..."),
        ("ﬁka ½", "fika ?"),
        ("e\u0301 Dvořák", "e Dvorak"),
        ("👍🏽 ok 👨\u200d👩\u200d👧", "? ok ???"),
        ("rad\nrad", "rad rad"),
    ],
)
def test_a_writer_spells_any_text_in_a_smaller_character_set(text: str, ascii: str) -> None:
    assert transliterate(text, fits=lambda char: " " <= char <= "~") == ascii


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+46 70", "'+46 70"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Anna = Lund", "Anna = Lund"),
    ],
)
def test_a_spreadsheet_text_never_starts_a_formula(cell: str, written: str) -> None:
    assert spreadsheet_text(cell) == written
