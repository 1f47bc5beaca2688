"""The invoice and credit note PDF as a reader sees it (docs/documents.md): a page break never cuts a line of
the table, every page after the first names the invoice and says which page of how many it is, the largest
quantities and amounts the API allows stay inside their columns and the page, typed line breaks are kept and a
negative amount carries the minus sign."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from pathlib import Path

import pypdf
import pytest

from kooperativet.documents.render import render_html
from kooperativet.invoices.documents import TEMPLATE, pdf_context, render_documents
from kooperativet.invoices.snapshot import DocumentKind, IssuedSnapshot
from tests.documents.glyphs import glyph_problems
from tests.documents.pages import page_problems, page_texts, word_boxes
from tests.invoices.test_ubl import line, snapshot

#: The right margin of an A4 page with the documents' 16 mm side margins, in points.
RIGHT_MARGIN = 595.28 - 16 / 25.4 * 72
LONG = "Föreställning med lång beskrivning, inklusive resor och repetitioner, " * 6


def _pdf(kind: DocumentKind = DocumentKind.INVOICE, language: str = "sv", **changes: object) -> bytes:
    issued = IssuedSnapshot(document=snapshot(kind, **changes), language=language, title="Turné")
    return render_documents(issued).pdf


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def _layout(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "document.pdf"
        path.write_bytes(pdf)
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout


def _words(pdf: bytes) -> list[tuple[float, float, str]]:
    """Each word pdftotext finds, with its left and right edge in points."""
    boxes = word_boxes(pdf)
    return [
        (float(left), float(right), word)
        for left, right, word in re.findall(
            r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)<', boxes
        )
    ]


@pytest.mark.parametrize("kind", [DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE])
def test_a_page_break_never_cuts_a_line_of_the_table(kind: DocumentKind) -> None:
    lines = tuple(line("1", "100.00", description=f"Rad {n}: {LONG}slut på rad {n}.") for n in range(8))
    pages = _pages(_pdf(kind, lines=lines))
    assert len(pages) > 2
    for n in range(8):
        [start] = [index for index, page in enumerate(pages) if f"Rad {n}:" in page]
        assert f"rad {n}." in " ".join(pages[start].split()), f"line {n} runs over a page break"


#: What each page after the first names, and how it counts the pages, by kind and language.
CONTINUED = {
    (DocumentKind.INVOICE, "sv"): ("Faktura 2026-0042 · Fakturadatum 2026-11-24", "Sida {n} av {m}"),
    (DocumentKind.INVOICE, "en"): ("Invoice 2026-0042 · Invoice date 2026-11-24", "Page {n} of {m}"),
    (DocumentKind.CREDIT_NOTE, "sv"): (
        "Kreditfaktura 2026-0043 · Kreditfakturadatum 2026-11-24 · Krediterar faktura 2026-0042",
        "Sida {n} av {m}",
    ),
    (DocumentKind.CREDIT_NOTE, "en"): (
        "Credit note 2026-0043 · Credit note date 2026-11-24 · Credits invoice 2026-0042",
        "Page {n} of {m}",
    ),
}


@pytest.mark.parametrize(("kind", "language"), CONTINUED)
def test_every_page_after_the_first_names_the_invoice_and_which_page_of_how_many_it_is(
    kind: DocumentKind, language: str
) -> None:
    """A clerk who gets page 3 without page 1 still sees whose invoice it is, its number and date."""
    number_and_date, page = CONTINUED[kind, language]
    identity = f"{number_and_date} · Kulturkooperativet Ekonomisk förening"
    lines = tuple(line("2", "950.00", description=f"Föreställning {n}") for n in range(45))
    pdf = _pdf(kind, language, lines=lines)
    pages = page_texts(pdf)
    assert len(pages) > 1
    assert page_problems(pdf, identity=identity, page=page) == []
    assert identity not in pages[0]  # the first page names the document in its heading
    assert glyph_problems(pdf) == []


def test_the_largest_quantity_and_amounts_stay_in_their_columns_and_on_the_page() -> None:
    """Nine digits and three decimals of quantity, twelve digits of kronor: they wrap at their thousands
    separators instead of running over the unit or past the table's rule and the margin."""
    pdf = _pdf(
        lines=(
            line("999999999.999", "1.00", unit="LS", description="Stor mängd"),
            line("1", "999999999999.99", description="Stort pris"),
        ),
    )
    words = _words(pdf)
    quantity_end = max(right for _, right, word in words if word == "999,999")
    unit_start = min(left for left, _, word in words if word == "fast")
    assert quantity_end < unit_start
    assert max(right for _, right, _ in words) <= RIGHT_MARGIN + 1
    assert glyph_problems(pdf) == []  # the <wbr> of a wrappable number draws nothing


def test_an_ordinary_line_keeps_its_numbers_on_one_line() -> None:
    pdf = _pdf(lines=(line("12.5", "1250.00", description="Workshop"),))
    [row] = [row for row in _layout(pdf).splitlines() if "Workshop" in row]
    assert " ".join(row.split()) == "Workshop 12,5 tim 1 250,00 25 % 15 625,00", row


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_credit_note_reason_keeps_its_line_breaks(language: str) -> None:
    document = snapshot(DocumentKind.CREDIT_NOTE, notes=("Första raden.\nAndra raden <b>.",))
    html = render_html(
        TEMPLATE, pdf_context(IssuedSnapshot(document=document, language=language, title="Turné"))
    )
    assert "Första raden.<br>Andra raden &lt;b&gt;." in html
    pages = _pages(_pdf(DocumentKind.CREDIT_NOTE, language, notes=("Första raden.\nAndra raden.",)))
    assert "Första raden.\nAndra raden." in pages[0]


@pytest.mark.parametrize("kind", [DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE])
def test_a_negative_rounding_is_written_with_the_minus_sign(kind: DocumentKind) -> None:
    text = " ".join(_pages(_pdf(kind, lines=(line("1", "100.15"),), round_payable_to_krona=True)))
    assert re.search(r"Öresavrundning \u22120,\d\d", text), text
    assert not re.search(r"-\d+,\d\d", text)
