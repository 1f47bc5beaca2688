"""Every HTML message reads on a phone: it says its width is the screen's (a viewport), as `_base.html` does.

Without the viewport a phone's mail program lays the message out 980 px wide and shrinks it to fit, so a
client's invoice or a member's payslip notice arrives in text a third of its size (docs/mail.md, "The shared
layouts")."""

from __future__ import annotations

from pathlib import Path

import pytest

from kooperativet.mail.outbox import compose

TEMPLATES = Path(__file__).parents[2] / "src" / "kooperativet" / "mail" / "templates"
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'
HTML_FILES = sorted(path for path in TEMPLATES.glob("*/*.html"))


def test_every_message_has_html_templates_to_check() -> None:
    assert len(HTML_FILES) >= 30  # fifteen messages in two languages: the glob found the templates


@pytest.mark.parametrize("path", HTML_FILES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_an_html_template_sets_the_phone_width_or_extends_the_layout_that_does(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert '{% extends "_base.html" %}' in source or VIEWPORT in source
    assert '{% extends "_base.html" %}' in source or '<meta charset="utf-8">' in source


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_invoice_to_a_client_reads_at_the_phone_s_width(language: str) -> None:
    context = {
        "number": "2026-0001",
        "cooperative": "Interim kultur ekonomisk förening",
        "client": "Malmö stad",
        "issue_date": "20 november 2026",
        "due_date": "21 december 2026",
        "amount": "21 389,00",
        "ocr": "2026000105",
        "bankgiro": "505-0109",
        "buyer_reference": None,
        "refers_to": None,
        "contact": None,
    }
    _subject, _text, html = compose("invoice", language, context)
    assert html is not None
    head = html.split("<body", 1)[0]
    assert VIEWPORT in head
