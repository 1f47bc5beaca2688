"""The payments page lists every payment recorded, newest first, fifty to a page: the auditor at year end
matches the year's payments against the bank's statement, and a list of the twenty latest left the rest out
of sight on the web."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.auth.models import Role
from kooperativet.invoices.models import Payment
from tests.web.conftest import sign_in
from tests.web.test_office_billing import bare_invoice, commission, library, on_day, seller, treasurer

__all__ = ["library", "on_day", "seller", "treasurer"]


def _amounts(html: str) -> list[str]:
    """The amounts of the list of payments, in its order."""
    listed = html.split('id="payments"', 1)[1]
    return re.findall(r'<td class="num" data-label="Belopp">([^<]+)</td>', listed)


def test_the_auditor_reads_every_payment_a_page_at_a_time_newest_first(
    browser_client: TestClient, session: Session, treasurer, make_member, make_user, library
) -> None:
    assignment = commission(session, make_member().member, library, status=AssignmentStatus.invoiced)
    invoice = bare_invoice(session, assignment, 1, treasurer)
    # 53 payments, one a day from 2026-01-01, each of as many kronor as its day of the year.
    for day in range(1, 54):
        session.add(
            Payment(
                invoice_id=invoice.id,
                amount=Decimal(day),
                paid_on=date.fromordinal(date(2026, 1, 1).toordinal() + day - 1),
                source="manual",
                recorded_by_id=treasurer.user.id,
            )
        )
    session.flush()
    browser_client.cookies.clear()
    sign_in(browser_client, make_user(Role.auditor).user.email)

    first = browser_client.get("/office/payments")
    assert first.status_code == 200
    newest_first = [f"{day},00" for day in range(53, 0, -1)]
    assert "Betalningar, senaste först" in first.text
    # The bare invoice's own payment of 1,00 on 2026-11-30 is the newest of all.
    assert _amounts(first.text) == ["1,00", *newest_first[:49]]
    assert 'href="/office/payments?page=2#payments"' in first.text
    assert "Sida 1 av 2" in first.text

    second = browser_client.get("/office/payments?page=2")
    assert second.status_code == 200
    assert _amounts(second.text) == newest_first[49:]
    assert "1,00" in _amounts(second.text)  # paid 2026-01-01, the oldest

    past = browser_client.get("/office/payments?page=7")  # an old bookmark: the last page
    assert _amounts(past.text) == newest_first[49:]
