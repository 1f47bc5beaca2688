from __future__ import annotations

import mimetypes
import re
import threading
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, get_group_symbol
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from kooperativet.core.identifiers import iban_in_groups
from kooperativet.resources import project_path

TEMPLATES_ENV = "KOOPERATIVET_TEMPLATES_DIR"
LOCALES = {"sv": "sv_SE", "en": "en_GB"}
#: The fonts every document embeds (templates/common/base.css). Text is checked against both, since any
#: value may be printed in bold.
FONT_FILES = ("fonts/DejaVuSans.ttf", "fonts/DejaVuSans-Bold.ttf")
#: Printed instead of a character the embedded fonts have no glyph for (an emoji, a private-use character).
REPLACEMENT = "\N{REPLACEMENT CHARACTER}"
#: What becomes a line break in a printed value: the line feed that free text stores a typed line break as
#: (``api.types.MultilineText``; a CR before it is a control character and is left out), and the Unicode line
#: and paragraph separators.
LINE_SEPARATORS = "[\n\N{LINE SEPARATOR}\N{PARAGRAPH SEPARATOR}]"
#: A negative amount is written with the minus sign (U+2212) in every language, as the payslip's deductions
#: are: babel writes a hyphen-minus for ``sv_SE`` with a pattern of our own, and ``-`` for ``en_GB``.
MINUS = "\N{MINUS SIGN}"
#: Characters Pango draws as emoji (Unicode emoji-data: Emoji_Presentation, and the modifier bases it treats
#: the same way) with whatever emoji font the machine has instead of the embedded one, even where DejaVu has a
#: glyph: they are replaced too, so that every document draws only from the fonts in templates/fonts.
EMOJI_RANGES: tuple[tuple[int, int], ...] = (
    (0x231A, 0x231B), (0x23E9, 0x23EC), (0x23F0, 0x23F0), (0x23F3, 0x23F3), (0x25FD, 0x25FE),
    (0x2614, 0x2615), (0x261D, 0x261D), (0x2648, 0x2653), (0x267F, 0x267F), (0x2693, 0x2693),
    (0x26A1, 0x26A1), (0x26AA, 0x26AB), (0x26BD, 0x26BE), (0x26C4, 0x26C5), (0x26CE, 0x26CE),
    (0x26D4, 0x26D4), (0x26EA, 0x26EA), (0x26F2, 0x26F3), (0x26F5, 0x26F5), (0x26F9, 0x26FA),
    (0x26FD, 0x26FD), (0x2705, 0x2705), (0x270A, 0x270D), (0x2728, 0x2728), (0x274C, 0x274C),
    (0x274E, 0x274E), (0x2753, 0x2755), (0x2757, 0x2757), (0x2795, 0x2797), (0x27B0, 0x27B0),
    (0x27BF, 0x27BF), (0x2B1B, 0x2B1C), (0x2B50, 0x2B50), (0x2B55, 0x2B55), (0xFFFE, 0xFFFF),
    (0x1F000, 0x10FFFF),
)  # fmt: skip


class AssetRefused(ValueError):
    """WeasyPrint asked for something outside the template assets."""


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file embedded in the PDF (PDF/A-3 associated file), e.g. an invoice's UBL XML."""

    filename: str
    content: bytes
    media_type: str
    description: str
    relationship: str = "Alternative"
    #: The embedded file's creation and modification date. WeasyPrint would write the clock's time, and then
    #: the same document rendered a second later would not give the same bytes.
    dated: datetime = datetime(2000, 1, 1, tzinfo=UTC)


def templates_dir() -> Path:
    return project_path("templates", env_var=TEMPLATES_ENV).resolve()


def money(amount: Decimal, language: str = "sv") -> str:
    """``12772.57`` → ``12 772,57`` (sv) or ``12,772.57`` (en); ``-0.15`` → ``−0,15`` with the minus sign
    U+2212 (never a hyphen-minus). For people to read only: files and the UBL write amounts themselves."""
    text = str(format_decimal(abs(amount), format="#,##0.00", locale=LOCALES[language]))
    return f"{MINUS}{text}" if amount < 0 and text.strip("0,.") else text


def deduction(amount: Decimal, language: str = "sv") -> str:
    """An amount that is deducted, as the payslip prints it: with the minus sign when something is deducted
    (``480`` → ``−480,00``), ``0,00`` when nothing is, and without a sign when a negative deduction (a
    correction giving tax back) is in fact added."""
    return money(-amount, language)


def wrappable(text: str, language: str = "sv") -> Markup:
    """A number (``money``, ``quantity``) in a narrow table cell, which may wrap at its thousands separators
    and nowhere else: ``1 234 567,125`` → ``1<wbr> 234<wbr> 567,125``, ``1,234.5`` → ``1,<wbr>234.5``. The
    cell needs ``white-space: normal``. A line breaks before a no-break space, so that in a right-aligned cell
    the space starts the next line (and is not seen) instead of ending the line."""
    separator = str(get_group_symbol(LOCALES[language]))
    joint = Markup("<wbr>") + separator if separator.isspace() else escape(separator) + Markup("<wbr>")
    return joint.join(escape(part) for part in text.split(separator))


def long_date(day: date, language: str = "sv") -> str:
    """``2026-11-25`` → ``25 november 2026`` (sv) or ``25 November 2026`` (en): a date in running text (the
    e-mails, the minutes), never on a form."""
    return str(format_date(day, format="long", locale=LOCALES[language]))


def quantity(value: Decimal, language: str = "sv") -> str:
    """A quantity as people write it: ``10`` (never ``1E+1``), ``2,5`` (sv) or ``2.5`` (en), ``1 250``."""
    return str(format_decimal(value, format="#,##0.###", locale=LOCALES[language]))


def percent(value: Decimal, language: str = "sv") -> str:
    """A rate given in percent as Swedes write it: ``25`` → ``25 %``, ``6.5`` → ``6,5 %``.

    Språkrådet's Svenska skrivregler put a space between the number and the per cent sign (in both
    languages here, since the English documents are read by the same people)."""
    return f"{quantity(value, language)}\N{NO-BREAK SPACE}%"


def ordinal(number: int) -> str:
    """A Swedish ordinal in digits, as Språkrådet's Svenska skrivregler abbreviate it: ``1`` → ``1:a``,
    ``2`` → ``2:a``, ``3`` → ``3:e``, ``11`` → ``11:e``, ``12`` → ``12:e``, ``21`` → ``21:a``. ":a" follows a
    number whose spoken ordinal ends in -a (första, andra), ":e" every other (tredje, elfte, tolfte)."""
    suffix = "a" if number % 10 in (1, 2) and number % 100 not in (11, 12) else "e"
    return f"{number}:{suffix}"


def country_name(code: str, language: str = "sv") -> str:
    """An ISO 3166 country code as a reader writes the country: ``SE`` → ``Sverige`` (sv), ``Sweden`` (en).
    The code stays in the stored snapshot and the UBL; an unknown code is printed as it is."""
    return str(Locale.parse(LOCALES[language]).territories.get(code.upper(), code))


@lru_cache(maxsize=1)
def printable_characters() -> frozenset[int]:
    """The code points every embedded font has a glyph for (the cmap of each font program), less the emoji."""
    from fontTools.ttLib import TTFont

    cmaps = [frozenset(TTFont(templates_dir() / name, lazy=True).getBestCmap()) for name in FONT_FILES]
    return frozenset(
        code
        for code in frozenset.intersection(*cmaps)
        if not any(first <= code <= last for first, last in EMOJI_RANGES)
    )


def printable(value: object) -> object:
    """Every value a template prints, made safe to draw: PDF/A-3b (ISO 19005-3, 6.2.11.4.1) requires a glyph
    in the embedded font program for every character drawn. A character the fonts lack becomes U+FFFD instead
    of a missing-glyph box, a line or paragraph separator (U+2028, U+2029) becomes a line break, and control,
    format and variation-selector characters (which draw nothing) are left out."""
    if not isinstance(value, str) or isinstance(value, Markup):
        return value
    lines = re.split(LINE_SEPARATORS, "".join(_printable_character(character) for character in value))
    return lines[0] if len(lines) == 1 else Markup("<br>").join(escape(line) for line in lines)


def _printable_character(character: str) -> str:
    if character in "\n\t\N{LINE SEPARATOR}\N{PARAGRAPH SEPARATOR}":
        return character
    if unicodedata.category(character) in ("Cc", "Cf") or "\ufe00" <= character <= "\ufe0f":
        return ""
    return character if ord(character) in printable_characters() else REPLACEMENT


@lru_cache(maxsize=1)
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=select_autoescape(["html", "xml"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=printable,
    )
    environment.filters["money"] = money
    environment.filters["deduction"] = deduction
    environment.filters["wrappable"] = wrappable
    # Forms (invoice, payslip, certificates, reminder) write ISO dates only (``.isoformat()``) and the
    # minutes get their dates written out in Python (``governance.minutes_text``); docs/web.md, "Dates and
    # times", and the tests of every document check it. The filter stays for templates a cooperative keeps
    # in a folder of its own (``KOOPERATIVET_TEMPLATES_DIR``), which may use it in prose.
    environment.filters["long_date"] = long_date
    environment.filters["quantity"] = quantity
    environment.filters["percent"] = percent
    environment.filters["country_name"] = country_name
    environment.filters["ordinal"] = ordinal
    environment.filters["iban_groups"] = iban_in_groups
    return environment


def render_html(template: str, context: Mapping[str, Any]) -> str:
    return _environment().get_template(template).render(**context)


def template_asset(url: str) -> tuple[bytes, str]:
    """The bytes and media type of a file inside ``templates/``; any other URL is refused."""
    parsed = urlparse(url)
    if parsed.scheme != "file":
        raise AssetRefused(f"refused to fetch {url!r}: only template assets are allowed")
    path = Path(unquote(parsed.path)).resolve()
    if not path.is_relative_to(templates_dir()) or not path.is_file():
        raise AssetRefused(f"refused to fetch {url!r}: outside the template assets")
    return path.read_bytes(), mimetypes.guess_type(path.name)[0] or "application/octet-stream"


@lru_cache(maxsize=1)
def _asset_fetcher() -> Any:
    import weasyprint.urls

    class TemplateAssetFetcher(weasyprint.urls.URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            body, media_type = template_asset(url)
            return weasyprint.urls.URLFetcherResponse(url, body, headers={"Content-Type": media_type})

    return TemplateAssetFetcher(allowed_protocols=("file",), allow_redirects=False)


def render_pdf(
    template: str,
    context: Mapping[str, Any],
    *,
    attachments: Sequence[Attachment] = (),
    variant: str = "pdf/a-3b",
) -> bytes:
    """Render a template to PDF/A. The same template and context always give the same bytes."""
    return html_to_pdf(render_html(template, context), attachments=attachments, variant=variant)


def html_to_pdf(
    html_text: str, *, attachments: Sequence[Attachment] = (), variant: str = "pdf/a-3b"
) -> bytes:
    """Lay out a rendered template (``render_html``) as PDF/A: the slow part, which the document pipeline
    runs after the commit. The same HTML always gives the same bytes."""
    import weasyprint  # imported here: it is slow to import and most commands never render

    html = weasyprint.HTML(
        string=html_text,
        base_url=templates_dir().as_uri() + "/",
        url_fetcher=_asset_fetcher(),
    )
    pdf_attachments = [
        weasyprint.Attachment(
            string=a.content,
            name=a.filename,
            description=a.description,
            relationship=a.relationship,
            created=a.dated,
            modified=a.dated,
        )
        for a in attachments
    ]
    with _kept_fonts() as fonts:
        content: bytes = html.write_pdf(
            pdf_variant=variant,
            attachments=pdf_attachments,
            font_config=fonts,
            uncompressed_pdf=False,
            custom_metadata=False,
            finisher=_list_each_associated_file_once,
        )
    return content


#: Lets one document at a time use the process's WeasyPrint font configuration (``_kept_fonts``).
_fonts_in_use = threading.Lock()


@contextmanager
def _kept_fonts() -> Iterator[Any]:
    """The process's WeasyPrint font configuration, for one document at a time.

    A configuration made per document (as WeasyPrint does when given none) loads every font of the machine
    again, a third of a payslip's time, and leaves about a quarter of a megabyte of Pango's and Fontconfig's
    memory behind that is never given back (bench/payslip_pdfs.py). Kept, it costs neither; the embedded
    font subsets are still each document's own, so the same document gives the same bytes whatever was
    rendered before it (tests/documents/test_render.py). Pango's font maps are not made for two threads at
    once, so documents take turns with it; a layout holds Python's interpreter lock nearly all the time, so
    two at once in one process would not finish sooner. One per thread instead kept about 4 MB for every
    thread of the server that had rendered one."""
    with _fonts_in_use:
        yield _font_configuration()


@lru_cache(maxsize=1)
def _font_configuration() -> Any:
    """Made at the process's first document, under ``_fonts_in_use``, so it is made once."""
    import weasyprint

    return weasyprint.text.fonts.FontConfiguration()


def _list_each_associated_file_once(_document: Any, pdf: Any) -> None:
    """WeasyPrint 70 lists each attachment twice in the catalog's ``/AF`` (issue #2917), which PDF/A
    checkers refuse; keep the first of each reference."""
    associated = pdf.catalog.get("AF")
    if associated:
        unique = list(dict.fromkeys(associated))
        associated.clear()
        associated.extend(unique)
