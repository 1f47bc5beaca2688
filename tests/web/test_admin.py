"""Administration on the web: users and their roles, the last administrator, the cooperative's identity."""

from __future__ import annotations

import json
import re

from sqlalchemy import func, select

from kooperativet.audit.models import AuditEvent
from kooperativet.auth.models import Role, User
from kooperativet.parties.models import Cooperative
from tests.web.conftest import confirmed, form_token, sign_in


def post(client, page: str, action: str, data: dict[str, object]):
    token = form_token(client.get(page).text)
    return client.post(action, data={**data, "csrf_token": token})


def signed_in_admin(browser_client, make_user):
    admin = make_user(Role.admin, email="ada@example.se")
    sign_in(browser_client, admin.user.email)
    return admin


def test_the_admin_lists_users_with_their_roles_in_words(browser_client, make_user) -> None:
    signed_in_admin(browser_client, make_user)
    make_user(Role.treasurer, Role.member, email="karin@example.se")
    page = browser_client.get("/admin").text
    assert "Användare och roller" in page
    assert "karin@example.se" in page
    assert "Medlem, Kassör" in page
    assert ">treasurer<" not in page
    found = browser_client.get("/admin", params={"q": "karin"}).text
    assert "karin@example.se" in found
    assert "ada@example.se" not in found


def test_everyone_but_the_admin_is_refused(browser_client, make_user) -> None:
    board = make_user(Role.board, Role.member)
    sign_in(browser_client, board.user.email)
    assert browser_client.get("/admin").status_code == 403
    assert browser_client.get("/admin/cooperative").status_code == 403
    token = form_token(browser_client.get("/meetings").text)
    refused = browser_client.post(
        "/admin/users/new",
        data={
            "email": "x@example.se",
            "full_name": "X",
            "password": "a long password 1",
            "csrf_token": token,
        },
    )
    assert refused.status_code == 403


def test_a_new_user_with_errors_is_shown_again_by_its_fields_and_nothing_is_saved(
    browser_client, make_user, session
) -> None:
    signed_in_admin(browser_client, make_user)
    before = session.scalar(select(func.count(User.id)))
    answer = post(
        browser_client,
        "/admin/users/new",
        "/admin/users/new",
        {"email": "not an address", "full_name": "Nils Ny", "password": "short", "roles": ["member"]},
    )
    assert answer.status_code == 422
    assert 'id="e-email"' in answer.text
    assert 'id="e-password"' in answer.text
    assert 'value="Nils Ny"' in answer.text
    assert session.scalar(select(func.count(User.id))) == before


def test_a_role_that_does_not_exist_is_refused_by_its_field_not_dropped(
    browser_client, make_user, session
) -> None:
    signed_in_admin(browser_client, make_user)
    other = make_user(Role.member)
    before = session.scalar(select(func.count(User.id)))
    new = {"email": "nils@example.se", "full_name": "Nils Ny", "password": "ett långt lösenord"}
    page = f"/admin/users/{other.user.id}"
    for url, data in [
        ("/admin/users/new", {**new, "roles": ["god"]}),
        ("/admin/users/new", {**new, "roles": ["member", "god"]}),
        (page, {"version": other.user.version, "full_name": "Y", "roles": ["member", "god"]}),
    ]:
        answer = post(browser_client, url, url, data)
        assert answer.status_code == 422, data
        assert '<p class="error" id="e-roles">Välj ett av alternativen.</p>' in answer.text, data
    assert session.scalar(select(func.count(User.id))) == before
    session.refresh(other.user)
    assert (other.user.full_name, other.user.roles) == ("Test Person", {Role.member})


def test_the_admin_creates_a_user_and_changes_her_roles(browser_client, make_user, session) -> None:
    signed_in_admin(browser_client, make_user)
    answer = post(
        browser_client,
        "/admin/users/new",
        "/admin/users/new",
        {
            "email": "Nils@Example.se",
            "full_name": "Nils Ny",
            "password": "ett långt lösenord",
            "roles": ["member", "board"],
            "is_active": "1",
        },
    )
    confirmed(browser_client, answer, "Användaren är skapad.")
    user = session.scalar(select(User).where(User.email == "nils@example.se"))
    assert user.roles == {Role.member, Role.board}
    page = answer.headers["location"].split("?")[0]
    changed = post(
        browser_client,
        page,
        page,
        {"version": user.version, "full_name": "Nils Nyman", "roles": ["treasurer"]},
    )
    assert changed.status_code == 303
    session.refresh(user)
    assert (user.full_name, user.roles, user.is_active) == ("Nils Nyman", {Role.treasurer}, False)
    confirmed(browser_client, changed, "Ändringarna är sparade.")
    duplicate = post(
        browser_client,
        "/admin/users/new",
        "/admin/users/new",
        {"email": "nils@example.se", "full_name": "N", "password": "ett långt lösenord", "roles": ["member"]},
    )
    assert duplicate.status_code == 422
    assert (
        '<p class="error" id="e-email">Det finns redan en användare med den här e-postadressen.</p>'
        in duplicate.text
    )


def test_the_last_administrator_keeps_the_role_and_is_told_why(browser_client, make_user, session) -> None:
    admin = signed_in_admin(browser_client, make_user)
    page = f"/admin/users/{admin.user.id}"
    answer = post(
        browser_client,
        page,
        page,
        {"version": admin.user.version, "full_name": "Ada", "roles": ["member"], "is_active": "1"},
    )
    assert answer.status_code == 422
    assert "Den sista aktiva administratören kan inte förlora rollen eller stängas av." in answer.text
    session.refresh(admin.user)
    assert admin.user.roles == {Role.admin}
    assert admin.user.full_name == "Test Person"


def test_a_stale_user_form_is_refused(browser_client, make_user, session) -> None:
    signed_in_admin(browser_client, make_user)
    other = make_user(Role.member)
    page = f"/admin/users/{other.user.id}"
    answer = post(
        browser_client, page, page, {"version": other.user.version + 1, "full_name": "Y", "roles": ["member"]}
    )
    assert answer.status_code == 422
    assert "Någon annan har ändrat detta under tiden." in answer.text


def test_the_cooperatives_identity_is_changed_and_a_bad_bankgiro_is_refused_by_its_field(
    browser_client, make_user, cooperative, session
) -> None:
    signed_in_admin(browser_client, make_user)
    page = browser_client.get("/admin/cooperative").text
    assert 'value="Testkooperativet"' in page
    fields = {
        "version": cooperative.version,
        "name": "Interimkultur ek. för.",
        "organisation_number": "769600-1234",
        "country": "SE",
        "f_tax_approved": "1",
    }
    bad = post(browser_client, "/admin/cooperative", "/admin/cooperative", {**fields, "bankgiro": "123"})
    assert bad.status_code == 422
    assert 'id="e-bankgiro"' in bad.text
    assert 'value="Interimkultur ek. för."' in bad.text
    session.refresh(cooperative)
    assert cooperative.name == "Testkooperativet"
    good = post(
        browser_client,
        "/admin/cooperative",
        "/admin/cooperative",
        {**fields, "bankgiro": "5050-1055", "city": "Stockholm"},
    )
    confirmed(browser_client, good, "Föreningens uppgifter är sparade.")
    session.refresh(cooperative)
    assert (cooperative.name, cooperative.bankgiro, cooperative.city) == (
        "Interimkultur ek. för.",
        "5050-1055",
        "Stockholm",
    )
    assert session.scalar(select(func.count(Cooperative.id))) == 1


def test_the_cooperative_says_whether_its_vat_base_is_above_40_million_kronor(
    browser_client, make_user, cooperative, session
) -> None:
    """The box decides the AGI's day (the 26th above the limit); ticking it and unticking it both stick."""
    signed_in_admin(browser_client, make_user)
    page = browser_client.get("/admin/cooperative").text
    assert "Beskattningsunderlaget för moms är över 40 miljoner kronor om året" in page
    assert re.search(r'name="vat_base_above_40_million" value="1" aria-', page)  # not ticked
    fields = {"name": "Testkooperativet", "country": "SE", "f_tax_approved": "1"}
    ticked = post(
        browser_client,
        "/admin/cooperative",
        "/admin/cooperative",
        {**fields, "version": cooperative.version, "vat_base_above_40_million": "1"},
    )
    assert ticked.status_code == 303
    session.refresh(cooperative)
    assert cooperative.vat_base_above_40_million is True
    assert (
        'name="vat_base_above_40_million" value="1" checked' in browser_client.get("/admin/cooperative").text
    )
    unticked = post(
        browser_client, "/admin/cooperative", "/admin/cooperative", {**fields, "version": cooperative.version}
    )
    assert unticked.status_code == 303
    session.refresh(cooperative)
    assert (cooperative.vat_base_above_40_million, cooperative.f_tax_approved) == (False, True)


def test_a_change_of_the_cooperative_on_the_web_is_audited_naming_the_admin_and_the_fields(
    browser_client, make_user, cooperative, session
) -> None:
    """The form sends every field; the event names only those whose value changed (a refused form none)."""
    admin = signed_in_admin(browser_client, make_user)
    fields = {
        "version": cooperative.version,
        "name": "Testkooperativet",
        "organisation_number": "769600-1234",
        "country": "SE",
        "f_tax_approved": "1",
        "city": "",
    }
    refused = post(browser_client, "/admin/cooperative", "/admin/cooperative", {**fields, "bankgiro": "123"})
    assert refused.status_code == 422
    saved = post(
        browser_client,
        "/admin/cooperative",
        "/admin/cooperative",
        {**fields, "bankgiro": "5050-1055", "iban": "SE4550000000058398257466", "city": "Malmö"},
    )
    assert saved.status_code == 303
    events = session.scalars(select(AuditEvent).where(AuditEvent.kind == "cooperative_changed")).all()
    assert [json.loads(event.payload) for event in events] == [
        {
            "cooperative_id": cooperative.id,
            "changed_by_user_id": admin.user.id,
            "changes": {
                "bankgiro": {"old": None, "new": "5050-1055"},
                "city": {"old": None, "new": "Malmö"},
                "iban": {"old": None, "new": "SE4550000000058398257466"},
            },
        }
    ]


def test_the_user_list_runs_as_many_statements_for_a_hundred_users_as_for_two(
    browser_client, make_user, count_statements
) -> None:
    signed_in_admin(browser_client, make_user)

    def statements() -> int:
        with count_statements() as counter:
            assert browser_client.get("/admin").status_code == 200
        return counter.count

    make_user(Role.member)
    few = statements()
    for _ in range(48):
        make_user(Role.member, Role.board)
    assert statements() == few


def test_an_address_from_before_the_sentences_had_keys_still_opens_the_page(
    browser_client, make_user, cooperative
) -> None:
    """A bookmarked ``?saved=1`` (or anything else in its place) opens the page, without a sentence."""
    admin = signed_in_admin(browser_client, make_user)
    for address in ("/admin/cooperative", f"/admin/users/{admin.user.id}"):
        for flag in ("1", "ja", ""):
            page = browser_client.get(address, params={"saved": flag})
            assert page.status_code == 200, (address, flag)
            assert 'role="status" id="done"' not in page.text
