"""A double click on any form of any page is carried out once (``web.once``).

Every form of every page is sent as the browser would send it untouched (its hidden fields, the values it
shows, the options and boxes it has chosen and its first named button), and then sent again. A form the
first sending carried out (a redirect) must give the second the same redirect and change no row; a form
refused until something is typed into it stores nothing and is left to its own tests. The forms' own tests
(``tests/web/test_forms_once.py``) hold the same rule with typed values for a payment, an invoice and a
commission; this holds it for every form a page offers, the approvals, hand-ins, payments and closings a
person is most likely to click twice."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.web.sweeps.sweeping import PAGES, Browser, World, fingerprint, real_addresses

#: Forms whose second sending is by someone else: signing out ends the session that sent the first.
NOT_TWICE = {"/signout"}


@dataclass
class Form:
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    button: tuple[str, str] | None = None
    #: The select being read and the first of its options, sent when none is chosen.
    select: str | None = None
    first_option: str | None = None
    chosen: bool = False
    textarea: str | None = None
    text: str = ""

    def sent(self) -> list[tuple[str, str]]:
        return self.fields + ([self.button] if self.button else [])

    def data(self) -> dict[str, list[str]]:
        """As the test client takes a form: each name with its values in order."""
        data: dict[str, list[str]] = {}
        for name, value in self.sent():
            data.setdefault(name, []).append(value)
        return data


class UntouchedForms(HTMLParser):
    """The posted forms of a page, with what a browser sends for each when nothing is typed into it."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.form: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            posted = values.get("method", "").lower() == "post"
            self.form = Form(values.get("action", "")) if posted else None
            if self.form:
                self.forms.append(self.form)
        form = self.form
        if form is None or "disabled" in values or "form" in values:
            return
        name = values.get("name", "")
        kind = values.get("type", "text" if tag == "input" else "submit").lower()
        if tag == "input" and name and kind not in ("submit", "button", "image", "file", "reset"):
            if kind not in ("checkbox", "radio") or "checked" in values:
                form.fields.append((name, values.get("value", "on" if kind == "checkbox" else "")))
        elif tag in ("button", "input") and kind == "submit" and name and form.button is None:
            form.button = (name, values.get("value", ""))
        elif tag == "select":
            form.select, form.first_option, form.chosen = name, None, False
        elif tag == "option" and form.select:
            value = values.get("value", "")
            if form.first_option is None:
                form.first_option = value
            if "selected" in values and not form.chosen:
                form.fields.append((form.select, value))
                form.chosen = True
        elif tag == "textarea" and name:
            form.textarea, form.text = name, ""

    def handle_data(self, data: str) -> None:
        if self.form and self.form.textarea:
            self.form.text += data

    def handle_endtag(self, tag: str) -> None:
        form = self.form
        if form is None:
            return
        if tag == "form":
            self.form = None
        elif tag == "select" and form.select:
            if not form.chosen and form.first_option is not None:
                form.fields.append((form.select, form.first_option))
            form.select = None
        elif tag == "textarea" and form.textarea:
            # As a browser sends it: the first line break after the tag is not part of the value.
            form.fields.append((form.textarea, form.text.removeprefix("\n")))
            form.textarea = None


def untouched_forms(html: str) -> list[Form]:
    page = UntouchedForms()
    page.feed(html)
    return [form for form in page.forms if form.action not in NOT_TWICE]


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
