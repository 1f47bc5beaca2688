"""The two ways dates and times are written (docs/web.md, "Dates and times"), told apart in a text, so that a
test can fail when a page, a PDF or an e-mail mixes them.

- ``iso``: a form or a table, as SS-ISO 8601 writes it: ``2026-11-20``, ``2026-11``, ``18:30``.
- ``written``: running text, as Svenska skrivregler write it: ``20 november 2026``, ``november 2026``,
  ``kl. 18.30`` (English: ``20 November 2026``).
"""

from __future__ import annotations

import re

MONTHS = (
    "januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december|"
    "january|february|march|may|june|july|august|october"
)
PATTERNS = {
    "iso": (
        re.compile(r"(?<![\d-])\d{4}-\d{2}(?:-\d{2})?(?![\d-])"),  # 2026-11-20, 2026-11 (not 2026-0042)
        re.compile(r"(?<![\d:])\d{2}:\d{2}(?![\d:])"),  # 18:30
    ),
    "written": (
        re.compile(rf"\b(?:{MONTHS})\s+\d{{4}}\b", re.IGNORECASE),  # (20) november 2026
        re.compile(r"\bkl\.\s*\d{1,2}\.\d{2}\b"),  # kl. 18.30
    ),
}


def date_styles(text: str) -> dict[str, list[str]]:
    """Each style found in ``text``, with what was found in it (a style not found is left out)."""
    found = {
        style: [match.group(0) for pattern in patterns for match in pattern.finditer(text)]
        for style, patterns in PATTERNS.items()
    }
    return {style: hits for style, hits in found.items() if hits}


def assert_one_date_style(text: str, style: str) -> None:
    """``text`` writes its dates and times in ``style`` only, and has at least one."""
    found = date_styles(text)
    assert style in found, f"no date written as {style!r}"
    others = {other: hits for other, hits in found.items() if other != style}
    assert not others, f"dates written as {style!r} and also {others}"
