"""Free text that every file can carry: what input refuses, and how a writer fits text to a character set.

Input refuses the characters no file format wants (``refused_character``): C0 controls (multi-line text
keeps line feed and tab), DEL and the C1 controls, the Unicode line and paragraph separators, noncharacters
and lone surrogates. Emoji and letters of any script stay: each writer fits them to its own character set
with ``transliterate`` and tells the caller what it changed, so a text never makes a file impossible.

Sources: Unicode 15, §23.7 (noncharacters), §5.8 (line separators); XML 1.0 (fifth edition) §2.2 ``Char``;
OWASP, "CSV Injection" (formula prefixes).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Final

#: Written for a character that has no spelling in the target character set.
REPLACEMENT: Final = "?"

# Letters and signs whose Unicode decomposition gives no base letter (Ł, ø, ß …) or the wrong look-alike;
# what is left is decomposed (NFKD: ligatures, letters with diacritics, full-width forms) or replaced.
_SPELLINGS: Final = {
    "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Ŧ": "T", "ŧ": "t",
    "Ø": "O", "ø": "o", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "ß": "ss", "Þ": "Th", "þ": "th",
    "Ð": "D", "ð": "d",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2026": "...", "\u2022": "*", "\u20ac": "EUR", "\u00a0": " ", "\u2009": " ", "\u202f": " ",
    "&": "+", "_": "-", "\u00b0": "o", "\\": "/",
}  # fmt: skip

# Characters that only shape their neighbour (variation selectors, joiners, skin tones, combining marks):
# dropped rather than written as a second "?" after the character they belong to.
_SHAPING_CATEGORIES: Final = frozenset({"Mn", "Me", "Cf"})
_EMOJI_MODIFIERS: Final = range(0x1F3FB, 0x1F400)


def refused_character(text: str, *, multiline: bool = False) -> str | None:
    """The first character free text may not hold, or None: C0 controls (a multi-line text may hold line
    feed and tab; carriage return is refused, line ends are ``\\n``), DEL, C1 controls, U+2028/U+2029,
    noncharacters (U+FDD0–U+FDEF and every U+xxFFFE/U+xxFFFF) and lone surrogates."""
    found = (_REFUSED_IN_MULTILINE if multiline else _REFUSED).search(text)
    return None if found is None else found.group()


def _class_of(ranges: list[tuple[int, int]]) -> re.Pattern[str]:
    return re.compile(
        "[" + "".join(f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in ranges) + "]"
    )


# ``_refused`` as a character class: every text field of every request is checked, and a regular expression
# scans a title in C where a loop over its characters costs a function call per character.
_REFUSED_OUTSIDE_CONTROLS: Final = [
    (0x7F, 0x9F), (0x2028, 0x2029), (0xD800, 0xDFFF), (0xFDD0, 0xFDEF),
    *((plane << 16 | 0xFFFE, plane << 16 | 0xFFFF) for plane in range(17)),
]  # fmt: skip
_REFUSED: Final = _class_of([(0x00, 0x1F), *_REFUSED_OUTSIDE_CONTROLS])
#: A multi-line text may also hold tab (U+0009) and line feed (U+000A).
_REFUSED_IN_MULTILINE: Final = _class_of([(0x00, 0x08), (0x0B, 0x1F), *_REFUSED_OUTSIDE_CONTROLS])


def _refused(char: str) -> bool:
    code = ord(char)
    return (
        code < 0x20
        or 0x7F <= code <= 0x9F
        or code in (0x2028, 0x2029)
        or 0xD800 <= code <= 0xDFFF
        or 0xFDD0 <= code <= 0xFDEF
        or code & 0xFFFE == 0xFFFE
    )


def describe(char: str) -> str:
    """``U+0007 (BEL)``-style naming of a character for error messages and notes."""
    name = unicodedata.name(char, "") or {0x07: "BEL", 0x09: "TAB", 0x0A: "LF", 0x0D: "CR"}.get(ord(char), "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def transliterate(text: str, *, fits: Callable[[str], bool]) -> str:
    """``text`` spelt with the characters ``fits`` accepts, never failing.

    The text is composed first (NFC), so that a letter typed as base + combining mark counts as the letter.
    A character that does not fit is, in order: a control or separator → a space; a shaping character
    (combining mark, joiner, variation selector, emoji skin tone) → dropped; a letter or sign of the explicit
    table (``Ł`` → ``L``, typographic quotes and dashes → ASCII) or its compatibility decomposition without
    diacritics (NFKD: ``ř`` → ``r``, ``ﬁ`` → ``fi``) when those fit; anything else (an emoji) → ``?``.
    """
    return "".join(_fit(char, fits) for char in unicodedata.normalize("NFC", text))


def _fit(char: str, fits: Callable[[str], bool]) -> str:
    if fits(char):
        return char
    if _refused(char) or unicodedata.category(char) in ("Zl", "Zp"):
        return " " if fits(" ") else ""
    if unicodedata.category(char) in _SHAPING_CATEGORIES or ord(char) in _EMOJI_MODIFIERS:
        return ""
    for spelling in (_SPELLINGS.get(char), _decomposed(char)):
        if spelling and all(map(fits, spelling)):
            return spelling
    return REPLACEMENT if fits(REPLACEMENT) else ""


def _decomposed(char: str) -> str:
    return "".join(part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part))


def is_xml_char(char: str) -> bool:
    """XML 1.0 §2.2 ``Char``: tab, LF, CR, and U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF."""
    code = ord(char)
    return (
        char in "\t\n\r" or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF
    )


#: OWASP CSV Injection: a cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """A text cell a spreadsheet program will not run: a leading ``= + - @`` tab or CR gets a ``'`` before
    it (OWASP, "CSV Injection"); other texts are written as they are."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
