"""The parameter pages in words: every parameter has a Swedish name and description, values with their unit,
sources in Swedish, and no box to add a value for those who may not."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient

from kooperativet.api.dependencies import today
from kooperativet.auth.models import Role
from kooperativet.parameters.catalog import CATALOG
from kooperativet.parameters.service import add_value
from kooperativet.web.i18n import translations
from kooperativet.web.parameter_words import NAMES
from tests.payroll.conftest import payroll_ready
from tests.web.conftest import form_token, sign_in

__all__ = ["payroll_ready"]

#: What gettext("") answers: the catalogue's header, never to be shown.
HEADER = "Project-Id-Version"


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_every_parameter_of_the_catalogue_has_a_name_and_a_description_in_swedish(key: str) -> None:
    assert key in NAMES, f"{key} has no name on the parameter pages (web/pages/office_parameters.py NAMES)"
    swedish = translations("sv")
    for text in NAMES[key]:
        assert text.strip()
        assert swedish.gettext(text) != text, f"{text!r} has no Swedish translation"
        assert HEADER not in swedish.gettext(text)


def _office(client: TestClient, make_user, role: Role = Role.treasurer) -> TestClient:
    sign_in(client, make_user(role).user.email)
    return client


def _words(html: str) -> str:
    """The page's text without its tags and links, where a key would be an internal detail."""
    return re.sub(r"<[^>]+>", " ", html)


def test_the_list_names_every_parameter_in_swedish_with_its_unit(
    browser_client: TestClient, make_user, payroll_ready
) -> None:
    page = _office(browser_client, make_user).get("/office/parameters")
    assert page.status_code == 200
    words = _words(page.text)
    assert HEADER not in page.text
    for key in CATALOG:
        assert key not in words
    assert "Påminnelseavgift" in words
    assert "60,00\N{NO-BREAK SPACE}kr" in words  # the reminder fee
    assert "1\N{NO-BREAK SPACE}000,00\N{NO-BREAK SPACE}kr" in words  # the contribution threshold
    assert "12\N{NO-BREAK SPACE}%" in words  # holiday pay
    assert "Semesterlagen (1977:480) 16 b § (procentregeln) och 5 § första stycket: 12 %" in words
    assert "paid with each salary" not in words


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_each_parameter_page_has_its_name_and_no_catalogue_header(
    browser_client: TestClient, make_user, payroll_ready, key: str
) -> None:
    page = _office(browser_client, make_user).get(f"/office/parameters/{key}")
    assert page.status_code == 200
    assert HEADER not in page.text
    title = re.search(r"<h1>(.*?)</h1>", page.text, re.S)
    assert title is not None
    assert key not in title.group(1)


def test_the_treasurer_sees_one_quiet_line_instead_of_a_box_to_add_a_value(
    browser_client: TestClient, make_user, payroll_ready
) -> None:
    page = _office(browser_client, make_user).get("/office/parameters/reminder_fee").text
    assert "60,00\N{NO-BREAK SPACE}kr" in page
    assert "högst 60 kr för en skriftlig betalningspåminnelse" in page
    assert "Lägg till ett värde från ett datum" not in page
    assert '<p class="hint after-table">Bara en administratör lägger till parametervärden.</p>' in page


def test_the_auditor_sees_neither_the_box_nor_the_line_and_the_admin_sees_the_form(
    browser_client: TestClient, make_user, payroll_ready
) -> None:
    auditor = _office(browser_client, make_user, Role.auditor).get("/office/parameters/reminder_fee").text
    assert "Lägg till ett värde från ett datum" not in auditor
    assert "Bara en administratör" not in auditor
    browser_client.cookies.clear()
    admin = _office(browser_client, make_user, Role.admin).get("/office/parameters/reminder_fee").text
    assert "Lägg till ett värde från ett datum" in admin
    assert "Bara en administratör" not in admin


def test_a_decision_reference_written_in_english_before_is_shown_in_words(
    browser_client: TestClient, session, make_user, payroll_ready
) -> None:
    """Decisions wrote their reference in English until 2026-12-05 ("meeting 1 item 3, vote 2"); the rows
    keep it, and the page says it in Swedish. One a person typed is shown as typed."""
    add_value(
        session,
        key="fee_rate",
        valid_from=date(2027, 1, 1),
        value="0.055",
        source="the board, per capsulam: Sänks avgiften?",
        decision_reference="per capsulam decision, vote 4",
        created_by_id=None,
    )
    add_value(
        session,
        key="fee_rate",
        valid_from=date(2028, 1, 1),
        value="0.05",
        source="Årsmötet 2027",
        decision_reference="Årsmötet 2027-05-20, § 12",
        created_by_id=None,
    )
    page = _office(browser_client, make_user).get("/office/parameters/fee_rate").text
    assert "styrelsens beslut per capsulam, omröstning nr 4" in page
    assert "Styrelsen per capsulam: Sänks avgiften?" in page
    assert "Årsmötet 2027-05-20, § 12" in page
    assert "vote 4" not in page
    assert "the board" not in page


def _cells(html: str) -> list[str]:
    """The cells of the tables in words (``macros/parameter_value.html``), each as its heading and text."""
    return [
        f"{label}: {text}"
        for label, text in re.findall(r'<td data-label="([^"]+)"(?: class="nowrap")?>([^<]*)</td>', html)
    ]


def test_the_account_map_is_a_table_in_words_and_its_json_is_for_the_admin_alone(
    browser_client: TestClient, make_user, payroll_ready
) -> None:
    """The auditor compares the accounts of the SIE file with the map: what is booked, the account and its BAS
    name, not ``{"bank": "1930", "employer_contributions": …}``. Only the admin, who writes the next value as
    JSON, also sees it as JSON."""
    page = _office(browser_client, make_user, Role.auditor).get("/office/parameters/account_map").text
    cells = _cells(page)
    assert "Vad som bokförs: Kundfordringar (utfärdade fakturor, inbetalningar)" in cells
    assert "Konto: 1510" in cells
    assert '<td data-label="Konto" class="nowrap">1510</td>' in page  # an account number never breaks
    assert "Kontots namn: Kundfordringar" in cells
    assert "Vad som bokförs: Försäljning av tjänster till annat EU-land (omvänd skattskyldighet)" in cells
    assert "Konto: 3308" in cells
    assert "Kontots namn: Försäljning tjänster till annat EU-land" in cells
    assert "Vad som bokförs: Utgående moms, 25 %" in cells
    words = _words(page)
    for key in ("receivables", "sales_eu_reverse_charge", "output_vat_25", '"1930"', "JSON"):
        assert key not in words, key
    browser_client.cookies.clear()
    admin = _office(browser_client, make_user, Role.admin).get("/office/parameters/account_map").text
    assert "Värdet som JSON" in admin
    assert "&#34;receivables&#34;: &#34;1510&#34;" in admin or '"receivables": "1510"' in admin


def test_the_employer_contributions_are_a_table_of_categories_years_rates_and_periods(
    browser_client: TestClient, make_user, payroll_ready
) -> None:
    """The 2026 categories as Skatteverket states them: the youth reduction for those born 2003–2007 when paid
    in 2026, 20,81 % up to 25 000 kr a month and 31,42 % above, paid 2026-04-01 – 2027-09-30."""
    page = _office(browser_client, make_user, Role.auditor).get(
        "/office/parameters/employer_contribution_rules"
    )
    assert page.status_code == 200
    cells = _cells(page.text)
    assert "Kategori: nedsatt avgift för unga" in cells
    assert "Födda: 2003 – 2007 vid utbetalning 2026; åren flyttas med utbetalningsåret" in cells
    assert "Sats: 20,81\xa0% upp till 25\xa0000,00\xa0kr i månaden, 31,42\xa0% däröver" in cells
    assert "Utbetalda från: 2026-04-01" in cells
    assert "Utbetalda till och med: 2027-09-30" in cells
    assert "Kategori: ingen avgift" in cells
    assert "Födda: 1937 eller tidigare" in cells
    assert "Födda: 1938 – 1958" in cells  # 2025's: years, not relative to the year of payment
    assert "Kategori: endast ålderspensionsavgift" in cells
    assert "Utbetalda från: 2025-01-01" in cells
    assert "Utbetalda till och med: –" in cells
    assert (
        '<td data-label="Utbetalda från" class="nowrap">2025-01-01</td>' in page.text
    )  # a date never breaks
    words = _words(page.text)
    for key in ("born_from", "pension_only", "monthly_cap", "rate_above_cap", "Y-23"):
        assert key not in words, key


@pytest.mark.parametrize(
    ("key", "typed", "said"),
    [
        # The page shows the fee as "6 %": a percent typed where a fraction belongs is told its fraction.
        ("fee_rate", "5,5", "Skriv en andel mellan 0 och 1: 5,5 procent skrivs 0,055."),
        ("fee_rate", "6 %", "Skriv en andel mellan 0 och 1: 6 procent skrivs 0,06."),
        ("fee_rate", "-0,01", "Skriv en andel mellan 0 och 1: 0,06 för 6 procent."),
        ("fee_rate", "sex", "Skriv en andel mellan 0 och 1: 0,06 för 6 procent."),
        ("pay_day", "32", "Skriv ett heltal från 1 till 28."),
        ("reminder_fee", "-60", "Skriv ett belopp i kronor, noll eller mer, t.ex. 25 000,00."),
    ],
)
def test_a_value_its_kind_refuses_is_told_what_to_write_by_the_field(
    browser_client: TestClient, make_user, payroll_ready, key: str, typed: str, said: str
) -> None:
    admin = _office(browser_client, make_user, Role.admin)
    page = admin.get(f"/office/parameters/{key}").text
    form = {"valid_from": "2031-01-01", "value": typed, "source": "Styrelsen", "csrf_token": form_token(page)}
    answer = admin.post(f"/office/parameters/{key}", data=form)
    assert answer.status_code == 422
    assert f'<p class="error" id="e-value">{said}</p>' in answer.text
    assert "Värdet är inte giltigt för parametern." not in answer.text
    assert f'value="{typed}"' in answer.text


def test_when_salary_is_paid_is_said_as_the_payroll_page_says_it(
    browser_client: TestClient, make_user, payroll_ready
) -> None:
    """pay_on=invoice pays once the invoice is issued (utfärdad), not sent, and only once the whole commission
    is invoiced (payroll.md §5): the parameter says it in the payroll page's words."""
    client = _office(browser_client, make_user)
    words = _words(client.get("/office/parameters").text)
    assert (
        "När kunden har betalat, eller redan när fakturan är utfärdad – i båda fallen först när allt arbete "
        "i uppdraget är fakturerat."
    ) in words
    assert "skickad" not in words
    assert "när fakturan är utfärdad" in client.get("/office/payroll").text


def test_a_reference_rate_from_an_earlier_half_year_is_warned_of_with_the_interest_used_meanwhile(
    app, browser_client: TestClient, make_user, payroll_ready
) -> None:
    """On 2026-12-07 the newest seeded rate is 2026-01-01's: the second half of 2026 has none. The list, the
    rate's page and the month end say which half-year is missing, what late interest is computed with, and
    where the rate is added; the day is the request's (``Today``), set here, not the clock's."""
    app.dependency_overrides[today] = lambda: date(2026, 12, 7)
    try:
        client = _office(browser_client, make_user)
        pages = [
            client.get(path).text for path in ("/office/parameters", "/office/parameters/reference_rate")
        ]
        pages.append(client.get("/office/month-end?month=2026-12").text)
    finally:
        app.dependency_overrides.pop(today, None)
    expected = (
        "Riksbankens referensränta för 2026-07-01 – 2026-12-31 saknas. Riksbanken fastställer en ny för "
        "varje kalenderhalvår (räntelagen (1975:635) 9 §), och räntan som gäller i dag, 2 %, är den för "
        "2026-01-01 – 2026-06-30. Tills den nya räntan är inlagd räknas dröjsmålsräntan med 2 % plus "
        "marginalen 8 %: 10 % om året. En administratör lägger in räntan från 2026-07-01 på parameterns sida "
        "när Riksbanken har meddelat den; gissa den inte."
    )
    for page in pages:
        words = " ".join(_words(page).replace("\N{NO-BREAK SPACE}", " ").split())
        assert expected in words
    link = '<a href="/office/parameters/reference_rate">Öppna parametern: Referensränta</a>'
    assert [link in page for page in pages] == [True, False, True]  # the rate's own page needs no link to it
    assert "saknas för 2026-07-01\N{NO-BREAK SPACE}– 2026-12-31" in pages[0]


def test_a_reference_rate_of_the_half_year_in_force_gives_no_warning(
    app, browser_client: TestClient, make_user, payroll_ready
) -> None:
    app.dependency_overrides[today] = lambda: date(2026, 6, 30)
    try:
        client = _office(browser_client, make_user)
        pages = [client.get(path).text for path in ("/office/parameters", "/office/month-end?month=2026-06")]
    finally:
        app.dependency_overrides.pop(today, None)
    for page in pages:
        assert 'id="renewal-reference_rate"' not in page
