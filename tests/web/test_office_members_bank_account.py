"""The office's confirmation of a member's bank account confirms what the confirmer saw on the page: the form
names the version she read, an account swapped after that is refused in Swedish and nothing is confirmed; a
removal waits for the confirmation like a new account, on the office's pages and on the member's own."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.parties.models import Member
from tests.web.conftest import form_token, sign_in

SWAPPED = "Kontouppgifterna har ändrats sedan du öppnade sidan, så ingenting bekräftades."


def _client(browser_client: TestClient, actor) -> TestClient:
    client = TestClient(browser_client.app, follow_redirects=False)
    sign_in(client, actor.user.email)
    return client


def _confirm_form(page: str) -> dict[str, str]:
    """The confirmation form's own fields, as the browser sends them."""
    form = re.search(
        r'<form method="post" action="/office/members/\d+/confirm-account">(.*?)</form>', page, re.S
    )
    assert form, "no confirmation form on the page"
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(1)))


def _enter(client: TestClient, member_id: int, **bank: str) -> None:
    """Enter bank details through the record's form, the other fields as they stand."""
    page = client.get(f"/office/members/{member_id}").text
    values = dict(re.findall(r'<input id="f-(\w+)" name="\w+" type="\w+" value="([^"]*)"', page))
    version = re.findall(r'name="version" value="(\d+)"', page)[-1]
    data = {**values, "language": "sv", "version": version, "csrf_token": form_token(page), **bank}
    assert client.post(f"/office/members/{member_id}", data=data).status_code == 303


def test_the_confirmation_form_names_the_version_the_confirmer_read(
    browser_client: TestClient, session: Session, make_user, make_member
) -> None:
    alva = make_member()
    karin = _client(browser_client, make_user(Role.treasurer))
    _enter(karin, alva.member.id, bank_clearing_number="5000", bank_account_number="1234560")
    page = _client(browser_client, make_user(Role.admin)).get(f"/office/members/{alva.member.id}").text

    form = _confirm_form(page)

    session.refresh(alva.member)
    assert form["version"] == str(alva.member.version) == "2"
    assert form["csrf_token"]


def test_an_account_swapped_after_the_page_was_read_is_refused_in_swedish_and_nothing_is_confirmed(
    browser_client: TestClient, session: Session, make_user, make_member
) -> None:
    alva = make_member()
    karin = _client(browser_client, make_user(Role.treasurer))
    _enter(karin, alva.member.id, bank_clearing_number="5000", bank_account_number="1234560")
    admin = _client(browser_client, make_user(Role.admin))
    reviewed = admin.get(f"/office/members/{alva.member.id}").text
    assert "5000-****4560" in reviewed
    _enter(karin, alva.member.id, bank_clearing_number="5000", bank_account_number="7654324")

    refused = admin.post(f"/office/members/{alva.member.id}/confirm-account", data=_confirm_form(reviewed))

    assert refused.status_code == 409
    assert SWAPPED in refused.text
    assert "5000-****4324" in refused.text  # the page shows what waits now, to review again
    session.expire_all()
    member = session.get_one(Member, alva.member.id)
    assert (member.bank_clearing_number, member.bank_account_number) == ("6000", "123456789")
    assert (member.pending_clearing_number, member.pending_account_number) == ("5000", "7654324")

    confirmed = admin.post(
        f"/office/members/{alva.member.id}/confirm-account", data=_confirm_form(refused.text)
    )

    assert confirmed.status_code == 303
    session.expire_all()
    assert session.get_one(Member, alva.member.id).bank_account_number == "7654324"


@pytest.mark.parametrize(
    "version",
    # none at all, and a tampered version of more digits than ``int`` reads: a version nobody read, not a 500
    [{}, {"version": "9" * 10_000}],
    ids=["missing", "beyond-any-number"],
)
def test_a_form_without_a_version_read_confirms_nothing(
    browser_client: TestClient, session: Session, make_user, make_member, version: dict[str, str]
) -> None:
    alva = make_member()
    karin = _client(browser_client, make_user(Role.treasurer))
    _enter(karin, alva.member.id, bank_clearing_number="5000", bank_account_number="1234560")
    admin = _client(browser_client, make_user(Role.admin))
    page = admin.get(f"/office/members/{alva.member.id}").text

    refused = admin.post(
        f"/office/members/{alva.member.id}/confirm-account", data={**version, "csrf_token": form_token(page)}
    )

    assert refused.status_code == 409
    assert SWAPPED in refused.text
    session.expire_all()
    assert session.get_one(Member, alva.member.id).bank_account_number == "123456789"


def test_a_removal_waits_on_the_office_pages_and_the_members_own_and_another_person_confirms_it(
    browser_client: TestClient, session: Session, make_user, make_member
) -> None:
    alva = make_member()
    karin = _client(browser_client, make_user(Role.treasurer))
    _enter(karin, alva.member.id, bank_clearing_number="", bank_account_number="", bank_iban="")

    session.expire_all()
    member = session.get_one(Member, alva.member.id)
    assert member.has_pending_bank_account
    assert member.bank_account_number == "123456789"
    assert "Bankkonton som väntar på bekräftelse" in karin.get("/office/members").text
    assert f"Medlem{alva.user.id}</a>: kontot tas bort" in karin.get("/office/members").text
    own = _client(browser_client, alva).get("/me").text
    assert "6000-****6789" in own
    assert "Att kontot tas bort väntar på att en andra person bekräftar det" in own

    admin = _client(browser_client, make_user(Role.admin))
    page = admin.get(f"/office/members/{alva.member.id}").text
    assert "inget konto: kontot tas bort" in page
    assert "Bekräfta att bankkontot tas bort" in page
    confirmed = admin.post(f"/office/members/{alva.member.id}/confirm-account", data=_confirm_form(page))

    assert confirmed.headers["location"] == f"/office/members/{alva.member.id}?done=account_removal_confirmed"
    after = admin.get(confirmed.headers["location"]).text
    assert "Borttagningen är bekräftad: medlemmen har inget bankkonto för lön" in after
    session.expire_all()
    member = session.get_one(Member, alva.member.id)
    assert (member.bank_account_number, member.has_pending_bank_account) == (None, False)
