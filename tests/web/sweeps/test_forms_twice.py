"""A double click on any form of any page is carried out once (``web.once``).

Every form of every page is sent as the browser would send it untouched (its hidden fields, the values it
shows, the options and boxes it has chosen and its first named button), and then sent again. A form the
first sending carried out (a redirect) must give the second the same redirect and change no row; a form
refused until something is typed into it stores nothing and is left to its own tests. The forms' own tests
(``tests/web/test_forms_once.py``) hold the same rule with typed values for a payment, an invoice and a
commission; this holds it for every form a page offers, the approvals, hand-ins, payments and closings a
person is most likely to click twice."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.web.sweeps.sweeping import PAGES, Browser, Form, World, fingerprint, read_forms, real_addresses

#: Forms whose second sending is by someone else: signing out ends the session that sent the first.
NOT_TWICE = {"/signout"}


def untouched_forms(html: str) -> list[Form]:
    return [form for form in read_forms(html) if form.action not in NOT_TWICE]


def test_every_form_of_every_page_sent_twice_is_carried_out_once(
    browser_client: TestClient, session: Session, pages_world: World, everyone
) -> None:
    browser = Browser(browser_client, everyone.user.email)
    carried_out: list[str] = []
    twice: list[str] = []
    for url in [url for route in PAGES for url in real_addresses(route, pages_world)]:
        browser.signed_in()
        page = browser_client.get(url)
        if not page.headers.get("content-type", "").startswith("text/html"):
            continue
        for form in untouched_forms(page.text):
            first = browser_client.post(form.action, data=form.data())
            assert first.status_code < 500, f"{url}: {form.action}"
            if first.status_code != 303:
                continue  # refused until something is typed: nothing was stored
            carried_out.append(form.action)
            before = fingerprint(session)
            second = browser_client.post(form.action, data=form.data())
            changed = [table for table, digest in fingerprint(session).items() if before[table] != digest]
            if (second.status_code, second.headers.get("location")) != (303, first.headers["location"]):
                twice.append(f"{url}: {form.action} answered {second.status_code} the second time")
            if changed:
                twice.append(f"{url}: {form.action} sent again changed {changed}")
    assert twice == []
    # The forms a person clicks and leaves (approving, handing in, marking paid, closing, retrying, hiding,
    # recording a payment, saving a record): 18 when this was written.
    assert len(carried_out) >= 15, carried_out


def test_the_untouched_form_is_what_a_browser_sends() -> None:
    html = """
    <form method="get" action="/search"><input name="q" value="x"></form>
    <form method="post" action="/office/runs/1/approve">
      <input type="hidden" name="csrf_token" value="t"><input type="hidden" name="submission" value="k">
      <input name="note" value="Klar"><input type="checkbox" name="notify" checked>
      <input type="checkbox" name="off"><input type="radio" name="how" value="a">
      <input type="radio" name="how" value="b" checked><input type="file" name="receipt">
      <select name="kind">
        <option value="annual">Ordinarie</option><option value="extra">Extra</option>
      </select>
      <select name="lang">
        <option value="sv">Svenska</option><option value="en" selected>English</option>
      </select>
      <textarea name="text">
Rad ett</textarea>
      <input name="gone" value="x" disabled><input name="elsewhere" value="x" form="other">
      <button type="submit" name="method" value="open">Öppna</button>
      <button type="submit" name="method" value="secret">Sluten</button>
    </form>
    <form method="post" action="/signout"><button>Logga ut</button></form>
    """
    [form] = untouched_forms(html)
    assert form.action == "/office/runs/1/approve"
    assert form.sent() == [
        ("csrf_token", "t"),
        ("submission", "k"),
        ("note", "Klar"),
        ("notify", "on"),
        ("how", "b"),
        ("kind", "annual"),
        ("lang", "en"),
        ("text", "Rad ett"),
        ("method", "open"),
    ]
