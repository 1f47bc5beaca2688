# ruff: noqa: F811 - the fixtures imported from test_office_billing are used as arguments
"""The treasurer decides on a commission's expenses with their VAT and receipts in view: each expense shows
its VAT rate and amount, and its receipt opens in the browser for the office (the API's rule:
``assignments.service.get_assignment``), never for another member."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kooperativet.assignments.models import Expense, Receipt
from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.auth.models import Role
from tests.assignments.factories import JPEG, PDF
from tests.web.conftest import sign_in
from tests.web.test_office_billing import (  # noqa: F401 - fixtures
    commission,
    library,
    on_day,
    seller,
    treasurer,
    worker,
)

NBSP = "\N{NO-BREAK SPACE}"


def with_receipts(session, worker, library):
    """The commission's train ticket (530.00 at 6 %) with a PDF, a hotel night (5 556.60 at 25 %) with a
    JPEG under a name that needs quoting, and a taxi without a receipt."""
    assignment = commission(session, worker.member, library)
    train = assignment.expenses[0]
    train.receipt = receipt("tag.pdf", PDF, "application/pdf", worker)
    hotel = Expense(
        spent_on=date(2026, 11, 10),
        description="Hotell",
        amount=Decimal("5556.60"),
        vat_rate=Decimal("25"),
        receipt=receipt('hotell "Åre".jpg', JPEG, "image/jpeg", worker),
    )
    taxi = Expense(spent_on=date(2026, 11, 11), description="Taxi", amount=Decimal("112.00"), vat_rate=12)
    assignment.expenses += [hotel, taxi]
    session.flush()
    return assignment


def receipt(filename: str, content: bytes, media_type: str, worker) -> Receipt:
    return Receipt(
        filename=filename,
        media_type=media_type,
        size=len(content),
        sha256="0" * 64,
        content=content,
        uploaded_by_id=worker.user.id,
    )


def receipt_url(assignment, expense) -> str:
    return f"/office/inbox/{assignment.id}/expenses/{expense.id}/receipt"


def test_the_treasurer_sees_each_expenses_vat_and_opens_its_receipt_in_the_browser(
    browser_client, session, treasurer, worker, library
) -> None:
    assignment = with_receipts(session, worker, library)
    train, hotel, taxi = assignment.expenses
    html = browser_client.get(f"/office/inbox/{assignment.id}").text
    assert f"30,00 (6{NBSP}%)" in html
    assert f"1{NBSP}111,32 (25{NBSP}%)" in html
    assert f"12,00 (12{NBSP}%)" in html
    assert f'href="{receipt_url(assignment, train)}">Kvitto: tag.pdf</a>' in html
    assert f'href="{receipt_url(assignment, hotel)}">Kvitto: hotell &#34;Åre&#34;.jpg</a>' in html
    assert receipt_url(assignment, taxi) not in html
    assert "inget kvitto" in html

    answer = browser_client.get(receipt_url(assignment, train))
    assert answer.status_code == 200
    assert answer.content == PDF
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == "inline; filename=\"tag.pdf\"; filename*=UTF-8''tag.pdf"
    assert answer.headers["x-content-type-options"] == "nosniff"
    answer = browser_client.get(receipt_url(assignment, hotel))
    assert (answer.status_code, answer.content, answer.headers["content-type"]) == (200, JPEG, "image/jpeg")
    assert answer.headers["content-disposition"] == (
        "inline; filename=\"hotell_Are_.jpg\"; filename*=UTF-8''hotell%20%22%C3%85re%22.jpg"
    )
    assert browser_client.get(receipt_url(assignment, taxi)).status_code == 404


def test_the_auditor_reads_a_receipt_as_the_api_lets_her(
    browser_client, session, make_user, seller, on_day, worker, library
) -> None:
    assignment = with_receipts(session, worker, library)
    sign_in(browser_client, make_user(Role.auditor).user.email)
    answer = browser_client.get(receipt_url(assignment, assignment.expenses[0]))
    assert (answer.status_code, answer.content) == (200, PDF)


def test_a_receipt_is_not_shown_to_another_member_nor_through_another_commission(
    browser_client, session, treasurer, make_member, worker, library
) -> None:
    assignment = with_receipts(session, worker, library)
    train = assignment.expenses[0]
    other = commission(session, make_member().member, library, title="Annat uppdrag")
    answer = browser_client.get(receipt_url(other, train))
    assert answer.status_code == 404
    assert answer.content != PDF

    for someone in (make_member(), make_member(Role.board)):
        browser_client.cookies.clear()
        sign_in(browser_client, someone.user.email)
        her_page = f"/commissions/{assignment.id}/expenses/{train.id}/receipt"
        for path in (receipt_url(assignment, train), her_page):
            answer = browser_client.get(path)
            assert answer.status_code in (403, 404), path
            assert PDF not in answer.content


def test_the_member_herself_opens_her_receipt_on_her_own_page_not_the_offices(
    browser_client, session, seller, on_day, worker, library
) -> None:
    assignment = with_receipts(session, worker, library)
    train = assignment.expenses[0]
    sign_in(browser_client, worker.user.email)
    assert browser_client.get(receipt_url(assignment, train)).status_code == 403
    answer = browser_client.get(f"/commissions/{assignment.id}/expenses/{train.id}/receipt")
    assert (answer.status_code, answer.content) == (200, PDF)


def test_the_invoice_form_links_the_commission_whose_expenses_it_re_invoices(
    browser_client, session, treasurer, worker, library
) -> None:
    assignment = with_receipts(session, worker, library)
    assignment.status = AssignmentStatus.approved
    session.flush()
    form = browser_client.get(f"/office/invoices/new?assignment_id={assignment.id}").text
    assert 'name="include_expenses"' in form
    assert f'<a href="/office/inbox/{assignment.id}">Barnteater på biblioteket</a>' in form
