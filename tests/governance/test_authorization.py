"""R1 for governance (see tests/authz.py): the board and the admin run meetings, members vote, everyone
signed in reads. "board" is a board login without a member record: it runs meetings but cannot vote."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.governance.meetings import (
    create_meeting,
    open_meeting,
    register_attendance,
    set_officials,
    submit_motion,
)
from kooperativet.governance.models import BoardAssignment, BoardRole, Minutes
from kooperativet.governance.rulebooks import seed_default_rulebook
from kooperativet.governance.rules.rulebook import default_rulebook
from kooperativet.governance.rules.terms import MeetingKind
from kooperativet.governance.schemas.meetings import MotionCreate, OfficialsUpdate
from kooperativet.governance.schemas.rulebooks import RulebookFields
from kooperativet.governance.schemas.votes import VoteCreate
from kooperativet.governance.votes import open_vote
from tests.authz import (
    AUDITOR_READS,
    AUDITOR_REFUSED,
    EVERYONE,
    ROLES,
    Actors,
    Expectation,
    check,
    operations,
    row,
    with_auditor,
)
from tests.governance.conftest import TEST_TALLY_KEY_BITS

BOARD_WRITE = row(401, 403, 403, 403, 201, 201)
BOARD_ACTION = row(401, 403, 403, 403, 200, 200)
BOARD_REFUSED_BY_STATE = row(401, 403, 403, 403, 409, 409)
VOTERS_ONLY = row(401, 201, 201, 422, 422, 422)

EXPECTATIONS: dict[str, Expectation] = {
    "list_rulebooks": (EVERYONE, None),
    "add_rulebook": (
        row(401, 403, 403, 403, 403, 201),
        {
            "valid_from": "2031-01-01",
            "source": "stadgar 2031",
            "rules": json.loads(RulebookFields.from_rulebook(default_rulebook()).model_dump_json()),
        },
    ),
    "list_board_assignments": (EVERYONE, None),
    "appoint_board_member": (
        row(401, 403, 403, 403, 403, 201),
        {"member_id": "{member_id}", "role": "member", "term_from": "2026-05-01"},
    ),
    "list_meetings": (EVERYONE, None),
    # A day to come, whenever the suite runs: a day that has passed is refused (meeting_in_the_past).
    "create_meeting": (BOARD_WRITE, {"kind": "board", "title": "Styrelsemöte", "held_on": "2999-12-01"}),
    "get_meeting": (EVERYONE, None),
    "add_agenda_item": (BOARD_WRITE, {"kind": "report", "title": "Verksamhetsberättelse"}),
    # The test's meeting is open: the board may ask, and is refused by the meeting's state.
    "add_standard_agenda": (BOARD_REFUSED_BY_STATE, None),
    "set_start_time": (BOARD_REFUSED_BY_STATE, {"starts_at": "18:30"}),
    "submit_motion": (row(401, 409, 409, 422, 422, 422), {"title": "Motion", "text": "Vi föreslår …"}),
    "answer_motion": (BOARD_ACTION, {"board_answer": "Styrelsen föreslår bifall."}),
    "give_notice": (BOARD_REFUSED_BY_STATE, {"text": "Kallelse"}),
    "open_meeting": (BOARD_REFUSED_BY_STATE, {"override_reason": "test"}),
    "set_meeting_officials": (
        BOARD_ACTION,
        {
            "chair_member_id": "{member_id}",
            "secretary_member_id": "{other_member_id}",
            "adjuster1_member_id": "{extra1_id}",
            "adjuster2_member_id": "{extra2_id}",
        },
    ),
    "register_attendance": (BOARD_WRITE, {"member_id": "{extra1_id}"}),
    "register_proxy": (
        BOARD_WRITE,
        {
            "principal_member_id": "{extra2_id}",
            "attendee_member_id": "{member_id}",
            "dated": "{today}",
            "signed": True,
        },
    ),
    "close_meeting": (BOARD_REFUSED_BY_STATE, None),
    "open_vote": (BOARD_WRITE, {"method": "open", "question": "Q?"}),
    "propose_per_capsulam": (BOARD_WRITE, {"question": "Köpa en skrivare?"}),
    "get_vote": (EVERYONE, None),
    "cast_vote": (VOTERS_ONLY, {"choice": "yes"}),
    "close_vote": (BOARD_ACTION, {}),
    "get_published_ballots": (row(401, 409, 409, 409, 409, 409), None),
    "recount": (row(401, 409, 409, 409, 409, 409), None),
    "draw_up_minutes": (BOARD_REFUSED_BY_STATE, {}),
    # Only the adjusters elected at the meeting (here the two members) approve its minutes; a login without
    # a member record is refused as no member, and nobody else may approve in an adjuster's name.
    "approve_minutes": (row(401, 200, 200, 422, 422, 422), None),
    "take_up_item": (BOARD_ACTION, None),
    "decide_item": (BOARD_ACTION, {"decision": "bifalla motionen"}),
    "download_minutes": (EVERYONE, None),
}

#: The auditor (revisor): reads what the office reads, acts on nothing (docs/separation-of-duties.md).
AUDITOR: dict[str, int] = {
    "list_rulebooks": AUDITOR_READS,
    "add_rulebook": AUDITOR_REFUSED,
    "list_board_assignments": AUDITOR_READS,
    "appoint_board_member": AUDITOR_REFUSED,
    "list_meetings": AUDITOR_READS,
    "create_meeting": AUDITOR_REFUSED,
    "get_meeting": AUDITOR_READS,
    "add_agenda_item": AUDITOR_REFUSED,
    "add_standard_agenda": AUDITOR_REFUSED,
    "set_start_time": AUDITOR_REFUSED,
    "submit_motion": 422,  # a member's own act; the auditor's login has no member record
    "answer_motion": AUDITOR_REFUSED,
    "give_notice": AUDITOR_REFUSED,
    "open_meeting": AUDITOR_REFUSED,
    "set_meeting_officials": AUDITOR_REFUSED,
    "register_attendance": AUDITOR_REFUSED,
    "register_proxy": AUDITOR_REFUSED,
    "close_meeting": AUDITOR_REFUSED,
    "open_vote": AUDITOR_REFUSED,
    "propose_per_capsulam": AUDITOR_REFUSED,
    "get_vote": AUDITOR_READS,
    "cast_vote": 422,  # a member's own act; the auditor's login has no member record
    "close_vote": AUDITOR_REFUSED,
    "get_published_ballots": 409,  # not a secret ballot, for everyone alike
    "recount": 409,
    "draw_up_minutes": AUDITOR_REFUSED,
    "approve_minutes": 422,  # only the elected adjusters; the auditor's login is no member
    "take_up_item": AUDITOR_REFUSED,
    "decide_item": AUDITOR_REFUSED,
    "download_minutes": AUDITOR_READS,
}
EXPECTATIONS = with_auditor(EXPECTATIONS, AUDITOR)

OPERATIONS = operations()


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and value[1:-1] in ids:
        return ids[value[1:-1]]
    return value


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation_id", sorted(EXPECTATIONS))
def test_operation_meets_its_expectation_for_role(
    api: TestClient, session: Session, make_user, make_member, cooperative, operation_id: str, role: str
) -> None:
    actors = Actors.make(make_user, make_member)
    extra1, extra2 = make_member(), make_member()
    today = datetime.now(UTC).date()
    seed_default_rulebook(session)
    member, other = actors.member.member, actors.other_member.member
    session.add(BoardAssignment(member_id=member.id, role=BoardRole.chair, term_from=date(2025, 1, 1)))
    meeting = create_meeting(
        session, kind=MeetingKind.ANNUAL, title="Årsmöte", held_on=today + timedelta(days=30), location=None
    )
    motion = submit_motion(
        session, meeting=meeting, member=member, data=MotionCreate(title="M", text="T"), today=today
    )
    now = datetime.now(UTC)
    open_meeting(
        session,
        meeting=meeting,
        override_reason="authorization test",
        early_opening_reason="authorization test",
        now=now,
    )
    register_attendance(session, meeting=meeting, member_id=member.id)
    register_attendance(session, meeting=meeting, member_id=other.id)
    set_officials(
        session,
        meeting=meeting,
        data=OfficialsUpdate(
            chair_member_id=extra1.member.id,
            secretary_member_id=extra2.member.id,
            adjuster1_member_id=member.id,
            adjuster2_member_id=other.id,
        ),
    )
    vote = open_vote(
        session,
        meeting=meeting,
        data=VoteCreate(method="open", question="Q?"),
        now=now,
        tally_key_bits=TEST_TALLY_KEY_BITS,
        rng=random.Random(0),
    )
    minutes = Minutes(
        meeting_id=meeting.id,
        version=1,
        pdf=b"%PDF-1.7",
        sha256="0" * 64,
        audit_head_hash="0" * 64,
        created_at=now,
    )
    session.add(minutes)
    session.flush()
    ids = {
        "member_id": member.id,
        "other_member_id": other.id,
        "extra1_id": extra1.member.id,
        "extra2_id": extra2.member.id,
        "today": today.isoformat(),
    }
    method, template = OPERATIONS[operation_id]
    path = template.format(meeting_id=meeting.id, item_id=motion.id, vote_id=vote.id, minutes_id=minutes.id)
    statuses, body = EXPECTATIONS[operation_id]
    check(api, actors, role, method=method, path=path, body=_fill(body, ids), expected=statuses[role])
