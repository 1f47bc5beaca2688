"""What an English reader of the pages is told: an example of how to write a number is one the form reads
in her language, a word the catalog keeps in Swedish is explained in English, and a thing has one English
name."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.web import commission_refusals, forms, parameter_words
from kooperativet.web.forms import amount_text, decimal_text
from kooperativet.web.i18n import translations
from tests.employments.test_employments_api import employed  # noqa: F401 (fixture)
from tests.payroll.conftest import payroll_ready
from tests.web.conftest import sign_in
from tests.web.test_office_words import _job

__all__ = ["payroll_ready"]

#: The calculator's own refusal (web/pages/pay.py), said when an amount is not one.
CALCULATOR_AMOUNT = "Write an amount in kronor above 0 with at most two decimals, e.g. 12,500.50."
#: Every message that shows how to write a number, with the reader it is for.
EXAMPLES = [
    forms.MESSAGES["money"],
    commission_refusals.AMOUNT,
    CALCULATOR_AMOUNT,
    parameter_words.KIND_HINTS[parameter_words.ValueKind.amount],
    parameter_words.KIND_HINTS[parameter_words.ValueKind.fraction],
]
#: A number in an example: digits with the separators either language groups and marks decimals with.
NUMBER = re.compile(r"\d[\d\N{NO-BREAK SPACE} ,.]*\d")


def _example(message: str) -> str:
    found = NUMBER.findall(message.removesuffix("."))
    assert found, f"{message!r} shows no number"
    return found[-1]


@pytest.mark.parametrize("message", EXAMPLES)
@pytest.mark.parametrize("language", ["en", "sv"])
def test_an_example_of_a_number_is_one_the_form_reads_in_the_readers_language(
    message: str, language: str
) -> None:
    """An English page said "e.g. 1 250,50", which the English form refuses as a number it cannot read
    (a comma before two digits is not thousands in English): the example must be read as it is written."""
    said = translations(language).gettext(message)
    example = _example(said)
    read = amount_text(example, language)
    assert read == decimal_text(example, language)
    assert Decimal(read) > 0, f"{said!r}: {example!r} is not read in {language}"


def test_the_calculator_shows_the_english_reader_an_amount_written_in_english(
    browser_client: TestClient, payroll_ready, make_member
) -> None:
    sign_in(browser_client, make_member().user.email)
    browser_client.cookies.set("kooperativet_language", "en")
    answer = browser_client.get("/calculator", params={"invoiced": "a lot"})
    assert answer.status_code == 422
    assert "e.g. 12,500.50." in answer.text
    assert "12 500,50" not in answer.text


@pytest.mark.parametrize("key", sorted(parameter_words.NAMES))
def test_a_swedish_word_in_a_parameters_english_description_is_explained(key: str) -> None:
    """ "Semesterersättning paid with each salary." and "Öresavrundning of the amount to pay." left an English
    reader with a Swedish word and no English one: a Swedish term stays only in brackets after its English."""
    for text in parameter_words.NAMES[key]:
        outside_brackets = re.sub(r"\([^)]*\)", "", text)
        assert not re.search(r"[åäöÅÄÖ]", outside_brackets), text


def test_the_english_parameter_list_says_holiday_pay_and_rounding_in_english(
    browser_client: TestClient, payroll_ready, make_user
) -> None:
    sign_in(browser_client, make_user(Role.treasurer).user.email)
    browser_client.cookies.set("kooperativet_language", "en")
    page = browser_client.get("/office/parameters").text
    assert "Holiday pay (semesterersättning) paid with each salary." in page
    assert "Whether the amount to pay is rounded to whole kronor (öresavrundning)." in page
    browser_client.cookies.set("kooperativet_language", "sv")
    swedish = browser_client.get("/office/parameters").text
    assert "Semesterersättning som betalas med varje lön." in swedish
    assert "Öresavrundning av beloppet att betala." in swedish


@pytest.mark.parametrize("path", ["/office/members", "/office/members/new"])
def test_the_office_says_personal_identity_number_in_english_as_the_member_and_her_payslip_do(
    browser_client: TestClient, make_user, make_member, path: str
) -> None:
    """The member's own page and her English payslip say "personal identity number"; the office's English
    pages said "personnummer", a Swedish word for a thing that has an English name."""
    make_member()
    sign_in(browser_client, make_user(Role.treasurer).user.email)
    browser_client.cookies.set("kooperativet_language", "en")
    english = browser_client.get(path).text
    assert "Personal identity number" in english
    assert "personnummer" not in english.lower()
    browser_client.cookies.set("kooperativet_language", "sv")
    assert "Personnummer" in browser_client.get(path).text


def test_a_wrong_personal_identity_number_is_refused_in_english_words(
    browser_client: TestClient, make_user
) -> None:
    sign_in(browser_client, make_user(Role.treasurer).user.email)
    browser_client.cookies.set("kooperativet_language", "en")
    form = browser_client.get("/office/members/new").text
    token = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', form)
    assert token
    answer = browser_client.post(
        "/office/members/new",
        data={"csrf_token": token.group(1), "personal_identity_number": "1991-07-04", "login": "none"},
    )
    assert answer.status_code == 422
    refusal = "This is not a valid personal identity number: write all twelve digits, YYYYMMDD-NNNN."
    assert refusal in answer.text


def test_the_pay_page_says_its_certificates_are_swedish_documents(
    browser_client: TestClient,
    employed,  # noqa: F811 (fixture)
) -> None:
    """The anställningsbevis and the arbetsgivarintyg exist in Swedish only: the English page linked them as
    "Employment certificate … (PDF)" and "Download the certificate (PDF)", and a Swedish document came."""
    member, *_ = employed
    sign_in(browser_client, member.user.email)
    browser_client.cookies.set("kooperativet_language", "en")
    page = browser_client.get("/pay").text
    assert "(anställningsbevis, PDF in Swedish)</a>" in page
    assert "Download the certificate (arbetsgivarintyg, PDF in Swedish)" in page
    browser_client.cookies.set("kooperativet_language", "sv")
    swedish = browser_client.get("/pay").text
    assert re.search(r"Anställningsbevis <time[^>]*>[0-9-]+</time> \(PDF\)</a>", swedish)
    assert "Ladda ner intyget (PDF)" in swedish


def test_background_work_counts_employment_certificates_not_employers_certificates(
    browser_client: TestClient, session: Session, make_user
) -> None:
    """A job that renders anställningsbevis said "2 employer's certificates" in English, the name of the
    arbetsgivarintyg, another document; the Swedish said "2 anställningsbevis"."""
    _job(session, "render_documents", {"kind": "employment_certificate", "ids": [1, 2]})
    session.commit()
    sign_in(browser_client, make_user(Role.treasurer).user.email)
    browser_client.cookies.set("kooperativet_language", "en")
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", browser_client.get("/office/jobs").text))
    assert "2 employment certificates" in words
    assert "employer's certificate" not in words
    browser_client.cookies.set("kooperativet_language", "sv")
    assert "2 anställningsbevis" in browser_client.get("/office/jobs").text


def test_the_office_is_told_to_write_a_members_leave_in_swedish_as_the_certificate_is(
    browser_client: TestClient,
    employed,  # noqa: F811 (fixture)
) -> None:
    """The leave line is printed as typed on the Swedish arbetsgivarintyg: the English hint gave the Swedish
    example "Sjukledig …" without saying that it is Swedish, or what it means."""
    member, treasurer, *_ = employed
    sign_in(browser_client, treasurer.user.email)
    browser_client.cookies.set("kooperativet_language", "en")
    page = browser_client.get(f"/office/members/{member.member.id}").text
    assert "In Swedish, as the certificate is, e.g. Sjukledig 2026-03-02 – 2026-03-06 (sick leave)." in page
    browser_client.cookies.set("kooperativet_language", "sv")
    swedish = browser_client.get(f"/office/members/{member.member.id}").text
    assert "Som den ska stå på intyget, t.ex. Sjukledig 2026-03-02 – 2026-03-06. Lämnas" in swedish
