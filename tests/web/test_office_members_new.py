"""Registering a new member on /office/members/new: the record through the same service as the API, the login
made in the same form or chosen, every error by its field, and nothing saved when anything is refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role, User
from kooperativet.parties.models import Member, TaxMode
from tests.web.conftest import confirmed, form_token, sign_in

NEW_PERSON = "19910704-2385"  # a valid personnummer, Luhn-checked


def _form(client: TestClient, **changes: str) -> dict[str, str]:
    token = form_token(client.get("/office/members/new").text)
    return {
        "csrf_token": token,
        "first_name": "Siv",
        "last_name": "Nyberg",
        "personal_identity_number": NEW_PERSON,
        "email": "siv.nyberg@example.se",
        "phone": "",
        "street": "Nygatan 3",
        "postal_code": "113 30",
        "city": "Stockholm",
        "country": "SE",
        "bank_clearing_number": "6000",
        "bank_account_number": "123456789",
        "bank_iban": "",
        "joined_on": "2026-03-01",
        "language": "sv",
        "tax_mode": "flat",
        "tax_percent": "32,5",
        "tax_table_number": "",
        "tax_table_column": "",
        "login": "new",
        "password": "ett-startlosenord",
        "user_id": "",
        **changes,
    }


def _office(client: TestClient, make_user) -> TestClient:
    sign_in(client, make_user(Role.treasurer).user.email)
    return client


def _members(session: Session) -> int:
    return session.scalar(select(func.count(Member.id))) or 0


def _users(session: Session) -> int:
    return session.scalar(select(func.count(User.id))) or 0


def test_the_register_links_to_the_form_in_swedish(browser_client: TestClient, make_user) -> None:
    client = _office(browser_client, make_user)
    assert 'href="/office/members/new"' in client.get("/office/members").text
    page = client.get("/office/members/new")
    assert page.status_code == 200
    assert "Registrera en ny medlem" in page.text
    assert 'id="f-personal_identity_number"' in page.text
    assert 'value="30"' in page.text  # flat 30 % unless the office says otherwise


def test_a_member_and_the_board_are_refused(browser_client: TestClient, make_member, make_user) -> None:
    sign_in(browser_client, make_member().user.email)
    assert browser_client.get("/office/members/new").status_code == 403
    board = TestClient(browser_client.app, raise_server_exceptions=False, follow_redirects=False)
    sign_in(board, make_user(Role.board).user.email)
    assert board.get("/office/members/new").status_code == 403


def test_a_new_member_with_a_new_login_is_registered_and_signs_in(
    browser_client: TestClient, session: Session, make_user
) -> None:
    client = _office(browser_client, make_user)
    answer = client.post("/office/members/new", data=_form(client))
    assert answer.status_code == 303, answer.text
    member = session.scalars(select(Member).where(Member.last_name == "Nyberg")).one()
    assert answer.headers["location"] == f"/office/members/{member.id}?done=member_given_password"
    assert member.personal_identity_number == "199107042385"
    assert member.birth_date == date(1991, 7, 4)
    assert (member.bank_clearing_number, member.bank_account_number) == ("6000", "123456789")
    assert member.joined_on == date(2026, 3, 1)
    [tax] = member.tax_settings
    assert (tax.mode, tax.percent, tax.valid_from) == (TaxMode.flat, Decimal("32.50"), date(2026, 3, 1))
    login = session.get_one(User, member.user_id)
    assert login.email == "siv.nyberg@example.se"
    assert login.full_name == "Siv Nyberg"
    assert login.roles == {Role.member}
    shown = client.get(answer.headers["location"]).text
    assert "Medlemmen är registrerad. Hon loggar in med sin e-postadress och startlösenordet." in shown
    her = TestClient(browser_client.app, raise_server_exceptions=False, follow_redirects=False)
    sign_in(her, "siv.nyberg@example.se", "ett-startlosenord")


def test_a_wrong_check_digit_is_refused_by_its_field_and_nothing_is_saved(
    browser_client: TestClient, session: Session, make_user
) -> None:
    client = _office(browser_client, make_user)
    members, users = _members(session), _users(session)
    answer = client.post("/office/members/new", data=_form(client, personal_identity_number="19910704-2384"))
    assert answer.status_code == 422
    assert 'id="e-personal_identity_number"' in answer.text
    assert "Kontrollsiffran" in answer.text
    assert 'value="Nygatan 3"' in answer.text  # what was typed stays
    assert 'value="ett-startlosenord"' not in answer.text  # the password is not shown again
    session.expire_all()
    assert (_members(session), _users(session)) == (members, users)  # not even the login


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"bank_account_number": "12"}, "bank_account_number", "inte ett giltigt svenskt bankkonto"),
        ({"bank_clearing_number": ""}, "bank_clearing_number", "både clearingnummer och kontonummer"),
        ({"email": "inte-en-adress"}, "email", ""),
        ({"email": ""}, "email", "e-postadress"),
        ({"password": "kort"}, "password", ""),
        ({"joined_on": "2026-13-01"}, "joined_on", "Den dagen finns inte i kalendern"),
        ({"joined_on": "1/12"}, "joined_on", "ÅÅÅÅ-MM-DD"),
        ({"tax_percent": "150"}, "tax_percent", "Det här får vara högst 100\u00a0%."),
        ({"tax_mode": "table"}, "tax_table_number", "Ange skattetabell"),
        ({"first_name": ""}, "first_name", "Fyll i"),
    ],
)
def test_each_error_sits_by_its_field_and_nothing_is_saved(
    browser_client: TestClient, session: Session, make_user, changes: dict[str, str], field: str, words: str
) -> None:
    client = _office(browser_client, make_user)
    members, users = _members(session), _users(session)
    answer = client.post("/office/members/new", data=_form(client, **changes))
    assert answer.status_code == 422, answer.text
    assert f'id="e-{field}"' in answer.text
    assert words in answer.text
    session.expire_all()
    assert (_members(session), _users(session)) == (members, users)


def test_a_taken_e_mail_and_a_taken_personnummer_are_shown_together(
    browser_client: TestClient, session: Session, make_user, make_member
) -> None:
    alva = make_member()
    client = _office(browser_client, make_user)
    members, users = _members(session), _users(session)
    data = _form(client, email=alva.user.email, personal_identity_number=alva.member.personal_identity_number)
    answer = client.post("/office/members/new", data=data)
    assert answer.status_code == 422
    assert 'id="e-email"' in answer.text
    assert "En inloggning med den här e-postadressen finns redan" in answer.text
    assert 'id="e-personal_identity_number"' in answer.text
    session.expire_all()
    assert (_members(session), _users(session)) == (members, users)


def test_a_login_without_a_member_record_is_linked(
    browser_client: TestClient, session: Session, make_user, make_member
) -> None:
    waiting = make_user(Role.member, email="vantar@example.se")
    linked = make_member()
    client = _office(browser_client, make_user)
    page = client.get("/office/members/new").text
    assert "vantar@example.se" in page
    assert linked.user.email not in page  # already has a record
    refused = client.post(
        "/office/members/new", data=_form(client, login="existing", user_id=str(linked.user.id))
    )
    assert refused.status_code == 422
    assert 'id="e-user_id"' in refused.text
    users = _users(session)
    answer = client.post(
        "/office/members/new",
        data=_form(client, login="existing", user_id=str(waiting.user.id), email="", password=""),
    )
    # Her own login, not an initial password: the page must not tell the office to hand her one.
    shown = confirmed(
        client,
        answer,
        "Medlemmen är registrerad. Hon loggar in med inloggningen som är kopplad till hennes "
        "medlemsuppgifter.",
    )
    assert "startlösenordet" not in shown
    member = session.scalars(select(Member).where(Member.last_name == "Nyberg")).one()
    assert member.user_id == waiting.user.id
    assert _users(session) == users


def test_a_member_without_a_login_and_with_a_tax_table(
    browser_client: TestClient, session: Session, make_user
) -> None:
    client = _office(browser_client, make_user)
    data = _form(
        client,
        login="none",
        email="",
        password="",
        tax_mode="table",
        tax_table_number="33",
        tax_table_column="1",
    )
    answer = client.post("/office/members/new", data=data)
    confirmed(client, answer, "Medlemmen är registrerad.")
    member = session.scalars(select(Member).where(Member.last_name == "Nyberg")).one()
    assert member.user_id is None
    [tax] = member.tax_settings
    assert (tax.mode, tax.table_number, tax.table_column, tax.percent) == (TaxMode.table, 33, 1, None)


def test_the_form_reads_the_logins_in_a_fixed_number_of_statements(
    browser_client: TestClient, make_user, count_statements
) -> None:
    client = _office(browser_client, make_user)
    make_user(Role.member)
    with count_statements() as quiet:
        assert client.get("/office/members/new").status_code == 200
    for _ in range(100):
        make_user(Role.member)
    with count_statements() as busy:
        page = client.get("/office/members/new")
    assert page.text.count("@example.se&gt;") >= 101
    assert busy.count == quiet.count


def test_a_swedish_postal_code_that_is_not_five_digits_is_refused_and_nothing_is_saved(
    browser_client: TestClient, session: Session, make_user
) -> None:
    client = _office(browser_client, make_user)
    members, users = _members(session), _users(session)

    answer = client.post("/office/members/new", data=_form(client, postal_code="1184"))

    assert answer.status_code == 422
    said = "Ett svenskt postnummer har fem siffror, t.ex. 123 45."
    assert f'<p class="error" id="e-postal_code">{said}</p>' in answer.text
    assert 'value="1184"' in answer.text
    assert (_members(session), _users(session)) == (members, users)


def test_every_mistake_is_shown_at_once_by_its_field_and_what_was_typed_stays(
    browser_client: TestClient, session: Session, make_user, make_member
) -> None:
    """Four mistakes the schema finds and four the record's rules find, in one sending: each is said by its
    field the first time, so that the treasurer corrects them in one go, not one a round."""
    alva = make_member()
    client = _office(browser_client, make_user)
    members, users = _members(session), _users(session)
    data = _form(
        client,
        first_name="",  # the schema: fill in
        country="Sverige",  # the schema: two letters
        phone="0" * 41,  # the schema: too long
        tax_percent="150",  # the schema: at most 100
        personal_identity_number="19910704-2384",  # the rules: the check digit
        postal_code="1184",  # the rules: five digits in Sweden
        bank_account_number="12",  # the rules: not a bank account
        bank_iban="SE00 1234",  # the rules: not an IBAN
        email=alva.user.email,  # the rules: a login with this e-mail exists
    )
    answer = client.post("/office/members/new", data=data)
    assert answer.status_code == 422, answer.text
    for field in (
        "first_name",
        "country",
        "phone",
        "tax_percent",
        "personal_identity_number",
        "bank_account_number",
        "bank_iban",
        "email",
    ):
        assert f'id="e-{field}"' in answer.text, field
    assert "Fyll i" in answer.text
    assert "Kontrollsiffran" in answer.text
    assert "inte ett giltigt svenskt bankkonto" in answer.text
    assert "En inloggning med den här e-postadressen finns redan" in answer.text
    # Postal codes are checked by country: with the country refused, the code waits for it.
    assert 'id="e-postal_code"' not in answer.text
    for typed in ("Nyberg", "Sverige", "1184", "Nygatan 3", "SE00 1234", "150", alva.user.email):
        assert f'value="{typed}"' in answer.text, typed
    assert 'value="ett-startlosenord"' not in answer.text  # a secret is not shown again
    session.expire_all()
    assert (_members(session), _users(session)) == (members, users)


def test_the_rules_are_said_beside_a_refused_date_and_a_tax_table_left_out(
    browser_client: TestClient, session: Session, make_user
) -> None:
    client = _office(browser_client, make_user)
    data = _form(
        client,
        joined_on="2026-13-01",  # the schema: no such date
        tax_mode="table",  # the rules: the table and the column are needed
        postal_code="ABCDE",  # the rules: five digits
        bank_clearing_number="",  # the rules: both numbers or none
    )
    answer = client.post("/office/members/new", data=data)
    assert answer.status_code == 422, answer.text
    for field in ("joined_on", "tax_table_number", "postal_code", "bank_clearing_number"):
        assert f'id="e-{field}"' in answer.text, field
    assert "Den dagen finns inte i kalendern" in answer.text  # written as asked: month 13
    assert "Ett svenskt postnummer har fem siffror" in answer.text
