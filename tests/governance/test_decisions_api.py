"""Board decisions, per capsulam, a decision that sets the fee from a date, minutes, and the notice e-mail."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from email.header import decode_header, make_header

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kooperativet.audit.models import AuditEvent
from kooperativet.audit.service import verify
from kooperativet.governance.models import BoardAssignment, BoardRole, Meeting
from kooperativet.parameters.service import seed_defaults, value_in_force
from kooperativet.payroll.calculation import TaxSetting, calculate_payout
from kooperativet.payroll.parameters import payroll_parameters_on
from tests.governance.conftest import Assembly
from tests.governance.test_meetings_api import API, open_meeting_with_everyone, plan_meeting
from tests.mailbox import Mailbox


def test_a_board_decision_needs_the_boards_quorum_and_counts_only_board_members(
    api: TestClient, assembly: Assembly, clock
) -> None:
    meeting_id = open_meeting_with_everyone(api, assembly, clock, kind="board")
    headers = assembly.officer.headers
    vote_id = api.post(
        f"{API}/meetings/{meeting_id}/votes",
        json={"method": "board", "question": "Ny dator?"},
        headers=headers,
    ).json()["id"]
    outsider = api.post(
        f"{API}/votes/{vote_id}/ballots", json={"choice": "yes"}, headers=assembly.members[4].headers
    )
    assert outsider.status_code == 422
    for actor, choice in zip(assembly.members[:3], ["yes", "yes", "no"], strict=True):
        assert (
            api.post(
                f"{API}/votes/{vote_id}/ballots", json={"choice": choice}, headers=actor.headers
            ).status_code
            == 201
        )
    result = api.post(f"{API}/votes/{vote_id}/close", json={}, headers=headers).json()["result"]
    assert (result["yes"], result["no"], result["outcome"]) == (2, 1, "adopted")
    assert result["majority_required"] == "more than 1/2 of board members present"


@pytest.mark.parametrize(
    ("answers", "outcome", "reason"),
    [
        (["yes", "yes", "yes"], "adopted", None),
        (["yes", "yes"], "rejected", "not_reached"),
        (["yes", "no", "yes"], "rejected", "not_unanimous"),
    ],
)
def test_per_capsulam_is_adopted_only_when_every_board_member_is_reached_and_agrees(
    api: TestClient, assembly: Assembly, clock, answers: list[str], outcome: str, reason: str | None
) -> None:
    headers = assembly.officer.headers
    vote = api.post(f"{API}/per-capsulam", json={"question": "Köpa en skrivare?"}, headers=headers)
    assert vote.status_code == 201, vote.text
    vote_id = vote.json()["id"]
    for actor, choice in zip(assembly.members, answers, strict=False):
        assert (
            api.post(
                f"{API}/votes/{vote_id}/ballots", json={"choice": choice}, headers=actor.headers
            ).status_code
            == 201
        )
    result = api.post(f"{API}/votes/{vote_id}/close", json={}, headers=headers).json()["result"]
    assert (result["outcome"], result["reason"]) == (outcome, reason)


def test_a_board_member_whose_term_began_today_in_sweden_answers_a_per_capsulam_proposed_after_midnight(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    """00:30 on 1 June in Stockholm is 22:30 on 31 May in UTC. A member whose board term begins on 1 June is
    on the board that day; the proposal is checked against Sweden's day, and so must her answer be."""
    newcomer = assembly.members[3]
    session.add(
        BoardAssignment(member_id=newcomer.member.id, role=BoardRole.member, term_from=date(2026, 6, 1))
    )
    session.flush()
    clock["now"] = datetime(2026, 5, 31, 22, 30, tzinfo=UTC)
    proposed = api.post(
        f"{API}/per-capsulam", json={"question": "Köper vi en skrivare?"}, headers=assembly.officer.headers
    )
    assert proposed.status_code == 201, proposed.text
    answer = api.post(
        f"{API}/votes/{proposed.json()['id']}/ballots", json={"choice": "yes"}, headers=newcomer.headers
    )
    assert answer.status_code == 201, answer.text


def test_an_adopted_decision_sets_the_fee_from_its_date_and_payroll_reads_it(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    session.execute(
        text(
            "INSERT INTO parameter_values (key, valid_from, value, source, created_at) "
            "VALUES ('fee_rate', '2025-01-01', '0.06', 'default', CURRENT_TIMESTAMP)"
        )
    )
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    headers = assembly.officer.headers
    item_id = api.post(
        f"{API}/meetings/{meeting_id}/items",
        json={"kind": "board_proposal", "title": "Avgift"},
        headers=headers,
    ).json()["id"]
    vote = api.post(
        f"{API}/meetings/{meeting_id}/votes",
        json={
            "method": "open",
            "question": "Sänks avgiften till 5,5 %?",
            "agenda_item_id": item_id,
            "sets_parameter": {"key": "fee_rate", "value": "0.055", "valid_from": "2027-01-01"},
        },
        headers=headers,
    ).json()
    for actor in assembly.members[:3]:
        api.post(f"{API}/votes/{vote['id']}/ballots", json={"choice": "yes"}, headers=actor.headers)
    closed = api.post(f"{API}/votes/{vote['id']}/close", json={}, headers=headers).json()
    assert closed["parameter_value_id"] is not None
    decided = value_in_force(session, key="fee_rate", on=date(2027, 1, 1))
    assert decided.as_decimal() == Decimal("0.055")
    meeting = session.get_one(Meeting, meeting_id)  # named as the minutes name it, in Swedish
    assert decided.decision_reference == (
        f"{meeting.title} ({meeting.held_on.isoformat()}), § 1, omröstning nr {vote['id']}"
    )
    assert value_in_force(session, key="fee_rate", on=date(2026, 12, 31)).as_decimal() == Decimal("0.06")

    # Payroll takes the decided fee from its date on: the same 20 000.00 paid before and after.
    seed_defaults(session)
    fees = [
        calculate_payout(
            invoiced_amount=Decimal("20000.00"),
            birth_date=date(1990, 5, 14),
            pay_date=pay_date,
            parameters=payroll_parameters_on(session, pay_date=pay_date).parameters,
            tax=TaxSetting(),
        ).fee
        for pay_date in (date(2026, 12, 23), date(2027, 1, 25))
    ]
    assert fees == [Decimal("1200.00"), Decimal("1100.00")]


def test_a_rejected_decision_sets_no_parameter(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    headers = assembly.officer.headers
    vote = api.post(
        f"{API}/meetings/{meeting_id}/votes",
        json={
            "method": "open",
            "question": "Q?",
            "sets_parameter": {"key": "fee_rate", "value": "0.01", "valid_from": "2030-01-01"},
        },
        headers=headers,
    ).json()
    api.post(f"{API}/votes/{vote['id']}/ballots", json={"choice": "no"}, headers=assembly.members[0].headers)
    closed = api.post(f"{API}/votes/{vote['id']}/close", json={}, headers=headers).json()
    assert closed["result"]["outcome"] == "rejected"
    assert closed["parameter_value_id"] is None


def test_a_vote_may_not_propose_a_reminder_fee_above_the_laws_cap(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    """A decision the parameters would refuse is refused when the vote is set up, not adopted by the meeting
    and then failing when its result is applied: the law caps the reminder fee at 60 kr (reminder_fee_max)."""
    seed_defaults(session)
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    headers = assembly.officer.headers

    def propose(fee: str) -> object:
        return api.post(
            f"{API}/meetings/{meeting_id}/votes",
            json={
                "method": "open",
                "question": f"Höjs påminnelseavgiften till {fee} kr?",
                "sets_parameter": {"key": "reminder_fee", "value": fee, "valid_from": "2027-01-01"},
            },
            headers=headers,
        )

    above = propose("75.00")
    assert above.status_code == 422, above.text
    problem = above.json()
    assert (problem["code"], problem["field"], problem["maximum"]) == (
        "invalid_parameter_value",
        "sets_parameter",
        "60.00",
    )
    assert propose("60.00").status_code == 201


def test_minutes_are_drawn_up_locked_and_corrected_as_a_new_version(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    headers = assembly.officer.headers
    too_early = api.post(f"{API}/meetings/{meeting_id}/minutes", json={}, headers=headers)
    assert too_early.status_code == 409
    assert api.post(f"{API}/meetings/{meeting_id}/close", headers=headers).status_code == 200
    first = api.post(f"{API}/meetings/{meeting_id}/minutes", json={}, headers=headers).json()
    # The draft prints the head it was drawn up on; the log has moved on only by the event storing its PDF.
    last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert (last.kind, last.previous_hash) == ("document_rendered", first["audit_head_hash"])
    assert last.hash == verify(session).head.hash
    pdf = api.get(f"{API}/minutes/{first['id']}/pdf", headers=assembly.members[3].headers)
    assert pdf.content.startswith(b"%PDF")
    for adjuster in assembly.members[2:4]:
        approved = api.post(f"{API}/minutes/{first['id']}/approvals", headers=adjuster.headers)
        assert approved.status_code == 200, approved.text
    assert approved.json()["locked_at"] is not None
    again = api.post(f"{API}/minutes/{first['id']}/approvals", headers=assembly.members[2].headers)
    assert (again.status_code, again.json()["code"]) == (409, "minutes_locked")
    unexplained = api.post(f"{API}/meetings/{meeting_id}/minutes", json={}, headers=headers)
    assert unexplained.status_code == 422
    second = api.post(
        f"{API}/meetings/{meeting_id}/minutes", json={"correction_reason": "stavfel i § 2"}, headers=headers
    ).json()
    assert (second["version"], second["refers_to_id"]) == (2, first["id"])
    with pytest.raises(DBAPIError, match="locked minutes"), session.begin_nested():
        session.execute(text("UPDATE minutes SET sha256 = 'x' WHERE id = :id"), {"id": first["id"]})


def test_the_notice_is_queued_for_each_member_and_the_worker_sends_it(
    api: TestClient, session: Session, assembly: Assembly, clock, mailbox: Mailbox
) -> None:
    english = assembly.members[4].member
    english.language = "en"
    session.flush()
    meeting_id = plan_meeting(api, assembly)
    notice = api.post(
        f"{API}/meetings/{meeting_id}/notice",
        json={"text": "Välkomna till årsmötet"},
        headers=assembly.officer.headers,
    )
    assert (notice.json()["mail_status"], notice.json()["mail_detail"]) == (
        "queued",
        "queued for 5 member(s)",
    )
    # One message per member, each addressed to her alone and in her language (sent after the commit).
    assert sorted(len(envelope) for envelope in mailbox.recipients) == [1] * 5
    for actor in assembly.members:
        [arrived] = mailbox.to(actor.member.email)
        assert arrived["To"].addresses[0].display_name == actor.member.full_name
        assert "Välkomna till årsmötet" in arrived.get_body(("plain",)).get_content()
        expected = (
            "Notice of meeting: Årsmöte 2026, 20 December 2026"
            if actor.member is english
            else "Kallelse: Årsmöte 2026, 20 december 2026"
        )
        assert str(make_header(decode_header(arrived["Subject"]))) == expected
    meeting = api.get(f"{API}/meetings/{meeting_id}", headers=assembly.officer.headers).json()
    assert meeting["notice_mail_status"] == "queued"
