"""Articles render safely: no raw HTML, no script links, kb: links resolved."""

from __future__ import annotations

import pytest

from kooperativet.knowledge.markdown import to_html


def test_raw_html_is_shown_as_text() -> None:
    html = to_html('<script>alert("x")</script>\n\n<img src=x onerror=alert(1)> <b>fet</b>', slugs=())
    assert "<script" not in html
    assert "<img" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;b&gt;fet&lt;/b&gt;" in html


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,<b>x</b>",
        "vbscript:x",
        "//evil.example/",
    ],
)
def test_a_link_to_anything_but_the_web_this_site_or_mail_is_not_a_link(target: str) -> None:
    html = to_html(f"[klicka]({target})", slugs=())
    assert "<a " not in html
    assert "klicka" in html


def test_links_to_the_web_this_site_and_other_articles() -> None:
    html = to_html(
        "[a](https://www.skatteverket.se) [b](/calculator) [c](kb:tax) [d](kb:gone) [e](mailto:x@example.se)",
        slugs={"tax"},
    )
    assert '<a href="https://www.skatteverket.se" rel="noopener noreferrer">a</a>' in html
    assert '<a href="/calculator">b</a>' in html
    assert '<a href="/kb/tax">c</a>' in html
    assert '<a href="/kb" class="missing">d</a>' in html
    assert '<a href="mailto:x@example.se">e</a>' in html


def test_images_are_off_and_tables_on() -> None:
    html = to_html("![bild](https://example.se/x.png)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", slugs=())
    assert "<img" not in html
    assert '<div class="table-wrap"><table class="stack">' in html
    assert '<td data-label="b">2</td>' in html


def test_a_tables_cells_carry_their_headings_for_the_phone() -> None:
    """On a phone a row is a card: each cell says its column's heading, without the heading's markup."""
    text = "| **Gräns** | `Period` | |\n|---|---|---|\n| 9 mån | 3 år | x |\n| 12 mån | 5 år | y |\n"
    html = to_html(text, slugs=())
    assert '<td data-label="Gräns">9 mån</td>' in html
    assert '<td data-label="Period">5 år</td>' in html
    assert "<td>y</td>" in html  # a column without a heading has no label


def test_a_heading_of_the_first_level_in_the_text_is_a_section_heading() -> None:
    html = to_html("# Titel igen\n\n## Avsnitt\n\ntext", slugs=())
    assert "<h1>" not in html
    assert html.startswith("<h2>Titel igen</h2>\n<h2>Avsnitt</h2>")
