"""The readable invoice PDF: what a client sees, in Swedish words and numbers, on the page and drawable."""

from __future__ import annotations

import io
import re

import pypdf

from kooperativet.invoices.documents import pdf_context, render_documents
from kooperativet.invoices.snapshot import Address, Buyer, DocumentKind, InvoiceSnapshot, IssuedSnapshot
from tests.documents.glyphs import glyph_problems
from tests.invoices.conftest import pdf_text
from tests.invoices.test_ubl import (
    AE,
    EXEMPTION,
    GERMAN_BUYER,
    NORWEGIAN_BUYER,
    OUTSIDE,
    E,
    S,
    line,
    snapshot,
)

LONG_STRING = "https://kultur.example.se/" + "a" * 160
LINES = (
    line("10", "950.00", description="Konsert"),
    line("2.5", "1200.00", S, "12", unit="DAY", description="Workshop"),
    line("3", "100.00", S, "6", unit="C62", description="Program"),
)


def issued(document: InvoiceSnapshot, language: str = "sv") -> IssuedSnapshot:
    return IssuedSnapshot(document=document, language=language, title="Sommarturné", place="Malmö")


def pdf(document: InvoiceSnapshot, language: str = "sv") -> bytes:
    return render_documents(issued(document, language)).pdf


def line_rows(content: bytes) -> list[str]:
    text = pdf_text(content)
    return [row for row in text.splitlines() if re.match(r"^(Konsert|Workshop|Program|Gästspel|Turné)", row)]


def test_quantities_units_and_rates_print_as_swedes_write_them() -> None:
    assert line_rows(pdf(snapshot(lines=LINES))) == [
        "Konsert 10 tim 950,00 25 % 9 500,00",
        "Workshop 2,5 dagar 1 200,00 12 % 3 000,00",
        "Program 3 st 100,00 6 % 300,00",
    ]


def test_an_english_invoice_names_the_units_in_english() -> None:
    assert line_rows(pdf(snapshot(lines=LINES), "en")) == [
        "Konsert 10 hours 950.00 25 % 9,500.00",
        "Workshop 2.5 days 1,200.00 12 % 3,000.00",
        "Program 3 pieces 100.00 6 % 300.00",
    ]


def test_the_ubl_keeps_the_un_ece_unit_codes() -> None:
    ubl = render_documents(issued(snapshot(lines=LINES))).ubl
    assert re.findall(rb'unitCode="(\w+)"', ubl) == [b"HUR", b"DAY", b"C62"]


def test_the_vat_breakdown_shows_rates_not_category_codes() -> None:
    text = pdf_text(pdf(snapshot(lines=LINES)))
    assert "25 % 9 500,00 2 375,00" in text
    assert "12 % 3 000,00 360,00" in text
    assert "6 % 300,00 18,00" in text
    assert "S 25" not in text


def test_a_reverse_charged_invoice_says_so_and_names_both_vat_numbers() -> None:
    document = snapshot(
        buyer=GERMAN_BUYER,
        buyer_reference=None,
        order_reference="PO-2026-17",
        lines=(line("2", "4000.00", AE, "0", unit="DAY", description="Gästspel Berlin"),),
    )
    context = pdf_context(issued(document))
    assert context["vat_notes"] == ["Omvänd betalningsskyldighet"]
    text = pdf_text(pdf(document))
    assert line_rows(pdf(document)) == ["Gästspel Berlin 2 dagar 4 000,00 0 % 8 000,00"]
    assert "Momsregistreringsnummer: SE769621234401" in text
    assert "Köparens momsregistreringsnummer: DE123456789" in text
    assert pdf_context(issued(document, "en"))["vat_notes"] == ["Reverse charge"]


def test_an_english_invoice_says_the_swedish_legal_words_after_english_ones() -> None:
    """An English invoice to a buyer abroad printed "Reverse charge: Omvänd betalningsskyldighet" in the VAT
    table, "Omvänd betalningsskyldighet" alone under it and "Godkänd för F-skatt" unexplained: the words the
    law asks for stay, after English that says what they mean. The Swedish invoice is as it was."""
    document = snapshot(
        buyer=GERMAN_BUYER,
        lines=(line("2", "4000.00", AE, "0", unit="DAY", description="Gästspel Berlin"),),
    )
    english = pdf_text(pdf(document, "en")).replace("\n", " ")
    assert "Reverse charge: the buyer accounts for the VAT (Omvänd betalningsskyldighet)" in english
    assert "Approved for F-tax (Godkänd för F-skatt)" in english
    assert english.count("Omvänd betalningsskyldighet") == 1
    swedish = pdf_text(pdf(document)).splitlines()
    assert "Godkänd för F-skatt" in swedish
    assert "Omvänd betalningsskyldighet" in swedish


def test_an_exempt_line_states_the_exemption() -> None:
    document = snapshot(lines=(line("3", "1500.00", E, "0", reason=EXEMPTION),))
    assert pdf_context(issued(document))["vat_notes"] == [f"Undantag från moms: {EXEMPTION}"]
    assert "Undantag från moms: Undantag från skatteplikt" in pdf_text(pdf(document)).replace("\n", " ")


def test_an_invoice_outside_the_scope_of_vat_prints_no_vat_number_and_no_rate() -> None:
    document = snapshot(
        buyer=NORWEGIAN_BUYER,
        lines=(line("1", "12000.00", OUTSIDE, "0", unit="C62", description="Turné Norge"),),
    )
    context = pdf_context(issued(document))
    assert (context["show_seller_vat"], context["show_buyer_vat"]) == (False, False)
    assert context["vat_notes"] == ["Utanför momsens tillämpningsområde"]
    text = pdf_text(pdf(document))
    assert "SE769621234401" not in text
    assert "Momsregistreringsnummer" not in text
    assert line_rows(pdf(document)) == ["Turné Norge 1 st 12 000,00 – 12 000,00"]


def test_the_payment_block_stays_on_the_page_of_the_totals() -> None:
    for count in range(12, 24, 2):  # wherever the page break falls
        document = snapshot(lines=tuple(line("1", "100.00", description=f"Rad {n}") for n in range(count)))
        reader = pypdf.PdfReader(io.BytesIO(pdf(document)))
        pages = [page.extract_text() for page in reader.pages]
        page_of_total = next(i for i, text in enumerate(pages) if "Att betala (SEK)" in text)
        page_of_bankgiro = next(i for i, text in enumerate(pages) if "Bankgiro: 5050-1055" in text)
        assert page_of_total == page_of_bankgiro, count


def test_a_long_unbroken_string_wraps_inside_its_column() -> None:
    document = snapshot(lines=(line("1", "950.00", description=LONG_STRING),))
    content = pdf(document)
    text = pdf_text(content)
    assert LONG_STRING in text.replace("\n", "")
    assert "1 tim 950,00 25 % 950,00" in text  # the other columns stay on the page, on the first row
    page = pypdf.PdfReader(io.BytesIO(content)).pages[0]
    starts: list[float] = []  # where each piece of text starts, in points from the page's left edge

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            starts.append(tm[4] * cm[0] + tm[5] * cm[2] + cm[4])

    page.extract_text(visitor_text=visit)
    assert 400 < max(starts) < float(page.mediabox.width) - 45  # the amount column, inside the right margin


def test_emoji_and_line_separators_in_a_description_draw_no_missing_glyph() -> None:
    description = "Fest 🎉 med ✅ och 😀\u2028andra raden"
    content = pdf(snapshot(lines=(line("1", "950.00", description=description),)))
    assert glyph_problems(content) == []
    assert "Fest \ufffd med \ufffd och \ufffd\nandra raden" in pdf_text(content)


def test_every_invoice_kind_passes_the_glyph_check() -> None:
    for document in [snapshot(lines=LINES), snapshot(DocumentKind.CREDIT_NOTE)]:
        assert glyph_problems(pdf(document)) == []


PRIVATE_PERSON = Buyer(
    name="Petra Privat",
    address=Address(street="Rosenvägen 4", postal_code="224 66", city="Lund", country="SE"),
    private_person=True,
)


def test_a_private_person_sees_amounts_including_vat_in_english_too_and_gets_no_ubl() -> None:
    document = snapshot(lines=LINES, buyer=PRIVATE_PERSON, buyer_reference=None)
    rendered = render_documents(
        IssuedSnapshot(
            document=document,
            language="en",
            title="Summer tour",
            e_invoice=False,
            payment_terms_days=30,
        )
    )

    assert (rendered.ubl, rendered.ubl_sha256) == (None, None)
    assert pypdf.PdfReader(io.BytesIO(rendered.pdf)).attachments == {}
    rows = pdf_text(rendered.pdf).splitlines()
    # 10 × 950 = 9 500 at 25 %; 2,5 × 1 200 = 3 000 at 12 %; 3 × 100 = 300 at 6 %.
    assert [row for row in rows if row.startswith(("Konsert", "Workshop", "Program"))] == [
        "Konsert 10 hours 950.00 25 % 11,875.00",
        "Workshop 2.5 days 1,200.00 12 % 3,360.00",
        "Program 3 pieces 100.00 6 % 318.00",
    ]
    assert "Amount due incl. VAT (SEK) 15,553.00" in rows
    assert "Payment terms 30 days net" in rows
    assert glyph_problems(rendered.pdf) == []
