"""A planned meeting's start time changed over the API: in the audit chain every time, told by e-mail to those
the notice went to once it has gone out (queued with the change, sent after the commit, never for a change
that was rolled back) and those it cannot reach for having no address counted
(``time_change_without_address``), nothing at all for the time it already has, and the refusals as before."""

from __future__ import annotations

from datetime import date, time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kooperativet.config import Settings
from kooperativet.db import transaction
from kooperativet.errors import RuleViolation
from kooperativet.governance import start_time
from kooperativet.governance.models import Meeting
from kooperativet.jobs.models import Job
from kooperativet.mail import recipient
from kooperativet.mail.models import MailState, OutgoingMail
from kooperativet.mail.outbox import compose
from kooperativet.parties.models import Member
from tests.governance.conftest import NOW, Assembly
from tests.governance.test_meetings_api import API, open_meeting_with_everyone, plan_meeting
from tests.governance.test_minutes import events
from tests.mailbox import Mailbox

NBSP = "\N{NO-BREAK SPACE}"
TEMPLATE = "meeting_time_changed"


def move(api: TestClient, assembly: Assembly, meeting_id: int, starts_at: str | None, *, headers=None):
    return api.put(
        f"{API}/meetings/{meeting_id}/starts-at",
        json={"starts_at": starts_at},
        headers=headers or assembly.officer.headers,
    )


def notice(api: TestClient, assembly: Assembly, meeting_id: int) -> None:
    sent = api.post(
        f"{API}/meetings/{meeting_id}/notice", json={"text": "Välkomna"}, headers=assembly.officer.headers
    )
    assert sent.status_code == 200, sent.text


def time_mails(session: Session) -> list[OutgoingMail]:
    query = select(OutgoingMail).where(OutgoingMail.template == TEMPLATE).order_by(OutgoingMail.id)
    return list(session.scalars(query))


# --- before the notice: recorded, nobody told ---------------------------------------------------------------


def test_a_time_changed_before_the_notice_is_audited_and_tells_nobody(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting_id = plan_meeting(api, assembly, starts_at="18:00")
    moved = move(api, assembly, meeting_id, "18:30")
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["starts_at"] == "18:30"
    assert (body["time_changed_at"], body["time_changed_from"], body["time_change_mail_status"]) == (
        None,
        None,
        None,
    )
    assert body["time_change_without_address"] is None
    assert time_mails(session) == []
    assert events(session, "meeting_time_changed") == [
        {
            "meeting_id": meeting_id,
            "held_on": "2026-12-20",
            "old": "18:00",
            "new": "18:30",
            "by_user_id": assembly.officer.user.id,
            "noticed_on": None,
            "members_told": None,
        }
    ]


# --- after the notice: each member the notice went to gets the new time ------------------------------------


def test_a_time_changed_after_the_notice_is_queued_to_each_member_the_notice_went_to(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting_id = plan_meeting(api, assembly, starts_at="18:00")
    notice(api, assembly, meeting_id)
    noticed = session.scalars(select(OutgoingMail).where(OutgoingMail.template == "meeting_notice")).all()

    moved = move(api, assembly, meeting_id, "18:30")
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["starts_at"] == "18:30"
    assert body["time_changed_from"] == "18:00"
    assert body["time_change_mail_status"] == "queued"
    assert body["time_change_mail_detail"] == f"queued for {len(noticed)} member(s)"
    assert body["time_change_without_address"] == 0
    assert body["time_changed_at"].startswith("2026-11-20T18:00")

    mails = time_mails(session)
    # The same people as the notice, one message each, in the outbox for the worker to send after the commit.
    assert sorted(m.to_addresses[0] for m in mails) == sorted(m.to_addresses[0] for m in noticed)
    members = session.scalars(select(Member).where(Member.id.in_(assembly.ids()))).all()
    assert {m.to_addresses[0] for m in mails} == {recipient(m.full_name, m.email or "") for m in members}
    assert all(m.state == MailState.queued and m.sent_at is None for m in mails)
    # Each is greeted by her first name, as every other e-mail greets a member; the header has her full name.
    greetings = {recipient(m.full_name, m.email or ""): f"Hej {m.first_name}!" for m in members}
    assert all(m.text_body.startswith(greetings[m.to_addresses[0]]) for m in mails)
    jobs = session.scalars(select(Job.key).where(Job.key.in_([f"mail:{m.id}" for m in mails]))).all()
    assert sorted(jobs) == sorted(f"mail:{m.id}" for m in mails)
    for mail in mails:
        assert mail.subject == "Ny tid för Årsmöte 2026: 20 december 2026 kl. 18.30"
        assert f"börjar kl.{NBSP}18.30 i stället för kl.{NBSP}18.00." in mail.text_body

    [event] = events(session, "meeting_time_changed")
    assert event["old"] == "18:00"
    assert event["new"] == "18:30"
    assert event["noticed_on"] == "2026-11-20"
    assert event["members_told"] == len(mails)
    assert event["by_user_id"] == assembly.officer.user.id


def test_the_same_time_again_changes_nothing_records_nothing_and_tells_nobody(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting_id = plan_meeting(api, assembly, starts_at="18:30")
    notice(api, assembly, meeting_id)
    version = session.get(Meeting, meeting_id).version
    again = move(api, assembly, meeting_id, "18:30")
    assert again.status_code == 200, again.text
    assert again.json()["version"] == version
    assert again.json()["time_changed_at"] is None
    assert time_mails(session) == []
    assert events(session, "meeting_time_changed") == []


def test_a_second_change_tells_the_time_it_replaces_and_a_new_notice_clears_the_record(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting_id = plan_meeting(api, assembly, starts_at="18:00")
    notice(api, assembly, meeting_id)
    assert move(api, assembly, meeting_id, "18:30").status_code == 200
    second = move(api, assembly, meeting_id, "19:00").json()
    assert (second["time_changed_from"], second["starts_at"]) == ("18:30", "19:00")
    last = time_mails(session)[-1]
    assert f"börjar kl.{NBSP}19.00 i stället för kl.{NBSP}18.30." in last.text_body
    assert [(e["old"], e["new"]) for e in events(session, "meeting_time_changed")] == [
        ("18:00", "18:30"),
        ("18:30", "19:00"),
    ]
    # A notice sent again names 19.00 itself: the change is told by it.
    notice(api, assembly, meeting_id)
    again = api.get(f"{API}/meetings/{meeting_id}", headers=assembly.officer.headers).json()
    assert (again["time_changed_at"], again["time_changed_from"], again["time_change_mail_status"]) == (
        None,
        None,
        None,
    )
    assert again["time_change_without_address"] is None
    # The counts go with the change they counted.
    stored = session.get_one(Meeting, meeting_id)
    session.refresh(stored)
    assert (stored.time_change_mail_queued, stored.time_change_without_address) == (None, None)


def test_a_time_removed_after_the_notice_tells_the_members_the_time_is_to_follow(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting_id = plan_meeting(api, assembly, starts_at="18:00")
    notice(api, assembly, meeting_id)
    cleared = move(api, assembly, meeting_id, None)
    assert (cleared.status_code, cleared.json()["starts_at"]) == (200, None)
    mails = time_mails(session)
    assert mails
    assert mails[0].subject == "Ny tid för Årsmöte 2026: 20 december 2026, tid meddelas senare"
    assert f"när det börjar är inte bestämt (tidigare kl.{NBSP}18.00)" in mails[0].text_body


def test_nobody_with_an_address_is_recorded_as_no_recipients(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting_id = plan_meeting(api, assembly, starts_at="18:00")
    notice(api, assembly, meeting_id)
    # Neither on their records nor on a login (an address on the login alone is reached, as every message is).
    for member in session.scalars(select(Member)):
        member.email = None
        member.user_id = None
    session.flush()
    moved = move(api, assembly, meeting_id, "18:30").json()
    assert (moved["time_change_mail_status"], moved["starts_at"]) == ("no_recipients", "18:30")
    # Every one of them is counted as left out, for the board to tell another way.
    assert moved["time_change_without_address"] == len(assembly.members)
    assert time_mails(session) == []
    assert events(session, "meeting_time_changed")[0]["members_told"] == 0


def test_a_member_with_no_address_anywhere_is_counted_as_not_told_the_new_time(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting_id = plan_meeting(api, assembly, starts_at="18:00")
    notice(api, assembly, meeting_id)
    # She lost her address after the notice, and has no login: the e-mail with the new time cannot reach her.
    unreachable = assembly.members[4].member
    unreachable.email = None
    unreachable.user_id = None
    session.flush()

    moved = move(api, assembly, meeting_id, "18:30").json()

    told = len(assembly.members) - 1
    assert (moved["time_change_mail_status"], moved["time_change_without_address"]) == ("queued", 1)
    # The detail's words stay as they were; the count is a number of its own, not read out of them.
    assert moved["time_change_mail_detail"] == f"queued for {told} member(s)"
    stored = session.get_one(Meeting, meeting_id)
    session.refresh(stored)
    assert (stored.time_change_mail_queued, stored.time_change_without_address) == (told, 1)
    assert len(time_mails(session)) == told
    read = api.get(f"{API}/meetings/{meeting_id}", headers=assembly.officer.headers).json()
    assert read["time_change_without_address"] == 1


# --- nothing before the commit ------------------------------------------------------------------------------


def test_a_change_that_is_rolled_back_leaves_no_mail_and_the_old_time(
    api: TestClient, assembly: Assembly, session: Session, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The e-mail is queued before the audit event is appended; when that fails the request rolls back,
    and the messages with it: no message for a time the meeting does not have."""
    meeting_id = plan_meeting(api, assembly, starts_at="18:00")
    notice(api, assembly, meeting_id)

    def refusing(*args, **kwargs) -> None:
        raise RuleViolation("refused for the test", code="refused_for_the_test")

    monkeypatch.setattr(start_time, "append_event", refusing)
    refused = move(api, assembly, meeting_id, "18:30")
    assert (refused.status_code, refused.json()["code"]) == (422, "refused_for_the_test")
    assert session.scalar(select(func.count(OutgoingMail.id)).where(OutgoingMail.template == TEMPLATE)) == 0
    session.expire_all()
    meeting = session.get(Meeting, meeting_id)
    assert (meeting.starts_at, meeting.time_changed_at) == (time(18, 0), None)


def test_the_new_time_reaches_the_mail_server_only_after_the_commit(
    session: Session,
    session_factory: sessionmaker[Session],
    settings: Settings,
    mailbox: Mailbox,
    api: TestClient,
    assembly: Assembly,
    clock,
) -> None:
    from kooperativet.jobs.runner import run_inline

    meeting_id = plan_meeting(api, assembly, starts_at="18:00")
    notice(api, assembly, meeting_id)
    session.commit()  # the planned, noticed meeting, for the sessions below
    mailbox.clear()
    run_inline(session_factory, settings)
    with transaction(session_factory) as inner:
        meeting = inner.get(Meeting, meeting_id)
        assert meeting is not None
        changed = start_time.change_start_time(
            inner,
            meeting=meeting,
            starts_at=time(18, 30),
            by_user_id=assembly.officer.user.id,
            now=NOW,
            settings=settings,
        )
        assert changed
        inner.flush()
        assert mailbox.messages == []  # queued, not sent: nothing leaves before the commit
    member = assembly.members[3].member
    [arrived] = mailbox.to(member.email)
    assert arrived["Subject"] == "Ny tid för Årsmöte 2026: 20 december 2026 kl. 18.30"
    assert "i stället för kl." in arrived.get_body(("plain",)).get_content()


# --- refusals as before -------------------------------------------------------------------------------------


def test_an_open_meeting_keeps_its_time_and_nobody_is_told(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting_id = open_meeting_with_everyone(api, assembly, clock, starts_at="18:30")
    refused = move(api, assembly, meeting_id, "20:00")
    assert (refused.status_code, refused.json()["code"]) == (409, "meeting_open")
    # The same time is refused too: an open meeting's time is not the board's to set any more.
    same = move(api, assembly, meeting_id, "18:30")
    assert (same.status_code, same.json()["code"]) == (409, "meeting_open")
    assert time_mails(session) == []
    assert events(session, "meeting_time_changed") == []


@pytest.mark.parametrize("written", ["18.30", "24:00", "6:30", ""])
def test_a_time_not_written_hh_mm_is_a_422_and_changes_nothing(
    api: TestClient, assembly: Assembly, session: Session, clock, written: str
) -> None:
    meeting_id = plan_meeting(api, assembly, starts_at="18:00")
    notice(api, assembly, meeting_id)
    refused = move(api, assembly, meeting_id, written)
    assert refused.status_code == 422, refused.text
    assert "starts_at" in refused.text
    assert time_mails(session) == []
    assert events(session, "meeting_time_changed") == []


def test_a_member_who_does_not_run_meetings_cannot_change_it(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting_id = plan_meeting(api, assembly, starts_at="18:00")
    notice(api, assembly, meeting_id)
    refused = move(api, assembly, meeting_id, "18:30", headers=assembly.members[-1].headers)
    assert refused.status_code == 403
    assert session.get(Meeting, meeting_id).starts_at == time(18, 0)
    assert time_mails(session) == []


# --- the e-mail's text --------------------------------------------------------------------------------------

CONTEXT = {
    "cooperative": "Interim kultur",
    "name": "Åsa Öberg",
    "title": "Årsmöte 2027",
    "held_on": date(2027, 3, 20),
    "starts_at": time(18, 30),
    "before": time(18, 0),
    "location": "Kulturhuset, Storgatan 1",
}


def test_the_email_says_the_day_the_new_and_the_old_time_and_the_place_in_swedish() -> None:
    subject, text, html = compose(TEMPLATE, "sv", CONTEXT)
    assert subject == "Ny tid för Årsmöte 2027: 20 mars 2027 kl. 18.30"
    assert text.startswith("Hej Åsa Öberg!\n\n")
    assert (
        f"Styrelsen har ändrat tiden för Årsmöte 2027: mötet den 20 mars 2027 börjar kl.{NBSP}18.30 "
        f"i stället för kl.{NBSP}18.00." in text
    )
    assert "Plats: Kulturhuset, Storgatan 1" in text
    assert "Dagen är densamma som i kallelsen" in text
    assert html is not None
    assert '<html lang="sv">' in html
    assert f">20 mars 2027 kl.{NBSP}18.30, Kulturhuset, Storgatan 1</p>" in html
    assert f"<strong>kl.{NBSP}18.30</strong> i stället för kl.{NBSP}18.00." in html


def test_the_email_without_an_old_time_or_a_place_and_in_english() -> None:
    _subject, text, html = compose(TEMPLATE, "sv", {**CONTEXT, "before": None, "location": None})
    assert f"mötet den 20 mars 2027 börjar kl.{NBSP}18.30.\n" in text
    assert "i stället för" not in text + (html or "")
    assert "Plats" not in text + (html or "")

    subject, text, _html = compose(TEMPLATE, "en", CONTEXT)
    assert subject == "New time for Årsmöte 2027: 20 March 2027, 18:30"
    assert "the meeting on 20 March 2027 starts at 18:30 instead of 18:00." in text
    assert "Place: Kulturhuset, Storgatan 1" in text


def test_the_email_escapes_what_the_board_wrote() -> None:
    _subject, _text, html = compose(TEMPLATE, "sv", {**CONTEXT, "title": "<b>Möte</b>", "location": "A & B"})
    assert html is not None
    assert "<b>Möte</b>" not in html
    assert "&lt;b&gt;Möte&lt;/b&gt;" in html
    assert "A &amp; B" in html
