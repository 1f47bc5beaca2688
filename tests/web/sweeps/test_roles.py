"""Who may open which page and post which form, swept over every route of the web interface for five people:
a plain member, a board member, a treasurer and an admin (each a member too, as in a cooperative) and the
auditor (a login without a member record, docs/separation-of-duties.md). ``who_may`` says the access model in
a few lines, independently of the handlers; every route is asked by every one of them on the sweeps' real
rows, and:

- whoever ``who_may`` leaves out is refused as a page (403, or 404 where the page is a member's own and she
  has no member record), and a refused form changes no row of any table;
- whoever it lets in is not refused;
- a plain member opens no page about another member's row and sees no other member's personal identity
  number on any page.

A new page that forgets to ask for a role, or asks for the wrong one, fails here without a new line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.governance.models import BoardAssignment, BoardRole
from kooperativet.parties.models import Member
from tests.web.conftest import form_token, sign_in
from tests.web.sweeps.sweeping import (
    PAGES,
    POSTED,
    World,
    fingerprint,
    is_a_page,
    parameters,
    real_address,
)
from tests.web.test_office_auditor import FORM_ONLY

PEOPLE = ("member", "board", "treasurer", "admin", "auditor")
EVERYONE = frozenset(PEOPLE)
MEMBERS = EVERYONE - {"auditor"}  # the logins with a member record
OFFICE = frozenset({"treasurer", "admin"})
READERS = OFFICE | {"auditor"}  # the office's pages are read by the auditor too
RUNNERS = frozenset({"board", "admin"})  # meetings, and the knowledge bank's editors

#: (method, path pattern, who may): the first pattern that matches a route says who may use it.
ACCESS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("*", r"/admin", frozenset({"admin"})),
    ("POST", r"/office/parameters/", frozenset({"admin"})),  # the office reads the rates; the admin sets them
    (
        "GET",
        "|".join(re.escape(path) + "$" for path in FORM_ONLY),
        OFFICE,
    ),  # a page that is only a form to act
    ("GET", r"/office", READERS),
    ("POST", r"/office", OFFICE),
    ("*", r"/kb/(new|share|[^/]+/(edit|history|hide|show|reset))", RUNNERS),
    ("POST", r"/meetings/votes/\{vote_id:int\}/(ballot|check)$", EVERYONE),  # the service asks who votes
    ("POST", r"/meetings/\{meeting_id:int\}/motion$", EVERYONE),  # likewise who may move
    ("POST", r"/meetings/minutes/", EVERYONE),  # the minutes' adjusters, whoever they are
    ("GET", r"/meetings/(new|per-capsulam)$", RUNNERS),
    ("GET", r"/meetings/\{meeting_id:int\}/(?!motion$)", RUNNERS),
    ("POST", r"/meetings/", RUNNERS),
    ("*", r"/(commissions|pay$|pay/(?!calculator$)|me/data-export)", MEMBERS),
    ("POST", r"/me$", MEMBERS),
    ("*", r"/", EVERYONE),
)

#: Path parameters that name what every member shares (the meetings, the knowledge bank), not one person's
#: rows.
SHARED = {"meeting_id", "vote_id", "item_id", "minutes_id", "slug", "language", "import_id", "proposal_id"}


def who_may(method: str, route: APIRoute) -> frozenset[str]:
    for methods, pattern, people in ACCESS:
        if methods in ("*", method) and re.match(pattern, route.path):
            return people
    raise AssertionError(f"no rule for {method} {route.path}")


def refused(answer, person: str, route: APIRoute, method: str) -> bool:
    """A refusal as a page: 403, or 404 for a login without a member record on a member's own page."""
    if not is_a_page(answer):
        return False
    own_page = who_may(method, route) == MEMBERS and person == "auditor"
    return answer.status_code == 403 or (own_page and answer.status_code == 404)


@dataclass
class Person:
    email: str
    member: Member | None


@pytest.fixture
def people(session: Session, make_member, make_user) -> dict[str, Person]:
    board = make_member(Role.board)
    session.add(BoardAssignment(member_id=board.member.id, role=BoardRole.member, term_from=date(2025, 5, 1)))
    actors = {
        "member": make_member(),
        "board": board,
        "treasurer": make_member(Role.treasurer),
        "admin": make_member(Role.admin),
        "auditor": make_user(Role.auditor),
    }
    session.flush()
    return {name: Person(actor.user.email, getattr(actor, "member", None)) for name, actor in actors.items()}


def signed_in(app: FastAPI, person: Person) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    sign_in(client, person.email)
    return client


def test_every_page_opens_for_whom_the_access_model_lets_in_and_no_one_else(
    app: FastAPI, pages_world: World, people: dict[str, Person]
) -> None:
    wrong: list[str] = []
    for name, person in people.items():
        client = signed_in(app, person)
        for route in PAGES:
            url = real_address(route, pages_world)
            answer = client.get(url)
            assert answer.status_code < 500, url
            allowed = name in who_may("GET", route)
            if allowed == refused(answer, name, route, "GET") or answer.status_code == 401:
                wrong.append(f"{name} GET {url}: {answer.status_code}, {'let in' if allowed else 'left out'}")
    assert wrong == []


def test_every_form_is_refused_to_whom_the_access_model_leaves_out_and_changes_nothing(
    app: FastAPI, session: Session, pages_world: World, people: dict[str, Person]
) -> None:
    wrong: list[str] = []
    for name, person in people.items():
        client = signed_in(app, person)
        for route in POSTED:
            if route.path == "/signout":
                continue  # signs her out: asked last, below
            url = real_address(route, pages_world)
            token = form_token(client.get("/me").text)
            allowed = name in who_may("POST", route)
            before = {} if allowed else fingerprint(session)  # only a refusal is looked at for changes
            answer = client.post(url, data={"csrf_token": token, **pages_world.named})
            assert answer.status_code < 500, url
            if allowed == refused(answer, name, route, "POST") or (answer.status_code == 401) != (
                route.path == "/signin"  # an empty sign-in form is a wrong password
            ):
                wrong.append(
                    f"{name} POST {url}: {answer.status_code}, {'let in' if allowed else 'left out'}"
                )
            if not allowed:
                changed = [table for table, digest in fingerprint(session).items() if before[table] != digest]
                assert changed == [], f"{name} POST {url} was refused but changed {changed}"
        assert (
            client.post("/signout", data={"csrf_token": form_token(client.get("/me").text)}).status_code
            == 303
        )
    assert wrong == []


def private_sights(client: TestClient, world: World, numbers: list[str]) -> list[str]:
    """The pages that open on one person's rows (not the shared ones), and every page's sight of ``numbers``
    (personal identity numbers, with or without the century, whatever separates the digits)."""
    seen: list[str] = []
    for route in PAGES:
        url = real_address(route, world)
        answer = client.get(url)
        if answer.status_code != 200:
            continue
        if set(parameters(route)) - SHARED:
            seen.append(f"{url} opens")
        digits = re.sub(r"\D", "", answer.content.decode("utf-8", errors="replace"))
        seen += [f"{url} shows {number}" for number in numbers if number[2:] in digits]
    return seen


def test_a_plain_member_opens_no_page_about_another_member_s_rows_and_sees_no_one_else_s_number(
    app: FastAPI, session: Session, pages_world: World, people: dict[str, Person]
) -> None:
    own = people["member"].member
    assert own is not None
    others = list(session.scalars(select(Member.personal_identity_number).where(Member.id != own.id)))
    assert len(others) >= 6  # the world's workers and the other four people
    assert private_sights(signed_in(app, people["member"]), pages_world, others) == []
    # The same look finds them where they are meant to be seen: the office's register.
    office = private_sights(signed_in(app, people["treasurer"]), pages_world, others)
    assert any(" shows " in sight for sight in office), office
