"""A form is carried out once however often the browser sends it (``web.once``): a double click, a reload of
the answer, the back button and "send" again. Each is the same form sent again with its key (``submission``);
it gets the first sending's answer, and nothing is done twice."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.api.idempotency import IdempotentRequest
from kooperativet.assignments.models import Assignment
from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.auth.models import Role
from kooperativet.db import transaction
from kooperativet.invoices.models import Invoice, Payment
from kooperativet.main import create_app
from kooperativet.parties.models import Client
from kooperativet.web.once import SUBMISSION_FIELD
from tests.api.test_commit_before_answer import _seed_people, committed_settings
from tests.web import test_office_billing as billing
from tests.web.conftest import form_token, sign_in
from tests.web.test_commissions import a_commission

seller = billing.seller
library = billing.library
on_day = billing.on_day
treasurer = billing.treasurer
worker = billing.worker


class HiddenFields(HTMLParser):
    """The hidden fields of the form that posts to ``action``, as the page rendered them."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":  # a #fragment only says where the answer opens: the form posts to the path
            self.inside = values.get("action", "").partition("#")[0] == self.action
        elif tag == "input" and self.inside and values.get("type") == "hidden":
            self.fields[values["name"]] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def hidden_fields(html: str, action: str) -> dict[str, str]:
    parser = HiddenFields(action)
    parser.feed(html)
    assert SUBMISSION_FIELD in parser.fields, f"no form to {action} with a key"
    return parser.fields


def payments(session: Session, invoice: Invoice) -> list[Decimal]:
    return list(session.scalars(select(Payment.amount).where(Payment.invoice_id == invoice.id)))


@pytest.fixture
def invoice(session: Session, treasurer, worker, library) -> Invoice:
    """An invoice the treasurer issued for the worker's approved commission, unpaid (15 000 kr)."""
    assignment = billing.commission(session, worker.member, library, status=AssignmentStatus.approved)
    return billing.issue(session, assignment, treasurer)


def payment_form(browser: TestClient, invoice: Invoice, **typed: str) -> dict[str, str]:
    """The invoice page's payment form as its page rendered it, with what the treasurer typed."""
    page = f"/office/invoices/{invoice.id}"
    return {**hidden_fields(browser.get(page).text, f"{page}/payments"), "paid_on": "2026-11-30", **typed}


def test_a_payment_sent_twice_is_recorded_once_and_both_sendings_see_the_first_answer(
    browser_client: TestClient, session: Session, invoice: Invoice
) -> None:
    page = f"/office/invoices/{invoice.id}"
    form = payment_form(browser_client, invoice, amount="5 000,00")
    first = browser_client.post(f"{page}/payments", data=form)
    again = browser_client.post(f"{page}/payments", data=form)
    assert first.status_code == again.status_code == 303
    assert again.headers["location"] == first.headers["location"]
    assert payments(session, invoice) == [Decimal("5000.00")]
    # The same form with another amount (the back button, a correction, "send") is another form.
    changed = browser_client.post(f"{page}/payments", data={**form, "amount": "2 000,00"})
    assert changed.status_code == 303
    assert sorted(payments(session, invoice)) == [Decimal("2000.00"), Decimal("5000.00")]
    # Another form the page renders has a key of its own.
    fresh = payment_form(browser_client, invoice)
    assert fresh[SUBMISSION_FIELD] != form[SUBMISSION_FIELD]


def test_a_refused_form_stores_nothing_and_is_carried_out_when_sent_again_corrected(
    browser_client: TestClient, session: Session, invoice: Invoice
) -> None:
    page = f"/office/invoices/{invoice.id}"
    form = payment_form(browser_client, invoice)
    refused = browser_client.post(f"{page}/payments", data={**form, "amount": "fem tusen"})
    assert refused.status_code == 422
    refused_again = browser_client.post(f"{page}/payments", data={**form, "amount": "fem tusen"})
    assert refused_again.status_code == 422  # refused again, not sent on as if it had been carried out
    assert session.scalar(select(func.count(IdempotentRequest.id))) == 0
    corrected = browser_client.post(f"{page}/payments", data={**form, "amount": "5 000,00"})
    assert corrected.status_code == 303
    assert payments(session, invoice) == [Decimal("5000.00")]


def test_an_invoice_issued_twice_from_one_form_is_issued_once_and_the_second_is_not_told_it_was_refused(
    browser_client: TestClient, session: Session, treasurer, worker, library
) -> None:
    """The second sending alone would be refused ("already invoiced"): it is the first's doing, so the
    browser is sent to the invoice the first one issued."""
    assignment = billing.commission(session, worker.member, library, status=AssignmentStatus.approved)
    [line] = assignment.lines
    form = {
        **hidden_fields(
            browser_client.get(f"/office/invoices/new?assignment_id={assignment.id}").text,
            "/office/invoices/new",
        ),
        "assignment_id": str(assignment.id),
        f"quantity-{line.id}": "2",
    }
    first = browser_client.post("/office/invoices/new", data=form)
    again = browser_client.post("/office/invoices/new", data=form)
    assert first.status_code == again.status_code == 303
    assert again.headers["location"] == first.headers["location"]
    assert session.scalar(select(func.count(Invoice.id)).where(Invoice.assignment_id == assignment.id)) == 1
    # Without the key, as a form from before the keys or a tampered one, the refusal is said as ever.
    form.pop(SUBMISSION_FIELD)
    assert browser_client.post("/office/invoices/new", data=form).status_code == 422


def test_a_commission_sent_twice_from_her_phone_is_registered_once(
    browser_client: TestClient, session: Session, worker, library
) -> None:
    sign_in(browser_client, worker.user.email)
    form = {
        **hidden_fields(browser_client.get("/commissions/new").text, "/commissions/new"),
        **a_commission(library.id),
    }
    first = browser_client.post("/commissions/new", data=form)
    again = browser_client.post("/commissions/new", data=form)
    assert first.status_code == 303, first.text[:2000]
    assert again.headers["location"] == first.headers["location"]
    assert (
        session.scalar(select(func.count(Assignment.id)).where(Assignment.member_id == worker.member.id)) == 1
    )


def test_a_key_is_one_person_s(
    app, browser_client: TestClient, session: Session, make_user, invoice: Invoice
) -> None:
    """Another treasurer who sends the very same form, key and all (she could only have it from the first
    one's page), has her own form carried out."""
    page = f"/office/invoices/{invoice.id}"
    form = payment_form(browser_client, invoice, amount="5 000,00")
    assert browser_client.post(f"{page}/payments", data=form).status_code == 303
    other = TestClient(app, follow_redirects=False)
    sign_in(other, make_user(Role.treasurer).user.email)
    token = form_token(other.get(page).text)
    assert other.post(f"{page}/payments", data={**form, "csrf_token": token}).status_code == 303
    assert payments(session, invoice) == [Decimal("5000.00"), Decimal("5000.00")]


CLIENT = {"name": "Samtidig AB", "kind": "organisation", "country": "SE", "payment_terms_days": "30"}


@pytest.fixture
def committed_app(committed_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    """The application on a database of the test's own, whose requests commit as in production, with room
    for eight transactions at once; a treasurer and others seeded."""
    app = create_app(committed_settings(committed_url, tmp_path, db_sessions=8, db_pool_size=16))
    _seed_people(app.state.engine)
    yield app
    app.state.engine.dispose()


async def sign_in_treasurer(browser: httpx.AsyncClient) -> None:
    signin = await browser.get("/signin")
    await browser.post(
        "/signin",
        data={
            "email": "treasurer@example.se",
            "password": "a long enough password",  # _seed_people's
            "next": "/",
            "csrf_token": form_token(signin.text),
        },
    )


async def new_client_form(browser: httpx.AsyncClient) -> dict[str, str]:
    """The new-client page's hidden fields: its form token and the key of this one form."""
    return hidden_fields((await browser.get("/office/clients/new")).text, "/office/clients/new")


def treasurer_sends(
    app: FastAPI, cookies: httpx.Cookies, *rounds: list[tuple[dict[str, str], dict[str, str]]]
) -> list[list[httpx.Response]]:
    """The treasurer's browser (signed in: ``cookies``) sends each round's forms (a form's hidden fields and
    what she typed) at the same moment, round after round."""

    async def run() -> list[list[httpx.Response]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test", cookies=cookies) as browser:
            answers = []
            for sendings in rounds:
                answers.append(
                    await asyncio.gather(
                        *(
                            browser.post("/office/clients/new", data={**hidden, **typed})
                            for hidden, typed in sendings
                        )
                    )
                )
            return answers

    return asyncio.run(run())


def clients_named(app: FastAPI, name: str) -> int:
    with transaction(app.state.session_factory) as session:
        return session.scalar(select(func.count(Client.id)).where(Client.name == name)) or 0


def forms_of(app: FastAPI, count: int) -> tuple[httpx.Cookies, list[dict[str, str]]]:
    """The treasurer signs in and opens the new-client page ``count`` times: her browser's cookies, and the
    hidden fields of each form the page rendered."""

    async def run() -> tuple[httpx.Cookies, list[dict[str, str]]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as browser:
            await sign_in_treasurer(browser)
            return browser.cookies, [await new_client_form(browser) for _ in range(count)]

    return asyncio.run(run())


def test_one_form_sent_many_times_at_once_is_carried_out_once(committed_app: FastAPI) -> None:
    """Sendings in flight together, each in a transaction of its own: the second's claim waits for the
    first's commit (or its client for the first's, on the organisation number's unique index), and every
    sending is sent where the first went."""
    cookies, [form, one, other] = forms_of(committed_app, 3)
    typed = {**CLIENT, "organisation_number": "556036-0793"}
    [answers] = treasurer_sends(committed_app, cookies, [(form, typed)] * 6)
    assert [answer.status_code for answer in answers] == [303] * 6
    assert len({answer.headers["location"] for answer in answers}) == 1
    assert re.fullmatch(r"/office/clients\?saved=\d+", answers[0].headers["location"])
    assert clients_named(committed_app, "Samtidig AB") == 1
    # Two forms of their own (two visits to the page), sent at once, are two clients: the guard is the key.
    [answers] = treasurer_sends(
        committed_app,
        cookies,
        [
            (one, {**CLIENT, "name": "Två AB", "organisation_number": "556016-0680"}),
            (other, {**CLIENT, "name": "Två AB", "organisation_number": "556000-0001"}),
        ],
    )
    assert [answer.status_code for answer in answers] == [303, 303]
    assert clients_named(committed_app, "Två AB") == 2


def test_a_second_sending_refused_by_the_database_itself_gets_the_first_answer(
    committed_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two sendings at the same moment both pass the service's look for the organisation number, and the
    database's unique index refuses the second one's client (PostgreSQL waits for the first's commit). Made
    certain here by having the service skip its look: the refusal is a 409 the form could show (the client's
    row in a savepoint of its own, ``parties.service.checks.unique_rows``), and since it is the first
    sending's doing, the browser is sent where the first went."""
    from kooperativet.parties.service import clients

    cookies, [form, another] = forms_of(committed_app, 2)
    typed = {**CLIENT, "organisation_number": "556036-0793"}
    [[first]] = treasurer_sends(committed_app, cookies, [(form, typed)])
    assert first.status_code == 303
    monkeypatch.setattr(clients, "_apply_client", unchecked_client)
    [[again]] = treasurer_sends(committed_app, cookies, [(form, typed)])
    assert (again.status_code, again.headers["location"]) == (303, first.headers["location"])
    # Another form with the number taken (not a repeat) is refused as a page by its field, never a 500.
    [[other]] = treasurer_sends(committed_app, cookies, [(another, {**typed, "name": "Annan AB"})])
    assert other.status_code == 422
    assert 'id="e-organisation_number"' in other.text
    assert clients_named(committed_app, "Samtidig AB") == 1


def test_a_refusal_is_said_as_it_came_when_the_first_sending_cannot_be_looked_for(
    browser_client: TestClient, invoice: Invoice, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from kooperativet.web import once

    def unreadable(*args: object) -> None:
        raise OperationalError("SELECT", {}, Exception("the transaction is aborted"))

    page = f"/office/invoices/{invoice.id}"
    form = payment_form(browser_client, invoice)
    monkeypatch.setattr(once, "_earlier", unreadable)
    refused = browser_client.post(f"{page}/payments", data={**form, "amount": "0"})
    assert refused.status_code == 422
    assert 'id="e-amount"' in refused.text


def unchecked_client(session: Session, client: Client, changes: dict[str, object]) -> None:
    for name, value in changes.items():
        setattr(client, name, value)


def test_a_form_s_stored_digest_holds_no_password_or_passphrase() -> None:
    """The digest stored with a form's key is a plain SHA-256 of its fields; with a new user's password or a
    secret ballot's passphrase among them, anyone reading ``idempotent_requests`` could try guesses against
    it. Such fields are left out: two sendings that differ only in them are the same form."""
    from starlette.datastructures import FormData

    from kooperativet.web.once import _digest

    def form(**secrets: str) -> FormData:
        return FormData([("email", "ny@example.se"), ("full_name", "Ny Person"), *secrets.items()])

    with_password = _digest(form(password="correct horse battery staple"))
    assert with_password == _digest(form(password="another one entirely"))
    assert with_password == _digest(form())
    assert _digest(form(tellers_passphrase="a")) == _digest(form(tellers_passphrase="b"))
    assert with_password != _digest(FormData([("email", "annan@example.se"), ("full_name", "Ny Person")]))
