"""Whom an e-mail greets: the reader's first name, the same in every message (docs/mail.md, "Greeting")."""

from __future__ import annotations

import pytest

from kooperativet.mail import greeting_name


@pytest.mark.parametrize(
    ("first_name", "full_name", "greeting"),
    [
        ("Alva", "Alva Lindqvist", "Alva"),  # a member: her record's first name
        ("Anna-Karin", "Anna-Karin Berg", "Anna-Karin"),
        ("Anna Karin", "Anna Karin Berg", "Anna Karin"),  # a double first name as her record writes it
        (" Alva ", "Alva Lindqvist", "Alva"),
        (None, "Karin Kassör", "Karin"),  # a login of nobody's: the first word of the name it was made with
        ("", "Karin  Kassör", "Karin"),
        (None, "Kansliet", "Kansliet"),
        (None, "", ""),
    ],
)
def test_a_message_greets_by_the_first_name(first_name: str | None, full_name: str, greeting: str) -> None:
    assert greeting_name(first_name=first_name, full_name=full_name) == greeting
