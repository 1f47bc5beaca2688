"""The invoices list in the order the user asks for (``sort``): number, issue date or due date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.invoices import service
from kooperativet.invoices.models import Invoice
from kooperativet.invoices.schemas import InvoiceIssue
from kooperativet.parties.models import Client
from tests.invoices.conftest import ISSUE_DAY


@pytest.fixture
def issued(
    session: Session, make_user, make_member, seller, municipality, make_assignment
) -> tuple[dict[str, str], list[int]]:
    """A: Lund (30 days) on 2 March, due 1 April; B: a 10-day client on 3 March, due 13 March;
    C: Lund on 3 March, due 2 April. B and C share an issue date."""
    quick = Client(
        name="Snabba betalare AB",
        organisation_number="556036-0793",
        street="Storgatan 1",
        postal_code="211 20",
        city="Malmö",
        default_buyer_reference="SB-1",
        payment_terms_days=10,
    )
    session.add(quick)
    session.flush()
    treasurer = make_user(Role.treasurer)
    member = make_member()
    ids = []
    for client, day in (
        (municipality, ISSUE_DAY),
        (quick, ISSUE_DAY + timedelta(days=1)),
        (municipality, ISSUE_DAY + timedelta(days=1)),
    ):
        invoice = service.issue_invoice(
            session,
            data=InvoiceIssue(assignment_id=make_assignment(member.member, client).id),
            actor=treasurer.user,
            today=day,
            now=datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC),
        )
        ids.append(invoice.id)
    assert [session.get_one(Invoice, i).due_date for i in ids] == [
        date(2026, 4, 1),
        date(2026, 3, 13),
        date(2026, 4, 2),
    ]
    return treasurer.headers, ids


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", "CBA"),
        ("?sort=-number", "CBA"),
        ("?sort=number", "ABC"),
        ("?sort=issue_date", "ABC"),  # B and C on the same day: id order
        ("?sort=-issue_date", "CBA"),
        ("?sort=due_date", "BAC"),
        ("?sort=-due_date", "CAB"),
    ],
)
def test_the_list_follows_the_sort(
    api: TestClient, issued: tuple[dict[str, str], list[int]], query: str, expected: str
) -> None:
    headers, ids = issued
    response = api.get(f"/api/v1/invoices{query}", headers=headers)
    assert response.status_code == 200, response.text
    by_letter = dict(zip("ABC", ids, strict=True))
    assert [item["id"] for item in response.json()["items"]] == [by_letter[letter] for letter in expected]


def test_an_unknown_sort_is_a_422_problem(api: TestClient, issued: tuple[dict[str, str], list[int]]) -> None:
    headers, _ = issued
    response = api.get("/api/v1/invoices?sort=amount", headers=headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["sort"]
