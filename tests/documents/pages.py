"""What a page parted from the others still says (docs/documents.md, "Pages"): "Sida n av m" on every page,
and on every page after the first the document it belongs to, in the footer below the content."""

from __future__ import annotations

import html
import io
import re
import subprocess
import tempfile
from pathlib import Path

import pypdf

#: The top of the bottom margin (20 mm) of an A4 page, in points from the top of the page.
FOOTER_TOP = 841.89 - 20 / 25.4 * 72


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text with its white space made single spaces."""
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def page_problems(pdf: bytes, *, identity: str, page: str = "Sida {n} av {m}") -> list[str]:
    """What a page lacks: which page of how many it is (``page``, with ``{n}`` and ``{m}``), and after the
    first page the ``identity`` of its document, once and in the footer. Empty when every page has both."""
    texts = page_texts(pdf)
    footers = _footer_texts(pdf)
    problems = []
    for n, (text, footer) in enumerate(zip(texts, footers, strict=True), start=1):
        if page.format(n=n, m=len(texts)) not in footer:
            problems.append(f"page {n} of {len(texts)} has no {page!r} in its footer: {footer!r}")
        if n > 1 and (text.count(identity) != 1 or identity not in footer):
            problems.append(f"page {n} does not name {identity!r} once in its footer: {footer!r}")
    return problems


def word_boxes(pdf: bytes) -> str:
    """pdftotext's ``-bbox`` XHTML of ``pdf``: each page with each word and its box, in points."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "document.pdf"
        path.write_bytes(pdf)
        return subprocess.run(
            ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout


def _footer_texts(pdf: bytes) -> list[str]:
    """The words of each page that lie wholly in the bottom margin, in reading order."""
    boxes = word_boxes(pdf)
    return [
        " ".join(
            html.unescape(word)
            for top, word in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]+)<', page)
            if float(top) >= FOOTER_TOP
        )
        for page in boxes.split("<page ")[1:]
    ]
