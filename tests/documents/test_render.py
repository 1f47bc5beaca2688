from __future__ import annotations

import io
import threading
from datetime import UTC, datetime
from decimal import Decimal

import pypdf
import pytest
from markupsafe import Markup

from kooperativet.documents.render import (
    AssetRefused,
    Attachment,
    country_name,
    deduction,
    money,
    percent,
    printable,
    printable_characters,
    quantity,
    render_pdf,
    template_asset,
    templates_dir,
    wrappable,
)
from tests.documents.glyphs import font_names, glyph_problems

HOSTILE = '<img src="file:///etc/passwd"> & <link rel="stylesheet" href="http://127.0.0.1:9/x.css">'


def context(text: str = "Hej") -> dict[str, object]:
    return {"language": "sv", "title": "Prov åäö", "text": text, "amount": Decimal("12772.57")}


def extract(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def test_user_text_is_escaped_and_printed_as_text() -> None:
    reader = extract(render_pdf("common/test_page.html", context(HOSTILE)))
    text = reader.pages[0].extract_text()
    assert '<img src="file:///etc/passwd">' in text
    assert "root:" not in text


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "http://127.0.0.1:9/x.css", "https://example.com/logo.png", "data:text/plain,hi"],
)
def test_nothing_outside_the_template_assets_can_be_fetched(url: str) -> None:
    with pytest.raises(AssetRefused):
        template_asset(url)


def test_template_assets_are_served() -> None:
    body, media_type = template_asset((templates_dir() / "common" / "base.css").as_uri())
    assert media_type == "text/css"
    assert b"@page" in body


def test_the_same_context_gives_the_same_bytes_with_fonts_and_attachment_embedded() -> None:
    attachment = Attachment(
        filename="doc.xml", content=b"<doc/>", media_type="application/xml", description="UBL"
    )
    first = render_pdf("common/test_page.html", context(), attachments=[attachment])
    render_pdf("common/test_page.html", context("other glyphs: xyzQW#"))  # must not leak into the next one
    second = render_pdf("common/test_page.html", context(), attachments=[attachment])
    assert first == second
    reader = extract(first)
    assert reader.attachments["doc.xml"] == [b"<doc/>"]
    fonts = {str(f.get_object()["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any("Kooperativet-Sans" in name for name in fonts)
    assert "/OutputIntents" in reader.trailer["/Root"]  # PDF/A output intent
    assert "12 772,57" in reader.pages[0].extract_text().replace("\xa0", " ")


def test_a_document_gives_the_same_bytes_on_a_thread_that_has_rendered_others_and_on_a_new_one() -> None:
    # The process keeps one font configuration (render._kept_fonts) that every thread's documents take turns
    # with: what one document drew must not change the next one's embedded subsets, on whichever thread.
    def on_a_new_thread(texts: list[str]) -> list[bytes]:
        rendered: list[bytes] = []
        thread = threading.Thread(
            target=lambda: rendered.extend(render_pdf("common/test_page.html", context(t)) for t in texts)
        )
        thread.start()
        thread.join()
        return rendered

    alone = on_a_new_thread(["Hej"])[0]
    after_others = on_a_new_thread(["ÆØÅ æøå ß €½ xyzQW#", "Ωμέγα ﬁ ﬂ “citat” …", "Hej"])[-1]
    assert after_others == alone
    assert render_pdf("common/test_page.html", context()) == alone


def test_each_embedded_file_is_listed_once_as_an_associated_file() -> None:
    # WeasyPrint 70 lists every attachment twice in /AF (issue #2917); PDF/A checkers refuse that.
    attachment = Attachment(
        filename="a.xml", content=b"<a/>", media_type="application/xml", description="UBL"
    )
    reader = extract(render_pdf("common/test_page.html", context(), attachments=[attachment]))
    associated = [reference.idnum for reference in reader.trailer["/Root"]["/AF"]]
    assert len(associated) == len(set(associated)) == 1


@pytest.mark.parametrize(
    ("amount", "language", "text"),
    [
        (Decimal("12772.57"), "sv", "12\xa0772,57"),
        (Decimal("12772.57"), "en", "12,772.57"),
        (Decimal("0"), "sv", "0,00"),
    ],
)
def test_money_is_written_the_reader_s_way(amount: Decimal, language: str, text: str) -> None:
    assert money(amount, language) == text


def test_an_embedded_file_carries_its_given_date_not_the_clock() -> None:
    # With the clock's time, the same document rendered a second later would give other bytes.
    attachment = Attachment(
        filename="a.xml",
        content=b"<a/>",
        media_type="application/xml",
        description="UBL",
        dated=datetime(2026, 3, 2, tzinfo=UTC),
    )
    pdf = render_pdf("common/test_page.html", context(), attachments=[attachment])
    assert b"/CreationDate (D:20260302000000Z)" in pdf
    assert b"/ModDate (D:20260302000000Z)" in pdf


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        (Decimal("10"), "sv", "10"),
        (Decimal("1E+1"), "sv", "10"),
        (Decimal("2.50"), "sv", "2,5"),
        (Decimal("1250.125"), "sv", "1\xa0250,125"),
        (Decimal("2.5"), "en", "2.5"),
    ],
)
def test_quantities_print_as_people_write_them(value: Decimal, language: str, expected: str) -> None:
    assert quantity(value, language) == expected


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [(Decimal("25"), "sv", "25\xa0%"), (Decimal("6.50"), "sv", "6,5\xa0%"), (Decimal("12"), "en", "12\xa0%")],
)
def test_rates_print_with_a_space_before_the_per_cent_sign(
    value: Decimal, language: str, expected: str
) -> None:
    assert percent(value, language) == expected


@pytest.mark.parametrize(
    ("code", "language", "expected"),
    [("SE", "sv", "Sverige"), ("DE", "sv", "Tyskland"), ("NO", "en", "Norway"), ("se", "sv", "Sverige")],
)
def test_a_country_is_printed_by_its_name_in_the_document_s_language(
    code: str, language: str, expected: str
) -> None:
    assert country_name(code, language) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fest 🎉 och ✅ klart", "Fest \ufffd och \ufffd klart"),
        ("Glad 😀 och ✌️", "Glad \ufffd och \ufffd"),  # DejaVu has these, but Pango would draw them as emoji
        ("bell\x07 and zero\u200bwidth", "bell and zerowidth"),
        ("Åsa Öberg – 25 % ★", "Åsa Öberg – 25 % ★"),
    ],
)
def test_characters_the_fonts_cannot_draw_are_replaced(text: str, expected: str) -> None:
    assert printable(text) == expected


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\n", "\r\n"])
def test_a_line_break_becomes_a_line_break_and_the_rest_stays_escaped(separator: str) -> None:
    """Free text stores a typed line break as a line feed (api.types.MultilineText): a credit note's reason,
    an employment's duties, a motion, a vote's question, a payslip correction's reason."""
    assert printable(f"första <b>{separator}andra") == Markup("första &lt;b&gt;<br>andra")


@pytest.mark.parametrize(
    ("amount", "language", "expected"),
    [
        (Decimal("-0.15"), "sv", "\u22120,15"),
        (Decimal("-12772.57"), "sv", "\u221212\xa0772,57"),
        (Decimal("-1234.50"), "en", "\u22121,234.50"),
        (Decimal("-0.00"), "sv", "0,00"),
        (Decimal("-0.001"), "sv", "0,00"),
    ],
)
def test_a_negative_amount_is_written_with_the_minus_sign(
    amount: Decimal, language: str, expected: str
) -> None:
    assert money(amount, language) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [(Decimal("480.00"), "\u2212480,00"), (Decimal("0.00"), "0,00"), (Decimal("-12.50"), "12,50")],
)
def test_a_deduction_carries_the_minus_sign_only_when_something_is_deducted(
    amount: Decimal, expected: str
) -> None:
    assert deduction(amount) == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("1\xa0234\xa0567,125", "sv", "1<wbr>\xa0234<wbr>\xa0567,125"),
        ("\u2212999\xa0999,99", "sv", "\u2212999<wbr>\xa0999,99"),
        ("1,234,567.125", "en", "1,<wbr>234,<wbr>567.125"),
        ("2,5", "sv", "2,5"),
        ("<b>", "sv", "&lt;b&gt;"),
    ],
)
def test_a_number_may_wrap_at_its_thousands_separators_only(text: str, language: str, expected: str) -> None:
    assert str(wrappable(text, language)) == expected


def test_emoji_control_characters_and_line_separators_draw_no_missing_glyph() -> None:
    text = "fest 🎉 ✅ 😀 rad\u2028två \x07 " + "x" * 300
    pdf = render_pdf("common/test_page.html", context(text))
    assert glyph_problems(pdf) == []
    assert font_names(pdf) == {"Kooperativet-Sans", "Kooperativet-Sans-Bold"}
    assert "fest \ufffd \ufffd \ufffd rad\ntvå" in extract(pdf).pages[0].extract_text()


def test_every_character_let_through_is_drawn_from_the_embedded_fonts() -> None:
    text = " ".join(chr(code) for code in sorted(printable_characters()) if chr(code).isprintable())
    pdf = render_pdf("common/test_page.html", context(text))
    assert glyph_problems(pdf) == []
    assert font_names(pdf) == {"Kooperativet-Sans", "Kooperativet-Sans-Bold"}
