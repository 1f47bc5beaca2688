"""What the API shows of a meeting and of a vote, gathered in one place: the services count (quorum, votes,
minutes, who has voted) and the schemas build the read models from the rows."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kooperativet.governance import meetings, minutes, votes
from kooperativet.governance.models import Meeting, Vote, VoteStatus
from kooperativet.governance.schemas.meetings import MeetingRead
from kooperativet.governance.schemas.votes import VoteRead


def meeting_read(session: Session, meeting: Meeting) -> MeetingRead:
    return MeetingRead.from_model(
        meeting,
        quorum=meetings.quorum(session, meeting=meeting),
        vote_ids=[v.id for v in votes.votes_of(session, meeting=meeting)],
        minutes=minutes.list_minutes(session, meeting=meeting),
    )


def vote_read(session: Session, vote: Vote) -> VoteRead:
    """Who voted how is shown for open votes only, and for one with hidden results only once it has closed."""
    closed = vote.status == VoteStatus.closed
    shows_casts = vote.method not in votes.SECRET_METHODS and (closed or not vote.hide_results)
    return VoteRead.from_model(
        vote,
        voted=votes.voted_count(session, vote=vote),
        cast_votes=votes.cast_votes(session, vote=vote) if shows_casts else None,
    )
