"""A change of the statutes at a general meeting: decided only under an agenda item the notice announced as a
statute change, with the qualified majority (SFS 2018:672 6 kap. 22 § and 35 §); the notice lists the agenda
with the statute change marked and its proposal; adjusters and proxies refused by their own codes."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.governance.models import Vote
from kooperativet.mail.models import OutgoingMail
from tests.governance.conftest import Assembly
from tests.governance.test_meetings_api import API, MEETING_OPENS, plan_meeting

PROPOSAL = "§ 4 ska lyda: Medlemsavgiften är 100 kr om året."


def add_item(
    api: TestClient, assembly: Assembly, meeting_id: int, title: str, *, statute_change: bool
) -> int:
    body = {"kind": "board_proposal", "title": title, "text": PROPOSAL, "statute_change": statute_change}
    response = api.post(f"{API}/meetings/{meeting_id}/items", json=body, headers=assembly.officer.headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def called_with_a_statute_change(api: TestClient, assembly: Assembly, clock) -> tuple[int, int, int]:
    """A meeting noticed with an ordinary item and a statute change, then opened with everyone present;
    the meeting's id, the ordinary item's and the statute change's."""
    headers = assembly.officer.headers
    meeting_id = plan_meeting(api, assembly)
    ordinary = add_item(api, assembly, meeting_id, "Verksamhetsplan", statute_change=False)
    statutes = add_item(api, assembly, meeting_id, "Ny lydelse av § 4", statute_change=True)
    notice = api.post(f"{API}/meetings/{meeting_id}/notice", json={"text": "Välkomna"}, headers=headers)
    assert notice.json()["ok"], notice.text
    clock["now"] = MEETING_OPENS
    assert api.post(f"{API}/meetings/{meeting_id}/open", json={}, headers=headers).status_code == 200
    for member_id in assembly.ids():
        response = api.post(
            f"{API}/meetings/{meeting_id}/attendance", json={"member_id": member_id}, headers=headers
        )
        assert response.status_code == 201, response.text
    return meeting_id, ordinary, statutes


def put(api: TestClient, assembly: Assembly, meeting_id: int, **fields: object):
    body = {"method": "open", "question": "Ändras § 4?", **fields}
    return api.post(f"{API}/meetings/{meeting_id}/votes", json=body, headers=assembly.officer.headers)


def test_a_statute_change_is_refused_outside_its_announced_item_and_nothing_is_stored(
    api: TestClient, assembly: Assembly, clock, session: Session
) -> None:
    meeting_id, ordinary, statutes = called_with_a_statute_change(api, assembly, clock)
    refusals = [
        (put(api, assembly, meeting_id, decision_kind="statute_change"), "statute_change_not_on_agenda"),
        (
            put(api, assembly, meeting_id, decision_kind="statute_change", agenda_item_id=ordinary),
            "statute_change_item",
        ),
        (
            put(
                api,
                assembly,
                meeting_id,
                decision_kind="statute_change_raising_duties",
                agenda_item_id=ordinary,
            ),
            "statute_change_item",
        ),
        (
            put(api, assembly, meeting_id, decision_kind="ordinary", agenda_item_id=statutes),
            "statute_change_item",
        ),
    ]
    for response, code in refusals:
        assert response.status_code == 422, response.text
        assert response.json()["code"] == code
    fields = [r.json()["errors"][0]["field"] for r, _code in refusals]
    assert fields == ["agenda_item_id", "decision_kind", "decision_kind", "decision_kind"]
    assert session.scalars(select(Vote)).all() == []
    meeting = api.get(f"{API}/meetings/{meeting_id}", headers=assembly.officer.headers).json()
    assert [item["held_as"] for item in meeting["items"]] == [None, None]


def test_an_item_added_after_the_notice_decides_no_statute_change(
    api: TestClient, assembly: Assembly, clock
) -> None:
    meeting_id, _ordinary, _statutes = called_with_a_statute_change(api, assembly, clock)
    late = add_item(api, assembly, meeting_id, "Ny lydelse av § 7", statute_change=True)
    items = api.get(f"{API}/meetings/{meeting_id}", headers=assembly.officer.headers).json()["items"]
    assert [item["noticed_on"] for item in items] == ["2026-11-20", "2026-11-20", None]
    refused = put(api, assembly, meeting_id, decision_kind="statute_change", agenda_item_id=late)
    assert refused.status_code == 422
    assert refused.json()["code"] == "statute_change_not_on_agenda"


def test_a_statute_change_needs_two_thirds_of_the_votes_cast(
    api: TestClient, assembly: Assembly, clock
) -> None:
    meeting_id, _ordinary, statutes = called_with_a_statute_change(api, assembly, clock)
    outcomes = []
    for yes in (3, 4):
        vote = put(api, assembly, meeting_id, decision_kind="statute_change", agenda_item_id=statutes)
        assert vote.status_code == 201, vote.text
        vote_id = vote.json()["id"]
        for index, actor in enumerate(assembly.members):
            choice = "yes" if index < yes else "no"
            cast = api.post(f"{API}/votes/{vote_id}/ballots", json={"choice": choice}, headers=actor.headers)
            assert cast.status_code == 201, cast.text
        closed = api.post(f"{API}/votes/{vote_id}/close", json={}, headers=assembly.officer.headers)
        assert closed.status_code == 200, closed.text
        result = closed.json()["result"]
        assert result["majority"] == {"rule": "share", "share": "2/3", "at_least": True, "base": "votes_cast"}
        outcomes.append((result["yes"], result["no"], result["outcome"]))
    # 3 of 5 is less than two thirds; 4 of 5 is more.
    assert outcomes == [(3, 2, "rejected"), (4, 1, "adopted")]


def test_the_notice_mail_lists_the_agenda_numbered_with_the_statute_change_marked(
    api: TestClient, assembly: Assembly, clock, session: Session
) -> None:
    called_with_a_statute_change(api, assembly, clock)
    mails = session.scalars(select(OutgoingMail).where(OutgoingMail.template == "meeting_notice")).all()
    assert len(mails) == 5
    swedish = next(mail for mail in mails if mail.language == "sv")
    assert (
        "Dagordning\n\n1. Verksamhetsplan\n2. Ny lydelse av § 4 (ändring av stadgarna)\n" in swedish.text_body
    )
    assert f"    {PROPOSAL}" in swedish.text_body
    assert swedish.html_body is not None
    assert "Ny lydelse av § 4 <strong>(ändring av stadgarna)</strong>" in swedish.html_body
    # An ordinary item's text is not in the notice; the statute change's proposal is.
    assert swedish.text_body.count(PROPOSAL) == 1


def test_adjusters_and_a_proxy_for_oneself_are_refused_by_their_codes(
    api: TestClient, assembly: Assembly, clock
) -> None:
    headers = assembly.officer.headers
    meeting_id = plan_meeting(api, assembly)
    first, second, third = assembly.ids()[:3]
    officials = {
        "chair_member_id": first,
        "secretary_member_id": second,
        "adjuster1_member_id": third,
        "adjuster2_member_id": third,
    }
    same = api.put(f"{API}/meetings/{meeting_id}/officials", json=officials, headers=headers)
    assert (same.status_code, same.json()["code"]) == (422, "adjusters_not_distinct")
    chair = api.put(
        f"{API}/meetings/{meeting_id}/officials",
        json={**officials, "adjuster2_member_id": first},
        headers=headers,
    )
    assert (chair.status_code, chair.json()["code"]) == (422, "adjusters_not_distinct")
    body = {"principal_member_id": third, "attendee_member_id": third, "dated": "2026-11-01", "signed": True}
    own = api.post(f"{API}/meetings/{meeting_id}/proxies", json=body, headers=headers)
    assert (own.status_code, own.json()["code"]) == (422, "proxy_for_oneself")
    meeting = api.get(f"{API}/meetings/{meeting_id}", headers=headers).json()
    assert (meeting["adjuster1_member_id"], meeting["proxies"]) == (None, [])
