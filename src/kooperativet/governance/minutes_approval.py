"""Justering: the adjusters elected at the meeting approve the draft minutes, each from their own account.

Föreningslagen (2018:672) 6 kap. 39 § wants the minutes of a general meeting signed by the one who kept
them and adjusted (justerat) by the chair (unless the chair kept them) and at least one adjuster the meeting
chose; this cooperative chooses two adjusters, and both must approve (docs/governance.md, "Minutes").
Each approval is a recorded step (a row and an audit event) naming the draft PDF it approved by its SHA-256.
When the second adjuster approves, the text of the adjusted minutes (no draft marking, with who approved and
when) is written and the minutes locked, in that transaction: from then on the database refuses any change
but storing their PDF once, which the document pipeline renders from that text after the commit, and a
correction is a new version (``minutes.draw_up_minutes``). The ``minutes_locked`` event names the text by its
SHA-256; the ``document_rendered`` event that stores the PDF names the PDF by its own.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.db import fetch_locked
from kooperativet.errors import Conflict, NotFound, PermissionDenied
from kooperativet.governance.minutes import write_minutes
from kooperativet.governance.models import Meeting, Minutes, MinutesApproval
from kooperativet.parties.models import Member


def adjusters_of(meeting: Meeting) -> frozenset[int]:
    return frozenset(m for m in (meeting.adjuster1_member_id, meeting.adjuster2_member_id) if m is not None)


def approve_minutes(
    session: Session, *, minutes: Minutes, member: Member, now: datetime, read_sha256: str | None = None
) -> Minutes:
    """Record ``member``'s approval of the draft; the second approval locks the minutes.

    ``read_sha256`` names the draft PDF the adjuster read (the web's form always sends the one it showed).
    If the minutes were redrawn since, the approval is refused: it would otherwise name a draft she never
    read. Without it, the approval names the draft as it stands when it is written."""
    minutes = _locked(session, minutes)
    if minutes.locked_at is not None:
        raise Conflict(f"minutes {minutes.id} are already adjusted and locked", code="minutes_locked")
    meeting = session.get(Meeting, minutes.meeting_id)
    assert meeting is not None
    adjusters = adjusters_of(meeting)
    if member.id not in adjusters:
        raise PermissionDenied(
            "only the adjusters elected at the meeting approve its minutes", code="not_an_adjuster"
        )
    if any(a.member_id == member.id for a in minutes.approvals):
        raise Conflict("you have already approved these minutes", code="already_approved")
    if minutes.sha256 is None:  # nobody has read a draft whose PDF is not rendered yet
        raise Conflict(
            f"the draft of minutes {minutes.id} is still being rendered: read its PDF, then approve it",
            code="draft_pending",
        )
    if read_sha256 is not None and read_sha256 != minutes.sha256:
        raise Conflict(
            f"minutes {minutes.id} were redrawn after you read them (you read the draft {read_sha256[:12]}…, "
            f"it is now {minutes.sha256[:12]}…): read the new draft, then approve it",
            code="draft_redrawn",
        )
    session.add(
        MinutesApproval(
            minutes_id=minutes.id, member_id=member.id, draft_sha256=minutes.sha256, approved_at=now
        )
    )
    session.flush()
    session.expire(minutes, ["approvals"])
    append_event(
        session,
        kind="minutes_approved",
        payload={
            "meeting_id": meeting.id,
            "minutes_id": minutes.id,
            "version": minutes.version,
            "member_id": member.id,
            "draft_sha256": minutes.sha256,
        },
        now=now,
    )
    if {a.member_id for a in minutes.approvals} >= adjusters and len(adjusters) == 2:
        _lock(session, minutes=minutes, meeting=meeting, now=now)
    return minutes


def _locked(session: Session, minutes: Minutes) -> Minutes:
    """The minutes read afresh and locked until the transaction ends: a redraw of the draft
    (``minutes.draw_up_minutes``) and an approval take turns, so an approval names the draft as it is."""
    locked = fetch_locked(session, select(Minutes).where(Minutes.id == minutes.id))
    if locked is None:
        raise NotFound(f"minutes {minutes.id} do not exist")
    return locked


def _lock(session: Session, *, minutes: Minutes, meeting: Meeting, now: datetime) -> None:
    """Both adjusters approved the same draft: write the adjusted minutes and lock them for good; their PDF
    follows the commit."""
    draft = minutes.sha256
    if any(a.draft_sha256 != draft for a in minutes.approvals):
        # Adjusted means both read the same text; an approval of another draft never locks this one.
        raise Conflict(
            f"the approvals of minutes {minutes.id} name different drafts: redraw them and approve again",
            code="approvals_of_different_drafts",
        )
    write_minutes(session, minutes=minutes, meeting=meeting, final=True, now=now)
    minutes.locked_at = now
    session.flush()
    assert minutes.html is not None
    append_event(
        session,
        kind="minutes_locked",
        payload={
            "meeting_id": meeting.id,
            "minutes_id": minutes.id,
            "version": minutes.version,
            "draft_sha256": draft,
            "text_sha256": hashlib.sha256(minutes.html.encode()).hexdigest(),
            "approved_by": [a.member_id for a in minutes.approvals],
        },
        now=now,
    )
