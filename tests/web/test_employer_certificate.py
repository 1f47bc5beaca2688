"""The arbetsgivarintyg on the web: the member downloads her own from the pay page, the office any member's
from the member's page, and only the treasurer or an admin states leave on it (docs/employment.md)."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kooperativet.api.dependencies import today
from kooperativet.auth.models import Role
from tests.employments.test_employments_api import employed, text_of  # noqa: F401 (fixture)
from tests.web.conftest import sign_in

NOT_RECORDED = "Ingen ledighet har registrerats hos arbetsgivaren under perioden."
TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def on_a_day(app: FastAPI) -> Iterator[None]:
    app.dependency_overrides[today] = lambda: TODAY
    yield
    app.dependency_overrides.pop(today, None)


def _error(page: str, field: str) -> str:
    """The message shown by ``field`` (the forms macro's ``<p class="error" id="e-…">``)."""
    start = page.index(f'<p class="error" id="e-{field}">') + len(f'<p class="error" id="e-{field}">')
    return html.unescape(page[start : page.index("</p>", start)])


def _personnummer(number: str) -> str:
    return f"{number[:8]}-{number[8:]}"


def _value(page: str, field: str) -> str:
    start = page.index(f'id="f-{field}"')
    start = page.index('value="', start) + len('value="')
    return html.unescape(page[start : page.index('"', start)])


# The member's pay page


def test_the_pay_page_offers_the_certificate_for_this_year_up_to_today(
    browser_client: TestClient,
    employed,  # noqa: F811 (fixture)
) -> None:
    member, *_ = employed
    sign_in(browser_client, member.user.email)
    page = browser_client.get("/pay").text
    assert '<h2 id="h-employer-certificate">Arbetsgivarintyg</h2>' in page
    assert 'action="/pay/employer-certificate#employer-certificate"' in page
    assert (_value(page, "from"), _value(page, "to")) == ("2026-01-01", "2026-11-20")
    assert "Ladda ner intyget (PDF)" in page
    # She states no leave herself: her page has no field for it.
    assert 'name="leave"' not in page


def test_she_downloads_her_certificate_and_it_names_her(
    browser_client: TestClient,
    employed,  # noqa: F811 (fixture)
) -> None:
    member, *_ = employed
    sign_in(browser_client, member.user.email)
    answer = browser_client.get(
        "/pay/employer-certificate", params={"from": "2026-01-01", "to": "2026-11-20"}
    )
    assert answer.status_code == 200, answer.text[:500]
    assert answer.headers["content-type"] == "application/pdf"
    assert "arbetsgivarintyg-2026-01-01-2026-11-20.pdf" in answer.headers["content-disposition"]
    text = text_of(answer.content)
    assert member.member.full_name in text
    assert "2026-10-05" in text
    assert NOT_RECORDED in text
    assert "Ingen ledighet under perioden" not in text
    # Left empty, the period is the service's own: this year up to today.
    default = text_of(browser_client.get("/pay/employer-certificate", params={"from": "", "to": ""}).content)
    assert "Period 2026-01-01 – 2026-11-20." in default


def test_leave_in_her_own_address_is_not_read(
    browser_client: TestClient,
    employed,  # noqa: F811 (fixture)
) -> None:
    """Only the office states leave: a member who adds it to the address gets the recorded fact."""
    member, *_ = employed
    sign_in(browser_client, member.user.email)
    answer = browser_client.get("/pay/employer-certificate", params={"leave": "Ingen ledighet alls"})
    assert answer.status_code == 200
    text = text_of(answer.content)
    assert NOT_RECORDED in text
    assert "Ingen ledighet alls" not in text


def test_a_period_that_ends_before_it_starts_is_said_by_the_last_day(
    browser_client: TestClient,
    employed,  # noqa: F811 (fixture)
) -> None:
    member, *_ = employed
    sign_in(browser_client, member.user.email)
    answer = browser_client.get(
        "/pay/employer-certificate", params={"from": "2026-06-01", "to": "2026-05-31"}
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")
    page = answer.text
    assert _error(page, "to") == "Sista dagen ligger före den första."
    assert (_value(page, "from"), _value(page, "to")) == ("2026-06-01", "2026-05-31")
    assert 'aria-invalid="true"' in page
    assert "<h1>Lön</h1>" in page  # the whole pay page, not an error page


@pytest.mark.parametrize("last_day", ["2027-11-20", "2026-11-21"])
def test_her_certificate_for_a_period_ending_after_today_is_refused_by_the_last_day(
    browser_client: TestClient,
    employed,  # noqa: F811 (fixture)
    last_day: str,
) -> None:
    """A last day typed a year ahead on a phone made a certificate of days that have not been."""
    member, *_ = employed
    sign_in(browser_client, member.user.email)
    answer = browser_client.get("/pay/employer-certificate", params={"from": "2026-01-01", "to": last_day})
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")
    page = answer.text
    assert _error(page, "to") == (
        "Sista dagen är efter i dag: ett intyg gäller dagar som har varit. Välj i dag eller en tidigare dag."
    )
    assert (_value(page, "from"), _value(page, "to")) == ("2026-01-01", last_day)
    assert "<h1>Lön</h1>" in page


def test_a_date_that_is_not_a_date_is_said_by_its_field_with_what_she_typed(
    browser_client: TestClient,
    employed,  # noqa: F811 (fixture)
) -> None:
    member, *_ = employed
    sign_in(browser_client, member.user.email)
    answer = browser_client.get(
        "/pay/employer-certificate", params={"from": "2026-13-01", "to": "30/11/2026"}
    )
    assert answer.status_code == 422
    page = answer.text
    assert (
        _error(page, "from") == "Den dagen finns inte i kalendern: kontrollera dag och månad."
    )  # written as asked: month 13
    assert _error(page, "to") == "Skriv datumet som ÅÅÅÅ-MM-DD."
    assert (_value(page, "from"), _value(page, "to")) == ("2026-13-01", "30/11/2026")
    assert "date_parsing" not in page
    assert "a date is written" not in page


def test_the_refusal_reads_in_english_on_the_english_page(
    browser_client: TestClient,
    employed,  # noqa: F811 (fixture)
) -> None:
    member, *_ = employed
    sign_in(browser_client, member.user.email)
    browser_client.cookies.set("kooperativet_language", "en")
    page = browser_client.get(
        "/pay/employer-certificate", params={"from": "2026-06-01", "to": "2026-05-01"}
    ).text
    assert "Employer certificate for the unemployment fund" in page
    assert _error(page, "to") == "The last day is before the first day."


def test_a_login_without_a_member_record_has_no_certificate(browser_client: TestClient, make_user) -> None:
    sign_in(browser_client, make_user(Role.member).user.email)
    assert browser_client.get("/pay/employer-certificate").status_code == 404


# The office's member page


def test_the_treasurer_downloads_a_members_certificate_and_states_her_leave(
    browser_client: TestClient,
    employed,  # noqa: F811 (fixture)
) -> None:
    member, treasurer, *_ = employed
    sign_in(browser_client, treasurer.user.email)
    path = f"/office/members/{member.member.id}"
    page = browser_client.get(path).text
    assert f'action="{path}/employer-certificate#employer-certificate"' in page
    assert 'name="leave"' in page
    assert 'maxlength="200"' in page
    assert (_value(page, "from"), _value(page, "to")) == ("2026-01-01", "2026-11-20")
    leave = "Sjukledig 2026-10-07 – 2026-10-08"
    answer = browser_client.get(f"{path}/employer-certificate", params={"to": "2026-12-31", "leave": leave})
    assert answer.status_code == 200, answer.text[:500]
    assert answer.headers["content-type"] == "application/pdf"
    text = text_of(answer.content)
    assert member.member.full_name in text
    assert f"{leave}." in text
    assert NOT_RECORDED not in text
    unstated = text_of(browser_client.get(f"{path}/employer-certificate").content)
    assert NOT_RECORDED in unstated


def test_leave_longer_than_a_line_is_said_by_its_field(
    browser_client: TestClient,
    employed,  # noqa: F811 (fixture)
) -> None:
    member, treasurer, *_ = employed
    sign_in(browser_client, treasurer.user.email)
    typed = "Sjukledig " + "x" * 200
    answer = browser_client.get(
        f"/office/members/{member.member.id}/employer-certificate",
        params={"from": "2026-01-01", "leave": typed},
    )
    assert answer.status_code == 422
    assert _error(answer.text, "leave") == "Skriv ledigheten med högst 200 tecken."
    assert _value(answer.text, "leave") == typed
    assert _value(answer.text, "from") == "2026-01-01"


def test_a_control_character_in_the_leave_is_said_by_its_field(
    browser_client: TestClient,
    employed,  # noqa: F811 (fixture)
) -> None:
    member, treasurer, *_ = employed
    sign_in(browser_client, treasurer.user.email)
    answer = browser_client.get(
        f"/office/members/{member.member.id}/employer-certificate", params={"leave": "Sjuk\x07ledig"}
    )
    assert answer.status_code == 422
    assert _error(answer.text, "leave") == "Värdet är inte giltigt."


def test_the_office_page_says_a_period_turned_round_by_the_last_day(
    browser_client: TestClient,
    employed,  # noqa: F811 (fixture)
) -> None:
    member, treasurer, *_ = employed
    sign_in(browser_client, treasurer.user.email)
    answer = browser_client.get(
        f"/office/members/{member.member.id}/employer-certificate",
        params={"from": "2026-12-01", "to": "2026-01-01", "leave": "Tjänstledig i mars"},
    )
    assert answer.status_code == 422
    assert _error(answer.text, "to") == "Sista dagen ligger före den första."
    assert _value(answer.text, "leave") == "Tjänstledig i mars"


def test_the_auditor_downloads_the_recorded_fact_and_states_no_leave(
    browser_client: TestClient,
    employed,  # noqa: F811 (fixture)
    make_user,
) -> None:
    member, *_ = employed
    sign_in(browser_client, make_user(Role.auditor).user.email)
    path = f"/office/members/{member.member.id}"
    page = browser_client.get(path).text
    assert 'name="leave"' not in page
    assert "bara kassören eller en administratör intygar ledighet" in page
    answer = browser_client.get(f"{path}/employer-certificate")
    assert answer.status_code == 200
    assert NOT_RECORDED in text_of(answer.content)
    refused = browser_client.get(f"{path}/employer-certificate", params={"leave": "Sjukledig"})
    assert refused.status_code == 403
    assert "Bara kassören eller en administratör intygar ledighet på ett arbetsgivarintyg." in refused.text


def test_nobody_states_the_leave_on_their_own_certificate(
    browser_client: TestClient,
    employed,  # noqa: F811 (fixture)
    make_member,
) -> None:
    """A treasurer who is also employed by the cooperative downloads her own, but another states her leave."""
    treasurer = make_member(Role.treasurer)
    sign_in(browser_client, treasurer.user.email)
    path = f"/office/members/{treasurer.member.id}/employer-certificate"
    assert browser_client.get(path).status_code == 200
    refused = browser_client.get(path, params={"leave": "Ingen"})
    assert refused.status_code == 403
    assert _error(refused.text, "leave") == (
        "Ingen intygar ledighet på sitt eget arbetsgivarintyg: "
        "en annan kassör eller en administratör gör det."
    )


def test_another_member_reaches_no_one_elses_certificate(
    browser_client: TestClient,
    employed,  # noqa: F811 (fixture)
    make_member,
) -> None:
    member, *_ = employed
    other = make_member()
    sign_in(browser_client, other.user.email)
    # By the office's address: not hers to open (the office's pages are for the office's roles).
    answer = browser_client.get(f"/office/members/{member.member.id}/employer-certificate")
    assert answer.status_code in (403, 404)
    assert answer.headers["content-type"].startswith("text/html")
    # By her own page: it gives her own certificate only, whatever the address names.
    own = browser_client.get("/pay/employer-certificate", params={"member_id": member.member.id})
    assert own.status_code == 200
    text = text_of(own.content)
    assert _personnummer(other.member.personal_identity_number) in text
    assert _personnummer(member.member.personal_identity_number) not in text


def test_the_office_page_of_a_member_who_does_not_exist_is_not_found(
    browser_client: TestClient, make_user
) -> None:
    sign_in(browser_client, make_user(Role.treasurer).user.email)
    assert browser_client.get("/office/members/999999/employer-certificate").status_code == 404
