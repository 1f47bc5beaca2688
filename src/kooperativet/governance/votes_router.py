"""Votes over HTTP: putting a question, a secret ballot or an election to the vote, per capsulam decisions,
casting, closing, and a secret ballot's publication and recount.

Current members vote at general meetings and the board's members on board decisions; anyone signed in reads
closed results. Nobody ever sees how another member voted in a secret ballot, and open votes with hidden
results only after close.
"""

from __future__ import annotations

import random
import secrets

from fastapi import APIRouter, status

from kooperativet.api.dependencies import DbSession, Now, Today
from kooperativet.api.problems import problem_responses
from kooperativet.auth.dependencies import CurrentUser
from kooperativet.governance import meetings, members, reads, results, verification, votes
from kooperativet.governance.dependencies import BoardOrAdmin, TallyKeyBits
from kooperativet.governance.schemas.verification import PublishedBallots, RecountRead
from kooperativet.governance.schemas.votes import (
    BallotCreate,
    BallotReceipt,
    PerCapsulamCreate,
    VoteClose,
    VoteCreate,
    VoteRead,
)

router = APIRouter(prefix="/api/v1/governance", tags=["governance"])


def _random_seed() -> int:
    return secrets.randbits(64)


@router.post(
    "/meetings/{meeting_id}/votes",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def open_vote(
    meeting_id: int, body: VoteCreate, _user: BoardOrAdmin, session: DbSession, clock: Now, bits: TallyKeyBits
) -> VoteRead:
    """Put a question, a secret ballot or an election to the meeting (board or admin). A secret ballot or
    election needs the tellers' passphrase: it seals the key that alone decrypts the tally."""
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    vote = votes.open_vote(
        session, meeting=meeting, data=body, now=clock, tally_key_bits=bits, rng=random.SystemRandom()
    )
    return reads.vote_read(session, vote)


@router.post(
    "/per-capsulam", status_code=status.HTTP_201_CREATED, responses=problem_responses(401, 403, 409, 422)
)
def propose_per_capsulam(
    body: PerCapsulamCreate, _user: BoardOrAdmin, session: DbSession, clock: Now, today: Today
) -> VoteRead:
    """A board decision between meetings: every board member must be reached and agree (board or admin)."""
    return reads.vote_read(session, votes.propose_per_capsulam(session, data=body, now=clock, today=today))


@router.get("/votes/{vote_id}", responses=problem_responses(401, 404))
def get_vote(vote_id: int, _user: CurrentUser, session: DbSession) -> VoteRead:
    """A vote: its result once closed; open votes show each voter's choice unless results are hidden."""
    return reads.vote_read(session, votes.get_vote(session, vote_id=vote_id))


@router.post(
    "/votes/{vote_id}/ballots",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 404, 409, 422),
)
def cast_vote(
    vote_id: int, body: BallotCreate, user: CurrentUser, session: DbSession, clock: Now
) -> BallotReceipt:
    """Vote, yourself or as a proxy. A secret ballot is stored only encrypted; it returns your receipt (the
    SHA-256 of your encrypted ballot): keep it to find your ballot among the published ones after close."""
    vote = votes.get_vote(session, vote_id=vote_id)
    caster = members.member_of(session, user=user)
    receipt, ballot = votes.cast_vote(
        session, vote=vote, caster=caster, data=body, now=clock, rng=random.SystemRandom()
    )
    return BallotReceipt(vote_id=vote.id, secret=receipt is not None, receipt=receipt, ballot=ballot)


@router.post("/votes/{vote_id}/close", responses=problem_responses(401, 403, 404, 409, 422))
def close_vote(vote_id: int, body: VoteClose, user: BoardOrAdmin, session: DbSession, clock: Now) -> VoteRead:
    """Close a vote and record the result (board or admin). A tied open vote needs the chair's casting
    vote; a tied secret ballot or election is settled by a lot whose seed is recorded. A secret ballot or
    election needs the tellers' passphrase; only its sums are decrypted, published in checkable form."""
    vote = votes.get_vote(session, vote_id=vote_id)
    closed = results.close_vote(
        session,
        vote=vote,
        chair_casting_vote=body.chair_casting_vote,
        now=clock,
        lot_seed=_random_seed(),
        shuffle_seed=_random_seed(),
        actor=user,
        tellers_passphrase=body.tellers_passphrase,
    )
    return reads.vote_read(session, closed)


@router.get("/votes/{vote_id}/published-ballots", responses=problem_responses(401, 404, 409))
def get_published_ballots(vote_id: int, _user: CurrentUser, session: DbSession) -> PublishedBallots:
    """After close: every encrypted ballot with its receipt (no names), the roll count, the SHA-256
    commitment, the public key and each option's decrypted sum with its randomness, so anyone can recount."""
    return verification.publication(session, vote=votes.get_vote(session, vote_id=vote_id))


@router.get("/votes/{vote_id}/recount", responses=problem_responses(401, 404, 409))
def recount(vote_id: int, _user: CurrentUser, session: DbSession) -> RecountRead:
    """Recount a closed secret ballot: recompute the commitment and the homomorphic sums from the stored
    ciphertexts and check each published decryption; ``ok`` is false if anything was altered."""
    return verification.recount(session, vote=votes.get_vote(session, vote_id=vote_id))
