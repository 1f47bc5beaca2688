"""The one pagination helper every list uses (``db.fetch_page``): a total order, the total, the bounds."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.db import MAX_PAGE_SIZE, fetch_page
from kooperativet.parties.models import Client

NAMES = ["Bergs bygg", "Ateljé Ahl", "Bergs bygg", "Cirkus C", "Bergs bygg"]


@pytest.fixture
def clients(session: Session) -> list[Client]:
    rows = [Client(name=name, country="SE") for name in NAMES]
    session.add_all(rows)
    session.flush()
    return rows


def _page(session: Session, *, limit: int, offset: int, descending: bool = False) -> tuple[list[int], int]:
    query = select(Client).where(Client.name.in_(NAMES))
    order = [Client.name.desc() if descending else Client.name.asc()]
    tiebreak = Client.id.desc() if descending else Client.id.asc()
    rows, total = fetch_page(session, query, limit=limit, offset=offset, order=order, tiebreak=tiebreak)
    return [row.id for row in rows], total


def test_pages_follow_the_order_and_equal_names_keep_their_id_order(
    session: Session, clients: list[Client]
) -> None:
    ahl, berg1, berg2, berg3, cirkus = (
        clients[1].id,
        clients[0].id,
        clients[2].id,
        clients[4].id,
        clients[3].id,
    )
    pages = [_page(session, limit=2, offset=offset) for offset in (0, 2, 4)]
    assert pages == [([ahl, berg1], 5), ([berg2, berg3], 5), ([cirkus], 5)]


def test_a_descending_order_breaks_ties_descending_too(session: Session, clients: list[Client]) -> None:
    ids, total = _page(session, limit=MAX_PAGE_SIZE, offset=0, descending=True)
    assert ids == [clients[3].id, clients[4].id, clients[2].id, clients[0].id, clients[1].id]
    assert total == 5


def test_a_page_past_the_end_is_empty_but_still_tells_the_total(
    session: Session, clients: list[Client]
) -> None:
    assert _page(session, limit=2, offset=5) == ([], 5)


def test_the_same_page_asked_twice_is_the_same(session: Session, clients: list[Client]) -> None:
    assert _page(session, limit=3, offset=1) == _page(session, limit=3, offset=1)


@pytest.mark.parametrize(
    ("limit", "offset", "message"),
    [
        (0, 0, "a page holds 1 to 100 rows, not 0"),
        (MAX_PAGE_SIZE + 1, 0, "a page holds 1 to 100 rows, not 101"),
        (10, -1, "a page cannot start before the first row (offset -1)"),
    ],
)
def test_a_page_outside_the_bounds_is_refused(
    session: Session, clients: list[Client], limit: int, offset: int, message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as refused:
        _page(session, limit=limit, offset=offset)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("query", "field"), [("limit=101", "limit"), ("limit=0", "limit"), ("offset=-1", "offset")]
)
def test_the_api_refuses_a_page_outside_the_bounds_as_a_problem(
    api, make_user, query: str, field: str
) -> None:
    treasurer = make_user(Role.treasurer)
    response = api.get(f"/api/v1/clients?{query}", headers=treasurer.headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]
