"""What the sweeps of the web interface share (``test_form_fuzzing``, ``test_query_fuzzing``,
``test_page_references``, ``test_roles``, ``test_forms_twice``): the values a person could type or a tampered
address or form could hold, how the names a page reads are found, the real rows the addresses name (made in
``conftest``), how an answer is judged a page whose references hold, a page's forms as a browser would send
them, and every table's rows at a glance."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.db import Base
from kooperativet.web.install import PAGE_ROUTERS
from tests.web.conftest import form_token, sign_in
from tests.web.test_forms_as_browsers_send_them import page_routes

#: Every page a browser asks for, and every form it posts.
PAGES = sorted((route for route in page_routes(PAGE_ROUTERS) if "GET" in route.methods), key=lambda r: r.path)
POSTED = sorted(
    (route for route in page_routes(PAGE_ROUTERS) if "POST" in route.methods), key=lambda r: r.path
)

BLANK = ["", " ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u200b"]
LONG = ["x" * 10_000, "9" * 10_000, "å" * 10_000, "1 " * 5_000]
CONTROL = ["\x00", "a\x00b", "\x07", "\x1b[31m", "\x7f", "\u2028", "\ufeff", "\u202e", "\x0b", "\x1f"]
UNUSUAL = [
    "²",
    "½",
    "199005²4-1230",
    "Ω≈ç√∫",
    "e\u0301",
    "İ",
    "ﬀ",
    "🎻",
    "👩‍👩‍👧",
    "𝔘𝔫𝔦",
    "٣٤",
    "一二三",
    "<script>",
    "' OR 1=1 --",
    "%00",
    "../../etc",
]
NUMBERS = [
    "0",
    "1",
    "-1",
    "-0",
    "1 234,50",
    "1\u00a0234,50",
    "1.234,50",
    "1,234.50",
    "12,5",
    "12.5",
    "0,001",
    "−5",
    "+7",
    "1e5",
    "1e400",
    "NaN",
    "Infinity",
    "-Infinity",
    "9" * 20,
    "9" * 30,
    str(2**63),
    str(2**63 - 1),
    str(-(2**63) - 1),
    "0x1F",
    "1_000",
    "٣",
    "²",
    "-²",
]
DATES = [
    "2026-11-30",
    "2026-02-30",
    "2026-13-45",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-2026-01-01",
    "30/11/2026",
    "20261130",
    "2026-11",
    "2026-00",
    "2026-W48",
    "2026-11-30T25:61",
    "25:00",
    "12:60",
    "23:59",
    "-1:00",
]
CHOICES = [
    "remove_line:0",
    "remove_line:" + "9" * 5_000,
    "remove_expense:²",
    "add_line",
    "add_expense",
    "on",
    "true",
    "yes",
    "sv",
    "en",
    "annual",
    "extra",
    "board",
    "open",
    "secret",
    "yes",
    "no",
    "days",
]


@st.composite
def text_values(draw: st.DrawFn, ids: list[str]) -> str:
    return draw(
        st.one_of(
            st.sampled_from(BLANK),
            st.sampled_from(LONG),
            st.sampled_from(CONTROL),
            st.sampled_from(UNUSUAL),
            st.sampled_from(NUMBERS),
            st.integers(min_value=-(2**70), max_value=2**70).map(str),
            st.decimals(allow_nan=True, allow_infinity=True).map(str),
            st.sampled_from(DATES),
            st.sampled_from(CHOICES),
            st.sampled_from(ids or ["1"]),
            st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
        )
    )


@dataclass
class World:
    """Real rows for the addresses' ids, by the name of the path parameter."""

    ids: dict[str, list[str]]
    #: A row a form names in a field, for the handler to read the rest of its form (the invoice form reads
    #: one quantity per line of the commission it names).
    named: dict[str, str]

    def every_id(self) -> list[str]:
        named = set(self.named.values())
        return sorted(
            {value for values in self.ids.values() for value in values if value.isdecimal()} | named
        )


class Browser:
    """The signed-in person's browser: signs in again whenever a form or page signed her out."""

    def __init__(self, client: TestClient, email: str) -> None:
        self.client = client
        self.email = email

    def signed_in(self) -> str:
        """Her home page, signed in (again if she was signed out)."""
        home = self.client.get("/me")
        if home.status_code != 200:
            self.client.cookies.clear()
            sign_in(self.client, self.email)
            home = self.client.get("/me")
        return home.text

    def token(self) -> str:
        return form_token(self.signed_in())


def cases(routes: list[APIRoute]) -> list[Any]:
    """One test per route, named by its path."""
    return [pytest.param(route, id=route.path) for route in routes]


def address(route: APIRoute, values: dict[str, str]) -> str:
    path = route.path
    for name, value in values.items():
        path = path.replace(f"{{{name}}}", value).replace(f"{{{name}:int}}", value)
    return path


def parameters(route: APIRoute) -> list[str]:
    return [param.name for param in route.dependant.path_params]


def ids_of(kind: str, world: World, name: str) -> list[str]:
    """Real rows' ids (none where making one is out of reach: a payroll run, minutes, a proposal), or an id
    of no row and one beyond any id (a name, for a parameter's key and an article's slug)."""
    if kind == "absent":
        return ["987654321", "9" * 25] if name not in ("key", "slug") else ["finns-inte", "x" * 10_000]
    return world.ids.get(name, ["987654321"])


def real_address(route: APIRoute, world: World) -> str:
    """The route's address for the first real row of each of its path's parameters."""
    return real_addresses(route, world)[0]


def real_addresses(route: APIRoute, world: World) -> list[str]:
    """The route's addresses for each real row of its path's parameters in turn (the first, the second, …;
    a parameter with fewer rows keeps its last)."""
    names = parameters(route)
    rows = {name: ids_of("real", world, name) for name in names}
    turns = max((len(ids) for ids in rows.values()), default=1)
    return [
        address(route, {name: ids[min(turn, len(ids) - 1)] for name, ids in rows.items()})
        for turn in range(turns)
    ]


def is_a_page(answer) -> bool:
    kind = answer.headers.get("content-type", "")
    return kind.startswith("text/html") and not answer.text.lstrip().startswith("{")


@contextmanager
def recording(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> Iterator[set[str]]:
    """Notes every name a handler or template asks for while inside: ``module.name`` (the class a request's
    form or query is made of, an ``ImmutableMultiDict``) is replaced, for the while, by one that notes each
    key it is asked for."""
    asked: set[str] = set()
    base: Any = getattr(module, name)

    def note(key: object) -> None:
        if isinstance(key, str):
            asked.add(key)

    class Recording(base):  # type: ignore[misc, valid-type]
        def get(self, key: Any, default: Any = None) -> Any:
            note(key)
            return super().get(key, default)

        def getlist(self, key: Any) -> list[Any]:
            note(key)
            return super().getlist(key)

        def __getitem__(self, key: Any) -> Any:
            note(key)
            return super().__getitem__(key)

        def __contains__(self, key: Any) -> bool:
            note(key)
            return super().__contains__(key)

    with monkeypatch.context() as patch:
        patch.setattr(module, name, Recording)
        yield asked


#: Attributes that name other elements by id, separated by spaces.
NAMING = ("aria-describedby", "aria-labelledby", "aria-controls", "aria-errormessage", "list")


class References(HTMLParser):
    """The ids a page gives and the ids its elements name."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.named: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.append(values["id"])
        if tag == "label" and values.get("for"):
            self.named.append((f"label for={values['for']}", values["for"]))
        for name in NAMING:
            for target in values.get(name, "").split():
                self.named.append((f"{tag} {name}={target}", target))
        href = values.get("href", "")
        if tag == "a" and href.startswith("#") and len(href) > 1:
            self.named.append((f"a href={href}", href[1:]))


def broken_references(html: str) -> list[str]:
    page = References()
    page.feed(html)
    given = set(page.ids)
    twice = [f"id {name} given {count} times" for name, count in Counter(page.ids).items() if count > 1]
    return twice + [f"{where} names no element" for where, target in page.named if target not in given]


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


def read_forms(html: str) -> list[Form]:
    page = UntouchedForms()
    page.feed(html)
    return page.forms


def posted_forms(html: str) -> list[tuple[str, list[str]]]:
    """The forms a page posts, each with the ``submission`` keys it holds (``web.once``)."""
    return [
        (form.action, [value for name, value in form.fields if name == "submission"])
        for form in read_forms(html)
    ]


def fingerprint(session: Session) -> dict[str, str]:
    """Every table's rows, as a digest per table."""
    session.expire_all()
    return {
        table.name: hashlib.sha256(
            repr(session.execute(select(table).order_by(*table.primary_key.columns)).all()).encode()
        ).hexdigest()
        for table in Base.metadata.sorted_tables
    }
