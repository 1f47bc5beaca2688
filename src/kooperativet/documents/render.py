from __future__ import annotations

import mimetypes
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from babel.dates import format_date
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from kooperativet.resources import project_path

TEMPLATES_ENV = "KOOPERATIVET_TEMPLATES_DIR"
LOCALES = {"sv": "sv_SE", "en": "en_GB"}


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
    """``12772.57`` → ``12 772,57`` (sv) or ``12,772.57`` (en)."""
    return str(format_decimal(amount, format="#,##0.00", locale=LOCALES[language]))


def long_date(day: date, language: str = "sv") -> str:
    return str(format_date(day, format="long", locale=LOCALES[language]))


@lru_cache(maxsize=1)
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=select_autoescape(["html", "xml"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["money"] = money
    environment.filters["long_date"] = long_date
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
    import weasyprint  # imported here: it is slow to import and most commands never render

    html = weasyprint.HTML(
        string=render_html(template, context),
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
    # A fresh font configuration per document: WeasyPrint's shared one carries glyphs over from earlier
    # documents into the embedded font subsets, and then the same document would not give the same bytes.
    content: bytes = html.write_pdf(
        pdf_variant=variant,
        attachments=pdf_attachments,
        font_config=weasyprint.text.fonts.FontConfiguration(),
        uncompressed_pdf=False,
        custom_metadata=False,
        finisher=_list_each_associated_file_once,
    )
    return content


def _list_each_associated_file_once(_document: Any, pdf: Any) -> None:
    """WeasyPrint 70 lists each attachment twice in the catalog's ``/AF`` (issue #2917), which PDF/A
    checkers refuse; keep the first of each reference."""
    associated = pdf.catalog.get("AF")
    if associated:
        unique = list(dict.fromkeys(associated))
        associated.clear()
        associated.extend(unique)
