"""A general meeting over the API: notice, opening, attendance, proxies, an open vote, closing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from kooperativet.audit.models import AuditEvent
from kooperativet.governance.minutes_text import majority_in_swedish
from kooperativet.governance.models import AgendaItem, Vote
from kooperativet.governance.rules.required_majority import RequiredMajority
from kooperativet.governance.schemas.results import majority_in_english
from tests.governance.conftest import MEETING_DAY, Assembly

API = "/api/v1/governance"
#: 19:00 in Stockholm on the day the meeting is called for.
MEETING_OPENS = datetime.combine(MEETING_DAY, time(18, 0), tzinfo=UTC)


def close_anyway(api: TestClient, meeting_id: int, headers: dict[str, str]) -> Response:
    """Close a meeting that leaves agenda items not dealt with, as a client does: the refusal names them
    (``items_not_dealt_with``), and the close again names the same ids."""
    url = f"{API}/meetings/{meeting_id}/close"
    refused = api.post(url, headers=headers)
    assert (refused.status_code, refused.json()["code"]) == (422, "items_not_dealt_with"), refused.text
    left = [item["id"] for item in refused.json()["items"]]
    return api.post(url, json={"items_not_dealt_with": left}, headers=headers)


def plan_meeting(
    api: TestClient,
    assembly: Assembly,
    *,
    held_on=MEETING_DAY,
    kind="annual",
    starts_at: str | None = None,
    title: str = "Årsmöte 2026",
) -> int:
    body = {"kind": kind, "title": title, "held_on": held_on.isoformat()}
    if starts_at is not None:
        body["starts_at"] = starts_at
    response = api.post(f"{API}/meetings", json=body, headers=assembly.officer.headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def open_meeting_with_everyone(
    api: TestClient, assembly: Assembly, clock, *, kind="annual", starts_at: str | None = None
) -> int:
    """Notice today, then on the meeting day (the clock moves there) open it, choose the officials (the
    chair is the first member, the secretary the second, the adjusters the third and fourth) and register
    everyone present (the board only, at a board meeting)."""
    meeting_id = plan_meeting(api, assembly, kind=kind, starts_at=starts_at)
    headers = assembly.officer.headers
    assert api.post(f"{API}/meetings/{meeting_id}/notice", json={"text": "Välkomna"}, headers=headers).json()[
        "ok"
    ]
    clock["now"] = MEETING_OPENS
    assert api.post(f"{API}/meetings/{meeting_id}/open", json={}, headers=headers).status_code == 200
    chair, secretary, adjuster1, adjuster2 = assembly.ids()[:4]
    officials = {
        "chair_member_id": chair,
        "secretary_member_id": secretary,
        "adjuster1_member_id": adjuster1,
        "adjuster2_member_id": adjuster2,
    }
    response = api.put(f"{API}/meetings/{meeting_id}/officials", json=officials, headers=headers)
    assert response.status_code == 200, response.text
    for member_id in assembly.ids()[: 3 if kind == "board" else 5]:
        response = api.post(
            f"{API}/meetings/{meeting_id}/attendance", json={"member_id": member_id}, headers=headers
        )
        assert response.status_code == 201, response.text
    return meeting_id


def test_notice_in_time_opens_the_meeting_and_queues_the_mail(
    api: TestClient, assembly: Assembly, clock
) -> None:
    meeting_id = plan_meeting(api, assembly)
    notice = api.post(
        f"{API}/meetings/{meeting_id}/notice", json={"text": "Kallelse"}, headers=assembly.officer.headers
    )
    assert notice.status_code == 200, notice.text
    assert notice.json() == {
        "noticed_on": "2026-11-20",
        "ok": True,
        "problem": None,
        "earliest": "2026-11-08",
        "latest": "2026-11-22",
        "mail_status": "queued",
        "mail_detail": "queued for 5 member(s)",
        "without_address": 0,
    }
    clock["now"] = MEETING_OPENS
    opened = api.post(f"{API}/meetings/{meeting_id}/open", json={}, headers=assembly.officer.headers)
    assert opened.json()["status"] == "open"
    assert opened.json()["early_opening_reason"] is None


def test_a_meeting_called_too_late_opens_only_with_a_recorded_reason(
    api: TestClient, assembly: Assembly, clock
) -> None:
    meeting_id = plan_meeting(api, assembly, held_on=clock["now"].date() + timedelta(days=10))
    headers = assembly.officer.headers
    notice = api.post(f"{API}/meetings/{meeting_id}/notice", json={"text": "Kallelse"}, headers=headers)
    assert notice.json()["problem"] == "too_late"
    clock["now"] += timedelta(days=10)
    refused = api.post(f"{API}/meetings/{meeting_id}/open", json={}, headers=headers)
    assert refused.status_code == 409
    assert refused.json()["code"] == "notice_not_in_time"
    assert api.get(f"{API}/meetings/{meeting_id}", headers=headers).json()["status"] == "planned"
    reason = "alla medlemmar har godkänt kortare kallelsetid"
    opened = api.post(f"{API}/meetings/{meeting_id}/open", json={"override_reason": reason}, headers=headers)
    assert opened.status_code == 200
    assert opened.json()["notice_override_reason"] == reason


def test_a_proxy_beyond_the_rulebooks_limit_is_refused_and_not_recorded(
    api: TestClient, assembly: Assembly, clock
) -> None:
    meeting_id = plan_meeting(api, assembly)
    headers = assembly.officer.headers
    first, second, holder = assembly.ids()[3], assembly.ids()[4], assembly.ids()[0]
    body = {"principal_member_id": first, "attendee_member_id": holder, "dated": "2026-11-01", "signed": True}
    assert api.post(f"{API}/meetings/{meeting_id}/proxies", json=body, headers=headers).status_code == 201
    over = api.post(
        f"{API}/meetings/{meeting_id}/proxies", json={**body, "principal_member_id": second}, headers=headers
    )
    assert over.status_code == 422
    assert over.json()["code"] == "proxy_over_limit"
    assert len(api.get(f"{API}/meetings/{meeting_id}", headers=headers).json()["proxies"]) == 1


def test_a_proxy_needs_the_members_signature_confirmed(api: TestClient, assembly: Assembly, clock) -> None:
    """Lag (2018:672) 6 kap. 4 §: a written fullmakt, dated and signed by the member. Whoever registers the
    proxy confirms the signature (``signed: true``); false or left out (a client written before the field)
    is refused by its code, naming the field; neither is stored."""
    meeting_id = plan_meeting(api, assembly)
    headers = assembly.officer.headers
    body = {
        "principal_member_id": assembly.ids()[3],
        "attendee_member_id": assembly.ids()[0],
        "dated": "2026-11-01",
    }
    url = f"{API}/meetings/{meeting_id}/proxies"
    unsigned = api.post(url, json={**body, "signed": False}, headers=headers)
    assert (unsigned.status_code, unsigned.json()["code"]) == (422, "proxy_not_signed")
    assert unsigned.headers["content-type"].startswith("application/problem+json")
    assert unsigned.json()["errors"][0]["field"] == "signed"
    missing = api.post(url, json=body, headers=headers)
    assert (missing.status_code, missing.json()["code"]) == (422, "proxy_not_signed")
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert missing.json()["errors"][0]["field"] == "signed"
    assert api.get(f"{API}/meetings/{meeting_id}", headers=headers).json()["proxies"] == []
    signed = api.post(url, json={**body, "signed": True}, headers=headers)
    assert signed.status_code == 201, signed.text
    assert signed.json()["signed"] is True
    assert api.get(f"{API}/meetings/{meeting_id}", headers=headers).json()["proxies"][0]["signed"] is True


def test_closing_with_items_not_dealt_with_needs_its_confirmation(
    api: TestClient, assembly: Assembly, session, clock
) -> None:
    """Closing is final (a closed meeting never opens again). With agenda items the meeting has not taken
    up, a close that does not name them in ``items_not_dealt_with`` is refused by that field, naming the
    items, and nothing changes; with every item dealt with a bare close closes. The agenda's closing is not
    such an item: closing the meeting deals with it, as its last §, whatever it is called."""
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    headers = assembly.officer.headers
    items = f"{API}/meetings/{meeting_id}/items"
    ids = [
        api.post(items, json={"kind": "procedural", "title": title}, headers=headers).json()["id"]
        for title in ("Val av mötesordförande", "Val av justerare")
    ]
    closing = api.post(
        items, json={"kind": "procedural", "title": "Avslutning", "is_closing": True}, headers=headers
    )
    assert (closing.status_code, closing.json()["is_closing"]) == (201, True), closing.text
    ids.append(closing.json()["id"])
    assert api.post(f"{items}/{ids[0]}/take-up", headers=headers).status_code == 200
    url = f"{API}/meetings/{meeting_id}/close"
    for body in (None, {}, {"items_not_dealt_with": None}, {"confirm_items_not_dealt_with": False}):
        refused = api.post(url, json=body, headers=headers)
        assert (refused.status_code, refused.json()["code"]) == (422, "items_not_dealt_with"), refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["errors"][0]["field"] == "items_not_dealt_with"
        assert refused.json()["items"] == [{"id": ids[1], "title": "Val av justerare"}]
    shown = api.get(f"{API}/meetings/{meeting_id}", headers=headers).json()
    assert (shown["status"], shown["closed_at"]) == ("open", None)
    closings = select(func.count(AuditEvent.id)).where(AuditEvent.kind == "meeting_closed")
    assert session.scalar(closings) == 0
    assert api.post(f"{items}/{ids[1]}/take-up", headers=headers).status_code == 200
    closed = api.post(url, headers=headers)
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    assert session.scalar(closings) == 1
    held = {
        item.id: item.held_as for item in session.scalars(select(AgendaItem).where(AgendaItem.id.in_(ids)))
    }
    assert held == {ids[0]: 1, ids[1]: 2, ids[2]: 3}  # the closing, the meeting's last §


def _meeting_closed_payload(session) -> dict[str, object]:
    event = session.scalars(select(AuditEvent).where(AuditEvent.kind == "meeting_closed")).one()
    payload: dict[str, object] = json.loads(event.payload)
    return payload


def test_a_meeting_closes_with_items_left_when_the_close_names_them(
    api: TestClient, assembly: Assembly, session, clock
) -> None:
    """The close names the items it leaves, as the refusal listed them; the audit chain's ``meeting_closed``
    records them, ids and titles, for the auditor."""
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    headers = assembly.officer.headers
    item = api.post(
        f"{API}/meetings/{meeting_id}/items", json={"kind": "procedural", "title": "Övrigt"}, headers=headers
    ).json()
    closed = close_anyway(api, meeting_id, headers)
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    assert _meeting_closed_payload(session) == {
        "meeting_id": meeting_id,
        "items_not_dealt_with": [{"id": item["id"], "title": "Övrigt"}],
    }
    again = api.post(
        f"{API}/meetings/{meeting_id}/close", json={"items_not_dealt_with": [item["id"]]}, headers=headers
    )
    assert (again.status_code, again.json()["code"]) == (409, "meeting_closed")  # never opened again


def test_a_close_naming_other_items_than_those_left_is_refused_with_the_items_left_now(
    api: TestClient, assembly: Assembly, session, clock
) -> None:
    """The list the chair confirmed is the one the close names: an item added after the refusal listed the
    items, or one of them dealt with meanwhile, makes it another list, and the close is refused (409
    ``items_not_dealt_with_changed``, the items left now in ``items``) with nothing changed."""
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    headers = assembly.officer.headers
    items = f"{API}/meetings/{meeting_id}/items"
    first = api.post(items, json={"kind": "procedural", "title": "Övrigt"}, headers=headers).json()["id"]
    url = f"{API}/meetings/{meeting_id}/close"
    seen = [item["id"] for item in api.post(url, headers=headers).json()["items"]]
    assert seen == [first]
    added = api.post(items, json={"kind": "board_proposal", "title": "Ny lokal"}, headers=headers).json()[
        "id"
    ]

    refused = api.post(url, json={"items_not_dealt_with": seen}, headers=headers)

    assert (refused.status_code, refused.json()["code"]) == (409, "items_not_dealt_with_changed"), (
        refused.text
    )
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["errors"][0]["field"] == "items_not_dealt_with"
    assert refused.json()["items"] == [{"id": first, "title": "Övrigt"}, {"id": added, "title": "Ny lokal"}]
    # One of the items dealt with meanwhile: the list names it, so refused too; naming none as well.
    assert api.post(f"{items}/{first}/take-up", headers=headers).status_code == 200
    for named in ([first, added], [], [added, 0]):
        again = api.post(url, json={"items_not_dealt_with": named}, headers=headers)
        assert (again.status_code, again.json()["code"]) == (409, "items_not_dealt_with_changed"), named
        assert again.json()["items"] == [{"id": added, "title": "Ny lokal"}]
    assert api.get(f"{API}/meetings/{meeting_id}", headers=headers).json()["status"] == "open"
    assert session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.kind == "meeting_closed")) == 0
    closed = api.post(url, json={"items_not_dealt_with": [added, added]}, headers=headers)
    assert closed.status_code == 200, closed.text
    assert _meeting_closed_payload(session)["items_not_dealt_with"] == [{"id": added, "title": "Ny lokal"}]


def test_a_close_with_every_item_dealt_with_records_none_left(
    api: TestClient, assembly: Assembly, session, clock
) -> None:
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    headers = assembly.officer.headers
    assert (
        api.post(
            f"{API}/meetings/{meeting_id}/close", json={"items_not_dealt_with": []}, headers=headers
        ).status_code
        == 200
    )
    assert _meeting_closed_payload(session) == {"meeting_id": meeting_id, "items_not_dealt_with": []}


def test_the_earlier_confirmation_naming_no_items_still_closes_what_is_left(
    api: TestClient, assembly: Assembly, clock, session
) -> None:
    """A program written before the close named its items sends ``confirm_items_not_dealt_with: true``: it
    closes the meeting leaving whatever items are left, as it did before, and the event names them. A body
    that is not the schema's is a 422, not a 500."""
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    headers = assembly.officer.headers
    added = api.post(
        f"{API}/meetings/{meeting_id}/items", json={"kind": "procedural", "title": "Övrigt"}, headers=headers
    ).json()
    url = f"{API}/meetings/{meeting_id}/close"
    wrong = api.post(url, json={"items_not_dealt_with": True}, headers=headers)  # not a list: the schema's
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "items_not_dealt_with"
    assert api.get(f"{API}/meetings/{meeting_id}", headers=headers).json()["status"] == "open"
    closed = api.post(url, json={"confirm_items_not_dealt_with": True}, headers=headers)
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    left = _meeting_closed_payload(session)["items_not_dealt_with"]
    assert [item["id"] for item in left] == [added["id"]]


def test_the_closing_is_the_item_marked_so_not_a_title(api: TestClient, assembly: Assembly, clock) -> None:
    """A closing by any name, marked ``is_closing``, stays last and is the last § when the meeting closes; an
    item whose title merely ends in "avslutande" is business like any other. One closing at a time, and a
    procedural one (nothing is stored when refused)."""
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    headers = assembly.officer.headers
    items = f"{API}/meetings/{meeting_id}/items"
    closing = api.post(
        items, json={"kind": "procedural", "title": "Avslutning", "is_closing": True}, headers=headers
    )
    assert closing.status_code == 201, closing.text
    later = api.post(items, json={"kind": "procedural", "title": "Mötets avslutande"}, headers=headers).json()
    assert later["is_closing"] is False
    shown = api.get(f"{API}/meetings/{meeting_id}", headers=headers).json()["items"]
    assert [(item["title"], item["position"]) for item in shown] == [
        ("Mötets avslutande", 1),
        ("Avslutning", 2),
    ]
    second = api.post(
        items, json={"kind": "procedural", "title": "Slut", "is_closing": True}, headers=headers
    )
    assert (second.status_code, second.json()["code"]) == (409, "closing_on_agenda")
    assert second.json()["errors"][0]["field"] == "is_closing"
    proposal = api.post(
        items, json={"kind": "board_proposal", "title": "Slut", "is_closing": True}, headers=headers
    )
    assert (proposal.status_code, proposal.json()["code"]) == (422, "closing_not_procedural")
    assert len(api.get(f"{API}/meetings/{meeting_id}", headers=headers).json()["items"]) == 2
    refused = api.post(f"{API}/meetings/{meeting_id}/close", headers=headers)
    assert refused.json()["items"] == [{"id": later["id"], "title": "Mötets avslutande"}]


def test_open_vote_counts_each_voter_and_refuses_a_second_vote_and_jav(
    api: TestClient, assembly: Assembly, clock
) -> None:
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    headers = assembly.officer.headers
    excluded = assembly.ids()[4]
    vote = api.post(
        f"{API}/meetings/{meeting_id}/votes",
        json={
            "method": "open",
            "question": "Ansvarsfrihet?",
            "excluded_member_ids": [excluded],
            "hide_results": True,
        },
        headers=headers,
    ).json()
    choices = ["yes", "yes", "no", "abstain"]
    for actor, choice in zip(assembly.members, choices, strict=False):
        cast = api.post(f"{API}/votes/{vote['id']}/ballots", json={"choice": choice}, headers=actor.headers)
        assert cast.status_code == 201, cast.text
    twice = api.post(
        f"{API}/votes/{vote['id']}/ballots", json={"choice": "no"}, headers=assembly.members[0].headers
    )
    assert twice.status_code == 409
    assert twice.json()["code"] == "already_voted"
    jav = api.post(
        f"{API}/votes/{vote['id']}/ballots", json={"choice": "yes"}, headers=assembly.members[4].headers
    )
    assert jav.status_code == 422
    assert jav.json()["code"] == "voter_excluded"
    hidden = api.get(f"{API}/votes/{vote['id']}", headers=assembly.members[1].headers).json()
    assert hidden["cast_votes"] is None
    assert hidden["result"] is None
    assert hidden["voted"] == 4
    closed = api.post(f"{API}/votes/{vote['id']}/close", json={}, headers=headers)
    assert closed.status_code == 200, closed.text
    result = closed.json()["result"]
    assert (result["yes"], result["no"], result["abstentions"], result["eligible"]) == (2, 1, 1, 4)
    assert result["outcome"] == "adopted"
    assert result["majority_required"] == "more than 1/2 of votes cast"
    assert result["majority"] == {"rule": "share", "share": "1/2", "at_least": False, "base": "votes_cast"}
    assert result["turnout"] == {"fraction": "1/1", "percent": "100.00"}
    assert result["excluded_member_ids"] == [excluded]
    assert len(closed.json()["cast_votes"]) == 4
    late = api.post(
        f"{API}/votes/{vote['id']}/ballots", json={"choice": "no"}, headers=assembly.members[3].headers
    )
    assert late.status_code == 409
    assert late.json()["code"] == "vote_closed"


def test_a_disqualified_member_cannot_vote_as_the_proxy_of_another(
    api: TestClient, assembly: Assembly, clock
) -> None:
    """SFS 2018:672 6 kap. 37 § (jäv): a member may not take part in a vote on a matter about herself,
    neither in person, nor by proxy, nor as another member's proxy."""
    meeting_id = plan_meeting(api, assembly)
    headers = assembly.officer.headers
    holder, principal = assembly.ids()[3], assembly.ids()[4]
    proxy = {
        "principal_member_id": principal,
        "attendee_member_id": holder,
        "dated": "2026-11-01",
        "signed": True,
    }
    assert api.post(f"{API}/meetings/{meeting_id}/proxies", json=proxy, headers=headers).status_code == 201
    assert api.post(f"{API}/meetings/{meeting_id}/notice", json={"text": "K"}, headers=headers).json()["ok"]
    clock["now"] = MEETING_OPENS
    assert api.post(f"{API}/meetings/{meeting_id}/open", json={}, headers=headers).status_code == 200
    for member_id in assembly.ids()[:4]:  # the principal stays away: her proxy holder attends
        response = api.post(
            f"{API}/meetings/{meeting_id}/attendance", json={"member_id": member_id}, headers=headers
        )
        assert response.status_code == 201, response.text
    vote = api.post(
        f"{API}/meetings/{meeting_id}/votes",
        json={"method": "open", "question": "Ansvarsfrihet för Mia?", "excluded_member_ids": [holder]},
        headers=headers,
    )
    assert vote.status_code == 201, vote.text
    as_proxy = api.post(
        f"{API}/votes/{vote.json()['id']}/ballots",
        json={"choice": "yes", "on_behalf_of_member_id": principal},
        headers=assembly.members[3].headers,
    )
    assert as_proxy.status_code == 422, as_proxy.text
    assert as_proxy.json()["code"] == "voter_excluded"
    assert api.get(f"{API}/votes/{vote.json()['id']}", headers=headers).json()["voted"] == 0


def test_a_tied_open_vote_needs_the_chairs_casting_vote(api: TestClient, assembly: Assembly, clock) -> None:
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    headers = assembly.officer.headers
    vote = api.post(
        f"{API}/meetings/{meeting_id}/votes", json={"method": "open", "question": "Q?"}, headers=headers
    )
    vote_id = vote.json()["id"]
    for actor, choice in zip(assembly.members, ["yes", "no", "yes", "no"], strict=False):
        api.post(f"{API}/votes/{vote_id}/ballots", json={"choice": choice}, headers=actor.headers)
    missing = api.post(f"{API}/votes/{vote_id}/close", json={}, headers=headers)
    assert missing.status_code == 422
    assert missing.json()["code"] == "casting_vote_required"
    closed = api.post(
        f"{API}/votes/{vote_id}/close", json={"chair_casting_vote": "no"}, headers=headers
    ).json()
    assert closed["result"]["tie_break"] == "casting_vote"
    assert closed["result"]["outcome"] == "rejected"


def test_a_vote_with_an_end_time_closes_early_only_when_everyone_has_voted(
    api: TestClient, assembly: Assembly, clock
) -> None:
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    headers = assembly.officer.headers
    ends_at = (clock["now"] + timedelta(hours=1)).isoformat()
    vote_id = api.post(
        f"{API}/meetings/{meeting_id}/votes",
        json={"method": "open", "question": "Q?", "ends_at": ends_at},
        headers=headers,
    ).json()["id"]
    api.post(f"{API}/votes/{vote_id}/ballots", json={"choice": "yes"}, headers=assembly.members[0].headers)
    early = api.post(f"{API}/votes/{vote_id}/close", json={}, headers=headers)
    assert early.status_code == 409
    assert early.json()["code"] == "early_close_not_allowed"
    clock["now"] += timedelta(hours=1)
    assert api.post(f"{API}/votes/{vote_id}/close", json={}, headers=headers).status_code == 200


def test_an_end_time_without_a_time_zone_is_refused_by_its_field(
    api: TestClient, assembly: Assembly, clock
) -> None:
    """A bare 20:00 is one moment in Stockholm and another in UTC: the API asks for the zone, not a guess."""
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    refused = api.post(
        f"{API}/meetings/{meeting_id}/votes",
        json={"method": "open", "question": "Q?", "ends_at": "2026-12-20T20:00:00"},
        headers=assembly.officer.headers,
    )
    assert refused.status_code == 422, refused.text
    assert "ends_at" in refused.text


def test_a_non_member_and_a_former_member_cannot_vote(
    api: TestClient, assembly: Assembly, session, clock
) -> None:
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    headers = assembly.officer.headers
    vote_id = api.post(
        f"{API}/meetings/{meeting_id}/votes", json={"method": "open", "question": "Q?"}, headers=headers
    ).json()["id"]
    outsider = api.post(f"{API}/votes/{vote_id}/ballots", json={"choice": "yes"}, headers=headers)
    assert outsider.status_code == 422
    assert outsider.json()["code"] == "not_a_member"
    former = assembly.members[3].member
    former.left_on = clock["now"].date()
    session.flush()
    refused = api.post(
        f"{API}/votes/{vote_id}/ballots", json={"choice": "yes"}, headers=assembly.members[3].headers
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "not_a_current_member"


#: The rules a result records (``results``), as the API (English) and the minutes (Swedish) state them.
RULES = {
    "more than 1/2 of votes cast": {"rule": "share", "share": "1/2", "at_least": False, "base": "votes_cast"},
    "at least 2/3 of votes cast": {"rule": "share", "share": "2/3", "at_least": True, "base": "votes_cast"},
    "more than 1/2 of board members present": {
        "rule": "share",
        "share": "1/2",
        "at_least": False,
        "base": "board_members_present",
    },
    "every board member reached and agreeing": {"rule": "unanimous_board"},
    "the 2 candidate(s) with most votes": {"rule": "most_votes", "seats": 2},
}


@pytest.mark.parametrize(
    ("english", "swedish"),
    [
        ("more than 1/2 of votes cast", "mer än 1/2 av avgivna röster"),
        ("at least 2/3 of votes cast", "minst 2/3 av avgivna röster"),
        ("more than 1/2 of board members present", "mer än 1/2 av närvarande styrelseledamöter"),
        ("every board member reached and agreeing", "alla styrelseledamöter nådda och eniga"),
        ("the 2 candidate(s) with most votes", "de 2 kandidater med flest röster"),
    ],
)
def test_the_minutes_state_the_majority_rule_in_swedish(english: str, swedish: str) -> None:
    rule = RequiredMajority.from_json(RULES[english])
    assert rule.as_json() == RULES[english]
    assert majority_in_english(rule) == english
    assert majority_in_swedish(rule) == swedish


@pytest.mark.parametrize(
    ("ends_at", "code"),
    [
        # Already passed: the vote would be opened closed, and say it is open.
        ("2020-01-01T10:00:00+01:00", "vote_ends_before_it_opens"),
        # In year 10000 once in UTC: no date column holds it (it was a 500).
        ("9999-12-31T23:59:59-05:00", "value_out_of_range"),
    ],
)
def test_an_end_time_that_cannot_be_is_refused_and_no_vote_is_opened(
    api: TestClient, assembly: Assembly, clock, session, ends_at: str, code: str
) -> None:

    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    refused = api.post(
        f"{API}/meetings/{meeting_id}/votes",
        json={"method": "open", "question": "Q?", "ends_at": ends_at},
        headers=assembly.officer.headers,
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == code
    assert session.scalar(select(func.count(Vote.id))) == 0
