"""A statute change at two consecutive general meetings, in a real browser at desktop and phone width: the
agenda-item form's list of open first adoptions (title and day, no ids), a different proposal refused by
its field in Swedish, the meeting page's readings. Its own demo database, since it adds a rulebook (from
2090, with ``meetings: 2``) that the other browser tests should not meet."""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet import encryption
from kooperativet.auth.models import User
from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.demo import DEMO_AUDIT_KEY, run_demo
from kooperativet.governance import meetings, results, rulebooks, votes
from kooperativet.governance.models import AgendaItem, AgendaItemKind, Meeting, VoteMethod
from kooperativet.governance.rules.rulebook import Majority, Rulebook, default_rulebook
from kooperativet.governance.rules.terms import Choice, DecisionKind, MeetingKind
from kooperativet.governance.schemas.meetings import AgendaItemCreate
from kooperativet.governance.schemas.rulebooks import RulebookCreate, RulebookFields
from kooperativet.governance.schemas.votes import BallotCreate, VoteCreate
from kooperativet.parties.models import Member
from tests.browser.conftest import (
    DEMO_TODAY,
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_fits_the_screen,
    screenshot,
    serving,
    sign_in,
)
from tests.conftest import TEST_DATABASE_ENV, throwaway_postgres_database

CHAIR = "ordforande@interimkultur.example.se"
PROPOSAL = "§ 4 ska lyda: Medlemsavgiften är 100 kr om året."
FIRST_DAY = date(2090, 3, 1)
SECOND_DAY = date(2090, 6, 1)


def _first_adoption(url: str) -> int:
    """From 2090 the statutes have two meetings adopt a statute change; a general meeting on 1 March 2090
    adopts one in a first reading, and the annual meeting of 1 June 2090 is planned. The latter's id."""
    rules = replace_statute_change(default_rulebook())
    engine = make_engine(url)
    opens = datetime(2090, 3, 1, 17, 0, tzinfo=UTC)
    factory = make_session_factory(engine, audit_key=DEMO_AUDIT_KEY, clock=lambda: opens)
    try:
        with transaction(factory) as session:
            rulebooks.add_rulebook(
                session,
                data=RulebookCreate(
                    valid_from=date(2090, 1, 1),
                    source="stadgar § 12",
                    rules=RulebookFields.from_rulebook(rules),
                ),
            )
            first = meetings.create_meeting(
                session, kind=MeetingKind.EXTRA, title="Extra stämma 2090", held_on=FIRST_DAY, location=None
            )
            data = AgendaItemCreate(
                kind=AgendaItemKind.board_proposal,
                title="Ny lydelse av § 4",
                text=PROPOSAL,
                statute_change=True,
            )
            item = meetings.add_agenda_item(session, meeting=first, data=data)
            # A bare majority: more than half, less than two thirds.
            _hold_the_vote(
                session,
                first,
                item.id,
                "Ändras § 4?",
                opens=opens,
                seed=1,
                yes=lambda index, n: index <= n // 2,
            )
            meetings.close_meeting(session, meeting=first, now=opens)
            second = meetings.create_meeting(
                session,
                kind=MeetingKind.ANNUAL,
                title="Årsmöte 2090",
                held_on=SECOND_DAY,
                location="Kulturgatan 7",
            )
            return second.id
    finally:
        engine.dispose()


def _hold_the_vote(
    session: Session,
    meeting: Meeting,
    item_id: int,
    question: str,
    *,
    opens: datetime,
    seed: int,
    yes: Callable[[int, int], bool],
) -> None:
    """Notice ``meeting`` 30 days ahead, open it with every current member present, put ``question`` on the
    statute change under ``item_id`` to an open vote, let member number ``index`` of ``n`` vote yes where
    ``yes(index, n)`` (no otherwise), and close the vote."""
    meetings.give_notice(
        session, meeting=meeting, text="Välkomna", today=meeting.held_on - timedelta(days=30)
    )
    meetings.open_meeting(session, meeting=meeting, override_reason=None, now=opens)
    members = [
        m for m in session.scalars(select(Member).order_by(Member.id)) if m.is_current_on(meeting.held_on)
    ]
    for member in members:
        meetings.register_attendance(session, meeting=meeting, member_id=member.id)
    data = VoteCreate(
        method=VoteMethod.open,
        question=question,
        decision_kind=DecisionKind.STATUTE_CHANGE,
        agenda_item_id=item_id,
    )
    rng = random.Random(seed)
    vote = votes.open_vote(session, meeting=meeting, data=data, now=opens, tally_key_bits=512, rng=rng)
    for index, member in enumerate(members):
        ballot = BallotCreate(choice=Choice.YES if yes(index, len(members)) else Choice.NO)
        votes.cast_vote(session, vote=vote, caster=member, data=ballot, now=opens, rng=rng)
    actor = session.scalars(select(User).order_by(User.id)).first()
    assert actor is not None
    results.close_vote(
        session, vote=vote, chair_casting_vote=None, now=opens, lot_seed=1, shuffle_seed=1, actor=actor
    )


def replace_statute_change(rules: Rulebook) -> Rulebook:
    return replace(rules, statute_change=Majority(share=Fraction(2, 3), at_least=True, meetings=2))


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("browser-statutes")
    server_url = os.environ.get(TEST_DATABASE_ENV)
    if server_url:
        with throwaway_postgres_database(server_url) as url:
            run_demo(out=out, today=DEMO_TODAY, database_url=url, keyring=encryption.current())
            yield url
        return
    run_demo(out=out, today=DEMO_TODAY, keyring=encryption.current())
    yield f"sqlite:///{(out / 'demo.sqlite3').resolve()}"


@pytest.fixture(scope="module")
def second_meeting(demo_database: str) -> int:
    with encryption.using(encryption.current()):
        return _first_adoption(demo_database)


@pytest.fixture(scope="module")
def live_url(
    demo_database: str, second_meeting: int, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with serving(demo_database, tmp_path_factory.mktemp("browser-statutes-data")) as url:
        yield url


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_board_confirms_a_first_adoption_from_the_list(
    browser: Browser, live_url: str, second_meeting: int, viewport: dict[str, int]
) -> None:
    context = browser.new_context(base_url=live_url, viewport=viewport, locale="sv-SE")
    page: Page = context.new_page()
    page.set_default_timeout(15_000)
    width = "phone" if viewport is PHONE else "desktop"
    try:
        sign_in(page, CHAIR)
        page.goto(f"/meetings/{second_meeting}/items")
        chosen = page.get_by_label("Bekräftar en första behandling")
        expect(chosen).to_be_visible()
        options = chosen.locator("option").all_inner_texts()
        assert options[1:] == ["Ny lydelse av § 4, antogs första gången 2090-03-01"]
        page.get_by_label("Rubrik").fill("Ny lydelse av § 4")
        page.get_by_label("Förslag eller bakgrund").fill("§ 4 ska lyda: Avgiften är 200 kr.")
        page.get_by_label("Punkten ändrar stadgarna").check()
        chosen.select_option(label="Ny lydelse av § 4, antogs första gången 2090-03-01")
        page.get_by_role("button", name="Lägg till punkten").click()
        error = page.locator("#e-text")
        expect(error).to_contain_text("Förslaget måste vara ordagrant det som den första stämman antog.")
        assert_fits_the_screen(page)
        assert_accessible(page)
        screenshot(page, f"statute-confirmation-refused-{width}")
        if viewport is DESKTOP:
            page.get_by_label("Förslag eller bakgrund").fill("")
            page.get_by_role("button", name="Lägg till punkten").click()
            expect(page.get_by_text("andra behandlingen, antogs första gången 2090-03-01")).to_be_visible()
        page.goto(f"/meetings/{second_meeting}")
        screenshot(page, f"statute-second-reading-{width}")
        page.goto(f"/meetings/{second_meeting - 1}")
        expect(page.get_by_text("Förslaget antogs i första behandlingen.")).to_be_visible()
        assert_fits_the_screen(page)
        screenshot(page, f"statute-first-reading-{width}")
        page.get_by_role("link", name="Ändras § 4?").click()
        expect(page.get_by_text("Förslaget antogs i första behandlingen.")).to_be_visible()
        assert_fits_the_screen(page)
        screenshot(page, f"statute-first-reading-vote-{width}")
    finally:
        context.close()


def _confirm(url: str, second_meeting: int) -> None:
    """The annual meeting of 1 June 2090 confirms the first adoption with every member voting yes, under the
    item that names it (the one the desktop test added from the list, or a new one)."""
    engine = make_engine(url)
    opens = datetime(2090, 6, 1, 16, 0, tzinfo=UTC)
    factory = make_session_factory(engine, audit_key=DEMO_AUDIT_KEY, clock=lambda: opens)
    try:
        with transaction(factory) as session:
            second = meetings.get_meeting(session, meeting_id=second_meeting)
            first_item = session.scalars(
                select(AgendaItem.id).where(AgendaItem.meeting_id == second_meeting - 1)
            ).one()
            item = next((i for i in second.items if i.confirms_item_id == first_item), None)
            if item is None:
                data = AgendaItemCreate(
                    kind=AgendaItemKind.board_proposal,
                    title="Ny lydelse av § 4",
                    text=PROPOSAL,
                    statute_change=True,
                    confirms_item_id=first_item,
                )
                item = meetings.add_agenda_item(session, meeting=second, data=data)
            _hold_the_vote(
                session,
                second,
                item.id,
                "Bekräftas ändringen av § 4?",
                opens=opens,
                seed=2,
                yes=lambda *_: True,
            )
    finally:
        engine.dispose()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_confirmed_first_adoption_says_by_which_meeting_and_from_when(
    browser: Browser, live_url: str, demo_database: str, second_meeting: int, viewport: dict[str, int]
) -> None:
    """Once the next general meeting has confirmed it, the first adoption's pages stop waiting for it: they
    name the meeting and item that confirmed it and the day the statutes changed."""
    if viewport is DESKTOP:
        with encryption.using(encryption.current()):
            _confirm(demo_database, second_meeting)
    context = browser.new_context(base_url=live_url, viewport=viewport, locale="sv-SE")
    page: Page = context.new_page()
    page.set_default_timeout(15_000)
    width = "phone" if viewport is PHONE else "desktop"
    confirmed = "Årsmöte 2090 den 2090-06-01 bekräftade ändringen under punkten ”§ 1 Ny lydelse av § 4”"
    try:
        sign_in(page, CHAIR)
        page.goto(f"/meetings/{second_meeting - 1}")
        expect(page.get_by_text("Förslaget antogs i första behandlingen och har bekräftats.")).to_be_visible()
        expect(page.get_by_text(confirmed)).to_be_visible()
        expect(page.get_by_text("stadgarna är ändrade från och med 2090-06-01")).to_be_visible()
        expect(page.get_by_text("Ändringen gäller när nästa")).to_have_count(0)
        assert_fits_the_screen(page)
        assert_accessible(page)
        screenshot(page, f"statute-first-reading-confirmed-{width}")
        page.get_by_role("link", name="Ändras § 4?").click()
        expect(page.get_by_text("Förslaget antogs i första behandlingen och har bekräftats.")).to_be_visible()
        expect(page.get_by_text(confirmed)).to_be_visible()
        expect(page.get_by_text("Ändringen gäller när nästa")).to_have_count(0)
        assert_fits_the_screen(page)
        assert_accessible(page)
        screenshot(page, f"statute-first-reading-vote-confirmed-{width}")
        page.get_by_role("link", name="Omröstningen som bekräftade ändringen").click()
        expect(page.get_by_text("Beslutat i andra behandlingen: stadgarna är ändrade.")).to_be_visible()
    finally:
        context.close()
