"""Every form of the web interface, posted with what a person could type or a tampered form could hold
(Hypothesis): empty and blank fields, 10 000 characters, control characters, unusual letters, numbers with
Swedish and English separators, huge and negative numbers, impossible dates, fields missing or repeated, ids
of real rows, of none and beyond any id. No answer is a 500, and a page answers as a page (HTML), never the
API's JSON, unless it sends a file or sends the browser on.

The fields a handler reads are found by posting its form once empty and recording what the handler asked the
form for (a handler reads its fields before it judges them); a handler that reads numbered rows by walking
the form (the commission form) names its fields in ``ROW_FIELDS``. The signed-in person holds every office
role and is a member on the board, so that every form reaches its handler."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.datastructures import FormData

from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.auth.models import Role
from kooperativet.governance import meetings as meetings_service
from kooperativet.governance.models import BoardAssignment, BoardRole
from kooperativet.governance.rules.terms import MeetingKind
from kooperativet.governance.schemas.meetings import AgendaItemCreate, MotionCreate
from kooperativet.knowledge.bank import default_bank
from kooperativet.parameters.catalog import CATALOG
from kooperativet.web import commission_form as cf
from kooperativet.web import forms
from kooperativet.web.dependencies import CSRF_FIELD
from kooperativet.web.install import PAGE_ROUTERS
from tests.governance import conftest as governance
from tests.governance.conftest import MEETING_DAY, NOW, TODAY
from tests.web import test_office_billing as billing
from tests.web import test_office_words as office_words
from tests.web.conftest import form_token, sign_in
from tests.web.test_forms_as_browsers_send_them import page_routes

seller = billing.seller
library = billing.library
rulebook = governance.rulebook
clock = governance.clock

POSTED = sorted(
    (route for route in page_routes(PAGE_ROUTERS) if "POST" in route.methods), key=lambda r: r.path
)
#: A handler that walks the form for its numbered rows (``commission_form.read_form``) reads no field by name:
#: its fields are the form's own, with a first row of each kind and a line far beyond any row.
COMMISSION_FIELDS = (
    *cf.COMMISSION_FIELDS,
    "version",
    *(f"client.{name}" for name in cf.CLIENT_FIELDS),
    *(f"lines.0.{name}" for name in cf.LINE_FIELDS),
    "lines.7.quantity",
    *(f"expenses.0.{name}" for name in (*cf.EXPENSE_FIELDS, "receipt")),
)
ROW_FIELDS = {
    "/commissions/new": COMMISSION_FIELDS,
    "/commissions/{assignment_id}/edit": COMMISSION_FIELDS,
}
#: Fields that take a file: each example sends either text or bytes in them.
FILE_FIELDS = {"file", "receipt", "bundle", "expenses.0.receipt"}

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


FILES = st.one_of(
    st.binary(max_size=2_000),
    st.sampled_from(
        [
            b"",
            b"<?xml version='1.0'?><Document/>",
            b"<?xml version='1.0'?><!DOCTYPE a [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><a>&x;</a>",
            b"PK\x03\x04" + b"\x00" * 100,
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
            b"{}",
            b"\xff\xfe\x00\x00",
        ]
    ),
)


@st.composite
def forms_for(
    draw: st.DrawFn, fields: list[str], ids: list[str]
) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """A form over ``fields``: each field missing, sent once, or repeated; a file field as text or bytes."""
    data: dict[str, list[str]] = {}
    files: dict[str, Any] = {}
    for field in fields:
        if field in FILE_FIELDS and draw(st.booleans()):
            files[field] = ("x.xml", draw(FILES), draw(st.sampled_from(["text/xml", "application/pdf", ""])))
            continue
        count = draw(st.sampled_from([0, 1, 1, 1, 2]))
        if count:
            data[field] = [draw(text_values(ids)) for _ in range(count)]
    return data, files


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


@pytest.fixture
def everyone(make_member):
    """Admin, treasurer and board at once, and a member on the board (chair), so that every form reaches its
    handler."""
    return make_member(Role.admin, Role.treasurer, Role.board)


@pytest.fixture
def world(
    browser_client, session, everyone, make_member, make_user, seller, library, rulebook, clock
) -> World:
    """The rows the addresses name: commissions (a draft of hers, one handed in, one invoiced), an invoice, a
    bank entry, meetings (one planned with a proposal and her motion, one in session with an open vote), an
    e-mail and a job; and she is signed in."""
    session.add(
        BoardAssignment(member_id=everyone.member.id, role=BoardRole.chair, term_from=date(2025, 5, 1))
    )
    worker = make_member()
    other = make_user(Role.treasurer)
    draft = billing.commission(session, everyone.member, library, status=AssignmentStatus.draft)
    submitted = billing.commission(session, worker.member, library)
    approved = billing.commission(session, worker.member, library, status=AssignmentStatus.approved)
    invoice = billing.issue(session, approved, other)
    entry = billing.unmatched(session, other)
    planned = meetings_service.create_meeting(
        session, kind=MeetingKind.ANNUAL, title="Årsmöte", held_on=MEETING_DAY, location="Kulturgatan 7"
    )
    item = meetings_service.add_agenda_item(
        session, meeting=planned, data=AgendaItemCreate(kind="board_proposal", title="Budget", text="Förslag")
    )
    motion = meetings_service.submit_motion(
        session,
        meeting=planned,
        member=everyone.member,
        data=MotionCreate(title="Lokal", text="Ny"),
        today=TODAY,
    )
    in_session = meetings_service.create_meeting(
        session, kind=MeetingKind.EXTRA, title="Extra stämma", held_on=TODAY, location="Kulturgatan 7"
    )
    meetings_service.give_notice(
        session, meeting=in_session, text="Välkomna", today=TODAY - timedelta(days=30)
    )
    meetings_service.open_meeting(session, meeting=in_session, override_reason=None, now=NOW)
    meetings_service.register_attendance(session, meeting=in_session, member_id=everyone.member.id)
    mail = office_words._mail(session, 1)
    job = office_words._job(session, "send_mail", {"mail_id": mail.id})
    session.flush()
    sign_in(browser_client, everyone.user.email)
    page = f"/meetings/{in_session.id}/votes/new"
    opened = browser_client.post(
        page,
        data={
            "method": "open",
            "question": "Sommarfest?",
            "decision_kind": "ordinary",
            "csrf_token": form_token(browser_client.get(page).text),
        },
    )
    assert opened.status_code == 303, opened.text[:500]
    vote_id = opened.headers["location"].rsplit("/", 1)[1]
    return World(
        ids={
            "assignment_id": [str(draft.id), str(submitted.id)],
            "expense_id": [str(draft.expenses[0].id)],
            "invoice_id": [str(invoice.id)],
            "entry_id": [str(entry.id)],
            "client_id": [str(library.id)],
            "member_id": [str(worker.member.id)],
            "user_id": [str(worker.user.id)],
            "meeting_id": [str(planned.id), str(in_session.id)],
            "item_id": [str(item.id), str(motion.id)],
            "mail_id": [str(mail.id)],
            "job_id": [str(job.id)],
            "vote_id": [vote_id],
            "key": sorted({str(spec.kind): spec.key for spec in CATALOG.values()}.values()),
            "slug": sorted(default_bank())[:2],
        },
        named={"assignment_id": str(approved.id)},
    )


class RecordingForm(FormData):
    """A posted form that notes every field a handler asks it for."""

    asked: set[str] | None = None

    def _note(self, key: object) -> None:
        if RecordingForm.asked is not None and isinstance(key, str):
            RecordingForm.asked.add(key)

    def get(self, key: Any, default: Any = None) -> Any:
        self._note(key)
        return super().get(key, default)

    def getlist(self, key: Any) -> list[Any]:
        self._note(key)
        return super().getlist(key)

    def __getitem__(self, key: Any) -> Any:
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key: Any) -> bool:
        self._note(key)
        return super().__contains__(key)


@contextmanager
def recording(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    asked: set[str] = set()
    monkeypatch.setattr(forms, "FormData", RecordingForm)
    RecordingForm.asked = asked
    try:
        yield asked
    finally:
        RecordingForm.asked = None


class Browser:
    """The signed-in person's browser: signs in again whenever a posted form signed her out."""

    def __init__(self, client: TestClient, email: str) -> None:
        self.client = client
        self.email = email

    def token(self) -> str:
        home = self.client.get("/me")
        if home.status_code != 200:
            self.client.cookies.clear()
            sign_in(self.client, self.email)
            home = self.client.get("/me")
        return form_token(home.text)


def address(route: APIRoute, values: dict[str, str]) -> str:
    path = route.path
    for name, value in values.items():
        path = path.replace(f"{{{name}}}", value).replace(f"{{{name}:int}}", value)
    return path


def parameters(route: APIRoute) -> list[str]:
    return [param.name for param in route.dependant.path_params]


def cases() -> Iterator[Any]:
    for route in POSTED:
        yield pytest.param(route, id=route.path)


def ids_of(kind: str, world: World, name: str) -> list[str]:
    """Real rows' ids (none where making one is out of reach: a payroll run, minutes, a proposal), or an id
    of no row and one beyond any id (a name, for a parameter's key and an article's slug)."""
    if kind == "absent":
        return ["987654321", "9" * 25] if name not in ("key", "slug") else ["finns-inte", "x" * 10_000]
    return world.ids.get(name, ["987654321"])


def is_a_page(answer) -> bool:
    kind = answer.headers.get("content-type", "")
    return kind.startswith("text/html") and not answer.text.lstrip().startswith("{")


@pytest.mark.slow
@pytest.mark.parametrize("route", list(cases()))
def test_a_form_with_anything_in_it_gets_a_page_never_a_server_error(
    browser_client: TestClient,
    everyone,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    route: APIRoute,
) -> None:
    browser = Browser(browser_client, everyone.user.email)
    names = parameters(route)
    real = {name: ids_of("real", world, name)[0] for name in names}
    with recording(monkeypatch) as asked:
        probe = browser_client.post(address(route, real), data={"csrf_token": browser.token()})
        named = {field: world.named[field] for field in asked if field in world.named}
        if named:
            browser_client.post(address(route, real), data={**named, "csrf_token": browser.token()})
    assert probe.status_code < 500, probe.text[:500]
    fields = sorted((asked | set(ROW_FIELDS.get(route.path, ()))) - {CSRF_FIELD})
    # The address names a real row (mostly), none, or one beyond any id, drawn anew for each form: one world
    # per route, since building it (an issued invoice among its rows) costs more than the forms posted to it.
    path_values = st.fixed_dictionaries(
        {
            name: st.sampled_from(3 * ids_of("real", world, name) + ids_of("absent", world, name))
            for name in names
        }
    )

    @given(path=path_values, form=forms_for(fields, world.every_id()))
    @settings(
        max_examples=10,  # about 750 forms a run, in CI on each database
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def posted(path: dict[str, str], form: tuple[dict[str, list[str]], dict[str, Any]]) -> None:
        data, files = form
        url = address(route, path)
        answer = browser_client.post(url, data={**data, "csrf_token": browser.token()}, files=files or None)
        assert answer.status_code < 500, f"{url} {data!r:.300} -> {answer.text[:800]}"
        if answer.status_code not in (301, 302, 303, 307) and "attachment" not in answer.headers.get(
            "content-disposition", ""
        ):
            assert is_a_page(answer), f"{url} {data!r:.300} -> {answer.headers} {answer.text[:300]}"

    posted()


def test_every_posted_form_is_swept() -> None:
    assert len(POSTED) > 70
    assert {route.path for route in POSTED} >= set(ROW_FIELDS)
