"""Partial invoicing through the API alone: the assignment names each fee line's id and what is left to
invoice of it, an invoice takes parts by those ids, and nothing beyond what remains can be invoiced."""

from __future__ import annotations

from decimal import Decimal

from kooperativet.auth.models import Role
from tests.assignments.factories import approve, assignment_body, register, submit

LINES = [
    {
        "description": "Workshopdagar",
        "quantity": "5",
        "unit": "DAY",
        "unit_price": "3000.00",
        "vat_category": "S",
        "vat_rate": "25",
    },
    {
        "description": "Handledning",
        "quantity": "2",
        "unit": "HUR",
        "unit_price": "1250.00",
        "vat_category": "S",
        "vat_rate": "25",
    },
]


def left(api, headers, assignment_id: int) -> list[tuple[str, str, str]]:
    """(quantity, remaining quantity, remaining amount) of each line as the API shows them."""
    body = api.get(f"/api/v1/assignments/{assignment_id}", headers=headers).json()
    return [
        (line["quantity"], line["remaining_quantity"], line["remaining_amount"]) for line in body["lines"]
    ]


def test_an_assignment_is_invoiced_in_two_parts_by_the_line_ids_it_shows(
    api, seller, municipality, make_member, make_user, on_day
) -> None:
    member = make_member()
    treasurer = make_user(Role.treasurer)
    created = register(api, member.headers, assignment_body(municipality.id, lines=LINES, expenses=[]))
    approved = approve(api, treasurer.headers, submit(api, member.headers, created))
    workshop, guidance = (line["id"] for line in approved["lines"])
    assert [line["position"] for line in approved["lines"]] == [1, 2]
    assert left(api, member.headers, created["id"]) == [
        ("5.000", "5.000", "15000.00"),
        ("2.000", "2.000", "2500.00"),
    ]

    def invoice(*parts: tuple[int, str]):
        return api.post(
            "/api/v1/invoices",
            json={
                "assignment_id": created["id"],
                "parts": [{"assignment_line_id": line, "quantity": quantity} for line, quantity in parts],
            },
            headers=treasurer.headers,
        )

    first = invoice((workshop, "2"), (guidance, "0.5"))
    assert first.status_code == 201, first.text
    # 2 × 3 000 + 0,5 × 1 250 = 6 625; 25 % VAT 1 656,25; 8 281,25 rounded to 8 281.
    assert [
        (line["assignment_line_id"], Decimal(line["quantity"]), line["amount"])
        for line in first.json()["lines"]
    ] == [(workshop, Decimal("2"), "6000.00"), (guidance, Decimal("0.5"), "625.00")]
    assert (first.json()["net_total"], first.json()["vat_total"], first.json()["payable"]) == (
        "6625.00",
        "1656.25",
        "8281.00",
    )
    assert left(api, treasurer.headers, created["id"]) == [
        ("5.000", "3.000", "9000.00"),
        ("2.000", "1.500", "1875.00"),
    ]

    rest = invoice((workshop, "3"), (guidance, "1.5"))
    assert rest.status_code == 201, rest.text
    # 9 000 + 1 875 = 10 875; VAT 2 718,75; 13 593,75 rounded to 13 594.
    assert (rest.json()["number"], rest.json()["net_total"], rest.json()["vat_total"]) == (
        "2026-0002",
        "10875.00",
        "2718.75",
    )
    assert (rest.json()["rounding"], rest.json()["payable"]) == ("0.25", "13594.00")
    assert left(api, treasurer.headers, created["id"]) == [
        ("5.000", "0.000", "0.00"),
        ("2.000", "0.000", "0.00"),
    ]

    further = invoice((guidance, "0.5"))
    assert further.status_code == 422
    assert further.json()["code"] == "more_than_remains"
    assert further.json()["errors"] == [
        {"field": "parts[0].quantity", "reason": "only 0 of line 2 is left to invoice"}
    ]
    unknown = invoice((workshop + guidance + 1000, "1"))
    assert (unknown.status_code, unknown.json()["errors"][0]["field"]) == (422, "parts[0].assignment_line_id")

    # A credit note by quantity gives the quantity back to invoice again.
    credited_line = first.json()["lines"][0]["id"]
    credit = api.post(
        f"/api/v1/invoices/{first.json()['id']}/credit-notes",
        json={"parts": [{"invoice_line_id": credited_line, "quantity": "1"}]},
        headers=treasurer.headers,
    )
    assert credit.status_code == 201, credit.text
    assert left(api, treasurer.headers, created["id"]) == [
        ("5.000", "1.000", "3000.00"),
        ("2.000", "0.000", "0.00"),
    ]
