"""Minutes (protokoll): a PDF per meeting from its committed record. Locked once adjusted; a correction is a
new version that refers to the previous one (and the database refuses changes to locked minutes)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.audit.service import ChainHead, append_event, chain_head
from kooperativet.documents.render import render_pdf
from kooperativet.errors import Conflict, NotFound, RuleViolation
from kooperativet.governance import service
from kooperativet.governance.models import Meeting, MeetingStatus, Minutes, Vote, VoteMethod
from kooperativet.governance.rules import MeetingKind
from kooperativet.parties.models import Cooperative, Member

TEMPLATE = "minutes/minutes.html"

METHOD_LABELS = {
    VoteMethod.open: "öppen omröstning",
    VoteMethod.secret: "sluten omröstning",
    VoteMethod.election: "val (sluten omröstning)",
    VoteMethod.board: "styrelsebeslut",
    VoteMethod.per_capsulam: "per capsulam",
}


def _name(session: Session, member_id: int | None) -> str:
    member = session.get(Member, member_id) if member_id is not None else None
    return member.full_name if member is not None else "—"


#: The minutes are Swedish; the API states the majority rule in English (``service._majority_text``).
MAJORITY_WORDS_SV: Final = (
    ("every board member reached and agreeing", "alla styrelseledamöter nådda och eniga"),
    ("candidate(s) with most votes", "kandidater med flest röster"),
    ("board members present", "närvarande styrelseledamöter"),
    ("votes cast", "avgivna röster"),
    ("at least", "minst"),
    ("more than", "mer än"),
    (" of ", " av "),
    ("the ", "de "),
)


def majority_in_swedish(text: str) -> str:
    """``more than 1/2 of votes cast`` → ``mer än 1/2 av avgivna röster``."""
    for english, swedish in MAJORITY_WORDS_SV:
        text = text.replace(english, swedish)
    return text


def _vote_context(session: Session, vote: Vote) -> dict[str, Any]:
    result = json.loads(vote.result) if vote.result else {}
    if "majority_required" in result:
        result["majority_required"] = majority_in_swedish(result["majority_required"])
    return {
        "id": vote.id,
        "question": vote.question,
        "method": METHOD_LABELS[VoteMethod(vote.method)],
        "kind": str(vote.decision_kind),
        "rulebook_id": vote.rulebook_id,
        "result": result,
        "excluded": [_name(session, i) for i in service.excluded_of(vote)],
        "commitment": vote.ballot_commitment,
        "parameter": (
            f"{vote.parameter_key} = {vote.parameter_value} från {vote.parameter_valid_from}"
            if vote.parameter_value_id is not None
            else None
        ),
    }


def _per_capsulam_since_last_board_meeting(session: Session, meeting: Meeting) -> list[Vote]:
    """Per capsulam decisions are recorded in the minutes of the next board meeting."""
    previous = session.scalar(
        select(func.max(Meeting.held_on)).where(
            Meeting.kind == MeetingKind.BOARD, Meeting.held_on < meeting.held_on
        )
    )
    closed = session.scalars(
        select(Vote)
        .where(Vote.method == VoteMethod.per_capsulam, Vote.closed_at.is_not(None))
        .order_by(Vote.id)
    )
    return [
        v
        for v in closed
        if v.closed_at is not None
        and (previous is None or v.closed_at.date() > previous)
        and v.closed_at.date() <= meeting.held_on
    ]


def minutes_context(
    session: Session, *, meeting: Meeting, version: int, audit_head: ChainHead
) -> dict[str, Any]:
    cooperative = session.scalar(select(Cooperative).order_by(Cooperative.id).limit(1))
    votes = service.votes_of(session, meeting=meeting)
    by_item: dict[int | None, list[dict[str, Any]]] = {}
    for vote in votes:
        by_item.setdefault(vote.agenda_item_id, []).append(_vote_context(session, vote))
    per_capsulam = (
        [_vote_context(session, v) for v in _per_capsulam_since_last_board_meeting(session, meeting)]
        if meeting.kind == MeetingKind.BOARD
        else []
    )
    return {
        "cooperative": cooperative.name if cooperative else "",
        "meeting": meeting,
        "version": version,
        "present": [_name(session, a.member_id) for a in meeting.attendance],
        "proxies": [
            {
                "principal": _name(session, p.principal_member_id),
                "attendee": _name(session, p.attendee_member_id),
                "dated": p.dated,
            }
            for p in meeting.proxies
        ],
        "quorum": service.quorum(session, meeting=meeting),
        "chair": _name(session, meeting.chair_member_id),
        "secretary": _name(session, meeting.secretary_member_id),
        "adjusters": [
            _name(session, meeting.adjuster1_member_id),
            _name(session, meeting.adjuster2_member_id),
        ],
        "items": [
            {
                "position": item.position,
                "title": item.title,
                "kind": str(item.kind),
                "text": item.text,
                "motion_by": _name(session, item.motion_by_member_id) if item.motion_by_member_id else None,
                "board_answer": item.board_answer,
                "decision": item.decision,
                "votes": by_item.get(item.id, []),
            }
            for item in meeting.items
        ],
        "other_votes": by_item.get(None, []),
        "per_capsulam": per_capsulam,
        "audit_head": audit_head,
    }


def draw_up_minutes(
    session: Session, *, meeting: Meeting, correction_reason: str | None, now: datetime
) -> Minutes:
    """Render the minutes of a closed meeting. A draft is redrawn in place; after the latest version is
    locked (adjusted), a new version is a correction: it needs a reason and refers to the previous one."""
    if meeting.status != MeetingStatus.closed:
        raise Conflict("minutes are drawn up after the meeting is closed", code=f"meeting_{meeting.status}")
    latest = session.scalar(
        select(Minutes).where(Minutes.meeting_id == meeting.id).order_by(Minutes.version.desc()).limit(1)
    )
    reason = (correction_reason or "").strip() or None
    if latest is not None and latest.locked_at is not None and reason is None:
        raise RuleViolation(
            "the minutes are adjusted and locked; a correction needs a reason",
            code="correction_reason_required",
            field="correction_reason",
        )
    anchor = chain_head(session)
    redraw = latest is not None and latest.locked_at is None
    version = latest.version if latest is not None and redraw else (latest.version + 1 if latest else 1)
    correction = reason if latest is not None and not redraw else None
    context = minutes_context(session, meeting=meeting, version=version, audit_head=anchor)
    context["correction"] = correction
    pdf = render_pdf(TEMPLATE, context)
    if latest is not None and redraw:
        minutes = latest
    else:
        minutes = Minutes(
            meeting_id=meeting.id,
            version=version,
            refers_to_id=latest.id if latest is not None else None,
            correction_reason=correction,
        )
    minutes.pdf = pdf
    minutes.sha256 = hashlib.sha256(pdf).hexdigest()
    minutes.audit_head_hash = anchor.hash
    minutes.created_at = now
    session.add(minutes)
    session.flush()
    return minutes


def get_minutes(session: Session, *, minutes_id: int) -> Minutes:
    minutes = session.get(Minutes, minutes_id)
    if minutes is None:
        raise NotFound(f"minutes {minutes_id} do not exist")
    return minutes


def list_minutes(session: Session, *, meeting: Meeting) -> list[Minutes]:
    return list(
        session.scalars(select(Minutes).where(Minutes.meeting_id == meeting.id).order_by(Minutes.version))
    )


def lock_minutes(session: Session, *, minutes: Minutes, now: datetime) -> Minutes:
    """The chair and adjusters have signed: the minutes are locked for good."""
    if minutes.locked_at is not None:
        raise Conflict(f"minutes {minutes.id} are already locked", code="minutes_locked")
    minutes.locked_at = now
    session.flush()
    append_event(
        session,
        kind="minutes_locked",
        payload={
            "meeting_id": minutes.meeting_id,
            "minutes_id": minutes.id,
            "version": minutes.version,
            "sha256": minutes.sha256,
        },
        now=now,
    )
    return minutes
