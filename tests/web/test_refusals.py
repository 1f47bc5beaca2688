"""``web.refusals``: one table says a service's refusal by its code, in the reader's language, with a page's
own words first and the service's detail last."""

from __future__ import annotations

from starlette.requests import Request

from kooperativet.errors import Conflict, PermissionDenied, RuleViolation
from kooperativet.web.i18n import LANGUAGE_COOKIE, N_, translations
from kooperativet.web.refusals import REFUSALS, refusal_errors, refusal_text


def _request(language: str) -> Request:
    """A request from someone who chose ``language`` with the language switch."""
    cookie = f"{LANGUAGE_COOKIE}={language}".encode()
    return Request({"type": "http", "headers": [(b"cookie", cookie)]})


def test_a_code_is_said_by_the_table_whatever_ids_the_detail_names() -> None:
    first = Conflict("payroll run 7 is approved and locked", code="run_locked")
    second = Conflict("payroll run 12 is paid and locked", code="run_locked")

    assert refusal_text(_request("sv"), first) == refusal_text(_request("sv"), second)
    assert refusal_text(_request("sv"), first) == (
        "Körningen är godkänd och låst. Rätta en lönespecifikation med en rättelse i en senare körning."
    )
    assert refusal_text(_request("en"), first) == REFUSALS["run_locked"]


def test_a_page_s_own_words_come_before_the_table_s() -> None:
    own_pay = N_("You cannot decide on your own pay")
    refused = Conflict("member 3 may not approve run 4: own work", code="own_work")

    assert refusal_text(_request("en"), refused, own={"own_work": own_pay}) == own_pay
    assert refusal_text(_request("en"), refused) == REFUSALS["own_work"]


def test_an_unlisted_code_falls_back_to_the_detail_and_an_empty_field_asks_to_fill_it_in() -> None:
    unlisted = RuleViolation("the weather is wrong", code="no_such_code")
    empty = RuleViolation("name cannot be empty", field="name")

    assert refusal_text(_request("en"), unlisted) == "the weather is wrong"
    assert refusal_text(_request("sv"), empty) == "Fyll i fältet."


def test_the_refusal_stands_by_the_field_it_names() -> None:
    refused = PermissionDenied("you entered this bank account; …", code="entered_by_you")
    by_field = RuleViolation("member 4 cannot be paid", code="member_without_bank_account", field="run")

    assert refusal_errors(_request("en"), refused) == {"form": REFUSALS["entered_by_you"]}
    assert refusal_errors(_request("en"), by_field) == {"run": REFUSALS["member_without_bank_account"]}


def test_every_sentence_in_the_table_is_translated_to_swedish() -> None:
    swedish = translations("sv")
    untranslated = [code for code, text in REFUSALS.items() if swedish.gettext(text) == text]
    assert untranslated == []
