"""What the meeting pages' exploratory QA found, over the API: a notice too early, a vote nobody may vote
in and a meeting planned for a day that has passed are refused before anything is stored; an item made for a
vote is what the vote is; with no mail server nothing is queued and the answer says so; the e-mails link the
meeting's page."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.config import Settings
from kooperativet.governance.models import AgendaItem, AgendaItemKind, Meeting, Vote
from kooperativet.governance.standard_agenda import STANDARD_ITEMS
from kooperativet.mail.models import OutgoingMail
from tests.governance.conftest import MEETING_DAY, TELLERS_PASSPHRASE, TODAY, Assembly
from tests.governance.test_meetings_api import API, open_meeting_with_everyone, plan_meeting

#: An annual meeting about fifteen weeks ahead: the rulebook's window opens six weeks before it.
FAR_AHEAD = TODAY + timedelta(weeks=15)


def _mails(session: Session, template: str) -> list[OutgoingMail]:
    return list(session.scalars(select(OutgoingMail).where(OutgoingMail.template == template)))


# --- a notice earlier than the rulebook allows --------------------------------------------------------------


def test_a_notice_earlier_than_the_rulebook_allows_is_refused_naming_its_first_day(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting_id = plan_meeting(api, assembly, held_on=FAR_AHEAD)
    headers = assembly.officer.headers

    refused = api.post(f"{API}/meetings/{meeting_id}/notice", json={"text": "Kallelse"}, headers=headers)

    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["type"] == "urn:kooperativet:problem:notice_too_early"
    assert problem["code"] == "notice_too_early"
    assert refused.headers["content-type"].startswith("application/problem+json")
    first_day = FAR_AHEAD - timedelta(weeks=6)
    assert (problem["earliest"], problem["latest"]) == (
        first_day.isoformat(),
        (FAR_AHEAD - timedelta(weeks=4)).isoformat(),
    )
    # Nothing recorded, nothing queued.
    meeting = session.get_one(Meeting, meeting_id)
    session.refresh(meeting)
    assert (meeting.noticed_on, meeting.notice_text, meeting.notice_mail_status) == (None, None, None)
    assert _mails(session, "meeting_notice") == []

    # On its first day it goes out, in time.
    clock["now"] += first_day - TODAY
    sent = api.post(f"{API}/meetings/{meeting_id}/notice", json={"text": "Kallelse"}, headers=headers)
    assert sent.status_code == 200, sent.text
    assert (sent.json()["ok"], sent.json()["noticed_on"]) == (True, first_day.isoformat())


def test_a_notice_later_than_the_rulebook_allows_is_still_recorded(
    api: TestClient, assembly: Assembly, clock
) -> None:
    """As before: a late notice has gone out; opening the meeting then needs a recorded reason."""
    meeting_id = plan_meeting(api, assembly, held_on=TODAY + timedelta(days=10))
    late = api.post(
        f"{API}/meetings/{meeting_id}/notice", json={"text": "Kallelse"}, headers=assembly.officer.headers
    )
    assert (late.status_code, late.json()["problem"]) == (200, "too_late")


# --- a vote nobody may vote in ------------------------------------------------------------------------------


def test_a_vote_with_every_member_present_disqualified_is_refused_by_the_field(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    items_before = session.scalar(
        select(func.count(AgendaItem.id)).where(AgendaItem.meeting_id == meeting_id)
    )
    body = {
        "method": "open",
        "question": "Ansvarsfrihet för styrelsen?",
        "excluded_member_ids": assembly.ids(),
    }

    refused = api.post(f"{API}/meetings/{meeting_id}/votes", json=body, headers=assembly.officer.headers)

    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "nobody_entitled_to_vote"
    assert refused.json()["type"] == "urn:kooperativet:problem:nobody_entitled_to_vote"
    assert refused.json()["field"] == "excluded_member_ids"
    assert session.scalar(select(func.count(Vote.id)).where(Vote.meeting_id == meeting_id)) == 0
    items_after = session.scalar(select(func.count(AgendaItem.id)).where(AgendaItem.meeting_id == meeting_id))
    assert items_after == items_before

    # One member left to vote is enough.
    body["excluded_member_ids"] = assembly.ids()[1:]
    opened = api.post(f"{API}/meetings/{meeting_id}/votes", json=body, headers=assembly.officer.headers)
    assert opened.status_code == 201, opened.text


# --- a meeting planned for a day that has passed ------------------------------------------------------------


def test_a_meeting_planned_for_a_day_that_has_passed_is_refused_by_the_field(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    body = {"kind": "annual", "title": "Årsmöte 2020", "held_on": "2020-01-01"}
    refused = api.post(f"{API}/meetings", json=body, headers=assembly.officer.headers)

    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert (problem["code"], problem["field"]) == ("meeting_in_the_past", "held_on")
    assert problem["type"] == "urn:kooperativet:problem:meeting_in_the_past"
    assert session.scalar(select(func.count(Meeting.id))) == 0

    yesterday = {**body, "held_on": (TODAY - timedelta(days=1)).isoformat()}
    assert api.post(f"{API}/meetings", json=yesterday, headers=assembly.officer.headers).status_code == 422
    today = {**body, "held_on": TODAY.isoformat()}
    assert api.post(f"{API}/meetings", json=today, headers=assembly.officer.headers).status_code == 201


# --- the kind of an item ------------------------------------------------------------------------------------


def test_a_question_put_as_a_new_item_makes_a_decision_item_and_an_election_an_election_item(
    api: TestClient, assembly: Assembly, session: Session, clock, small_tally_keys
) -> None:
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    headers = assembly.officer.headers
    question = {"method": "open", "question": "Ska föreningen köpa en projektor?"}
    election = {
        "method": "election",
        "question": "Val av två revisorer",
        "seats": 2,
        "candidates": ["Anna Berg", "Bo Ek", "Cia Lund"],
        "tellers_passphrase": TELLERS_PASSPHRASE,
    }
    kinds = {}
    for body in (question, election):
        answer = api.post(f"{API}/meetings/{meeting_id}/votes", json=body, headers=headers)
        assert answer.status_code == 201, answer.text
        item = session.get_one(AgendaItem, answer.json()["agenda_item_id"])
        kinds[body["question"]] = item.kind

    assert kinds == {
        "Ska föreningen köpa en projektor?": AgendaItemKind.decision,
        "Val av två revisorer": AgendaItemKind.election,
    }
    read = api.get(f"{API}/meetings/{meeting_id}", headers=headers).json()
    assert {i["title"]: i["kind"] for i in read["items"] if i["title"] in kinds} == {
        "Ska föreningen köpa en projektor?": "decision",
        "Val av två revisorer": "election",
    }


def test_the_standard_agenda_marks_its_decisions_as_decisions_not_procedure() -> None:
    kinds = {title: kind for kind, title in STANDARD_ITEMS}
    for title in (
        "Beslut om ansvarsfrihet för styrelsens ledamöter",
        "Arvoden till styrelsen och revisorerna",
        "Motioner och styrelsens förslag",
    ):
        assert kinds[title] is AgendaItemKind.decision
    procedural = [title for title, kind in kinds.items() if kind is AgendaItemKind.procedural]
    assert not [title for title in procedural if title.startswith(("Beslut", "Arvoden", "Motioner"))]


def test_an_item_added_as_a_decision_is_read_as_one(api: TestClient, assembly: Assembly) -> None:
    meeting_id = plan_meeting(api, assembly)
    body = {"kind": "decision", "title": "Ny lokal"}
    added = api.post(f"{API}/meetings/{meeting_id}/items", json=body, headers=assembly.officer.headers)
    assert (added.status_code, added.json()["kind"]) == (201, "decision")


# --- no mail server -----------------------------------------------------------------------------------------


def test_without_a_mail_server_the_notice_queues_nothing_and_says_so(
    api: TestClient, assembly: Assembly, session: Session, settings: Settings, clock
) -> None:
    settings.smtp_host = None
    meeting_id = plan_meeting(api, assembly, starts_at="18:00")
    headers = assembly.officer.headers

    notice = api.post(f"{API}/meetings/{meeting_id}/notice", json={"text": "Kallelse"}, headers=headers)

    assert notice.status_code == 200, notice.text
    assert notice.json()["mail_status"] == "not_configured"
    assert "send the notice another way" in notice.json()["mail_detail"]
    assert _mails(session, "meeting_notice") == []
    read = api.get(f"{API}/meetings/{meeting_id}", headers=headers).json()
    assert (read["notice_mail_status"], read["notice_without_address"]) == ("not_configured", None)

    moved = api.put(f"{API}/meetings/{meeting_id}/starts-at", json={"starts_at": "18:30"}, headers=headers)
    assert moved.status_code == 200, moved.text
    assert (moved.json()["time_change_mail_status"], moved.json()["time_change_without_address"]) == (
        "not_configured",
        None,
    )
    assert _mails(session, "meeting_time_changed") == []


# --- the e-mails link the meeting's page --------------------------------------------------------------------


def test_the_notice_and_the_new_time_link_the_meetings_page(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting_id = plan_meeting(api, assembly, starts_at="18:00", held_on=MEETING_DAY)
    headers = assembly.officer.headers
    assert api.post(f"{API}/meetings/{meeting_id}/notice", json={"text": "Kallelse"}, headers=headers).json()[
        "ok"
    ]
    api.put(f"{API}/meetings/{meeting_id}/starts-at", json={"starts_at": "18:30"}, headers=headers)

    for template in ("meeting_notice", "meeting_time_changed"):
        mails = _mails(session, template)
        assert mails
        for mail in mails:
            page = f"/meetings/{meeting_id}"
            assert page in mail.text_body, template
            assert f'{page}" ' in mail.html_body or f'{page}"' in mail.html_body, template
            said = "Mötets sida" if mail.language == "sv" else "The meeting's page"
            assert said in mail.text_body
