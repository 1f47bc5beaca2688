"""A PDF/A-3b glyph check for rendered documents (ISO 19005-3, 6.2.11.4.1: every glyph a text-showing
operator draws must be present in the embedded font program).

It reads each page's content stream, follows the font selected by ``Tf`` and collects the glyphs that ``Tj``,
``TJ``, ``'`` and ``"`` draw. WeasyPrint embeds TrueType fonts as ``Type0`` fonts with two-byte codes (either
``Identity-H`` or an embedded CMap that maps codes to CIDs) and an identity ``CIDToGIDMap``, so each CID is a
glyph id of the embedded ``FontFile2``; CID 0 is ``.notdef``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pypdf
from fontTools.ttLib import TTFont
from pypdf.generic import ContentStream, NameObject

TEXT_OPERATORS = (b"Tj", b"TJ", b"'", b'"')


@dataclass(frozen=True)
class DrawnGlyph:
    font: str
    glyph_id: int
    text: str


def _strings(operator: bytes, operands: list[Any]) -> Iterator[bytes]:
    if operator == b"TJ":
        yield from (bytes(item.original_bytes) for item in operands[0] if not isinstance(item, (int, float)))
    elif operator in TEXT_OPERATORS:
        yield bytes(operands[-1].original_bytes)


def _to_unicode(font: Any) -> dict[int, str]:
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    return {
        int(code, 16): bytes.fromhex(text).decode("utf-16-be")
        for code, text in re.findall(r"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]+)>", cmap)
    }


def _code_to_cid(font: Any) -> dict[int, int] | None:
    """``None`` for ``Identity-H`` (the code is the CID), else the embedded CMap's ``cidchar`` entries."""
    encoding = font["/Encoding"]
    if encoding == "/Identity-H":
        return None
    cmap = encoding.get_object().get_data().decode("latin-1")
    assert "begincidrange" not in cmap, "only cidchar entries are read"
    return {int(code, 16): int(cid) for code, cid in re.findall(r"<([0-9a-fA-F]{4})>\s+(\d+)", cmap)}


def drawn_glyphs(pdf: bytes) -> Iterator[DrawnGlyph]:
    """Every glyph drawn on every page, with the font's name and the text its ``ToUnicode`` gives it."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        maps = {
            name: (str(font["/BaseFont"]), _to_unicode(font), _code_to_cid(font))
            for name, font in ((name, font.get_object()) for name, font in fonts.items())
            if font["/Subtype"] == "/Type0"
        }
        current: Any = None
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                current = maps[NameObject(operands[0])]
                continue
            for string in _strings(operator, operands):
                font_name, unicode, cids = current
                for index in range(0, len(string), 2):
                    code = int.from_bytes(string[index : index + 2], "big")
                    cid = code if cids is None else cids[code]
                    yield DrawnGlyph(font_name, cid, unicode.get(code, ""))


def embedded_fonts(pdf: bytes) -> dict[str, TTFont]:
    """Each embedded font program by its ``/BaseFont`` name."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts: dict[str, TTFont] = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            assert descendant["/CIDToGIDMap"] == "/Identity"
            program = descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data()
            fonts[str(font["/BaseFont"])] = TTFont(io.BytesIO(program))
    return fonts


def glyph_problems(pdf: bytes) -> list[str]:
    """What breaks the rule: a ``.notdef`` glyph, a glyph id the embedded font lacks, or an empty outline
    drawn for a letter or digit (a glyph the subset lost)."""
    fonts = embedded_fonts(pdf)
    problems: list[str] = []
    for glyph in drawn_glyphs(pdf):
        font = fonts[glyph.font]
        order = font.getGlyphOrder()
        if glyph.glyph_id == 0:
            problems.append(f"{glyph.font}: .notdef drawn for {glyph.text!r}")
        elif glyph.glyph_id >= len(order):
            problems.append(f"{glyph.font}: glyph {glyph.glyph_id} for {glyph.text!r} is not in the font")
        elif font["glyf"][order[glyph.glyph_id]].numberOfContours == 0 and glyph.text.isalnum():
            problems.append(f"{glyph.font}: empty glyph drawn for {glyph.text!r}")
    return sorted(set(problems))


def font_names(pdf: bytes) -> set[str]:
    """The embedded fonts' names without the subset prefix, e.g. ``Kooperativet-Sans-Bold``."""
    return {name.split("+", 1)[1] for name in embedded_fonts(pdf)}
