"""What the sweeps of the web interface share (``test_form_fuzzing``, ``test_query_fuzzing``): the values a
person could type or a tampered address or form could hold, the signed-in person who reaches every page, the
real rows the addresses name, and how an answer is judged a page."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from fastapi.routing import APIRoute
from hypothesis import strategies as st

from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.auth.models import Role
from kooperativet.governance import meetings as meetings_service
from kooperativet.governance.models import BoardAssignment, BoardRole
from kooperativet.governance.rules.terms import MeetingKind
from kooperativet.governance.schemas.meetings import AgendaItemCreate, MotionCreate
from kooperativet.knowledge.bank import default_bank
from kooperativet.parameters.catalog import CATALOG
from tests.governance import conftest as governance
from tests.governance.conftest import MEETING_DAY, NOW, TODAY
from tests.web import test_office_billing as billing
from tests.web import test_office_words as office_words
from tests.web.conftest import form_token, sign_in

seller = billing.seller
library = billing.library
rulebook = governance.rulebook
clock = governance.clock

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


def is_a_page(answer) -> bool:
    kind = answer.headers.get("content-type", "")
    return kind.startswith("text/html") and not answer.text.lstrip().startswith("{")


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
