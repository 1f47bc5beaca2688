"""The security notice of changed details is signed with the cooperative's name, as every other notice is
("Vänliga hälsningar" and the name; docs/mail.md, "The shared layouts"), once its caller gives the name;
without one it ends with the security line, never with a word for any cooperative."""

from __future__ import annotations

import pytest

from kooperativet.mail.outbox import compose

CHANGE = {"name": "Alva", "fields": [], "bank_account": True, "pending": True, "removal": False}


@pytest.mark.parametrize(("language", "regards"), [("sv", "Vänliga hälsningar"), ("en", "Kind regards")])
def test_the_notice_is_signed_with_the_cooperative_s_name(language: str, regards: str) -> None:
    _subject, text, html = compose(
        "member_details_changed", language, {**CHANGE, "cooperative": "Interim kultur ekonomisk förening"}
    )
    assert text.endswith(f"\n\n{regards}\nInterim kultur ekonomisk förening\n")
    assert html is not None
    assert f"<p>{regards}<br>Interim kultur ekonomisk förening</p>" in html


@pytest.mark.parametrize("language", ["sv", "en"])
def test_without_the_name_the_notice_ends_with_its_security_line(language: str) -> None:
    _subject, text, html = compose("member_details_changed", language, CHANGE)
    assert text.rstrip().endswith(("som alltid skickas.", "which is always sent."))
    assert html is not None
    assert "regards" not in html
    assert "hälsningar" not in html
