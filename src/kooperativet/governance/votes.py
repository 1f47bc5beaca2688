"""Votes: putting a question or an election to a meeting (or per capsulam to the board) and casting votes.

A secret ballot stores the voter on the roll and an unlinked, encrypted ballot (``governance.ballots``,
``governance.ballot_encryption``); an open vote stores the voter's choice."""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.db import fetch_locked
from kooperativet.errors import Conflict, NotFound, RuleViolation
from kooperativet.governance import acclamation, conduct, statute_readings
from kooperativet.governance import ballot_encryption as encryption
from kooperativet.governance import ballots as ballot_rules
from kooperativet.governance.board import voting_board
from kooperativet.governance.meetings import (
    entitled_general,
    get_item,
    present_members,
    quorum,
    require_status,
)
from kooperativet.governance.members import existing_member
from kooperativet.governance.models import (
    AgendaItem,
    Meeting,
    MeetingStatus,
    OpenVoteCast,
    SecretBallot,
    SecretBallotRoll,
    Vote,
    VoteMethod,
    VoteStatus,
)
from kooperativet.governance.rulebooks import rulebook_in_force, rulebook_of
from kooperativet.governance.rules.procedure import may_change_vote
from kooperativet.governance.rules.readings import STATUTE_CHANGES
from kooperativet.governance.rules.terms import Choice, DecisionKind, MeetingKind, swedish_day
from kooperativet.governance.schemas.votes import (
    BallotCreate,
    ParameterProposal,
    PerCapsulamCreate,
    VoteCreate,
)
from kooperativet.governance.vote_notices import tell_voters
from kooperativet.parameters import service as parameters
from kooperativet.parties.models import Member

SECRET_METHODS = frozenset({VoteMethod.secret, VoteMethod.election})


def _check_parameter(session: Session, proposal: ParameterProposal | None) -> None:
    """The value a vote would set is checked as the parameter page checks it, the law's cap on a reminder fee
    included: a proposal the parameters refuse would be adopted and then fail when the result is applied."""
    if proposal is None:
        return
    parameters.checked_value(
        session,
        key=proposal.key,
        value=proposal.value,
        valid_from=proposal.valid_from,
        field="sets_parameter",
        date_field="sets_parameter",
    )


def _new_vote(
    session: Session,
    *,
    vote: Vote,
    excluded: Sequence[int],
    proposal: ParameterProposal | None,
    now: datetime,
) -> Vote:
    for member_id in excluded:
        existing_member(session, member_id, field="excluded_member_ids")
    _check_parameter(session, proposal)
    vote.excluded_member_ids = sorted(set(excluded))
    if proposal is not None:
        vote.parameter_key = proposal.key
        vote.parameter_value = proposal.value
        vote.parameter_valid_from = proposal.valid_from
    vote.opened_at = now
    session.add(vote)
    session.flush()
    append_event(
        session,
        kind="vote_opened",
        payload={
            "vote_id": vote.id,
            "meeting_id": vote.meeting_id,
            "method": vote.method,
            "question": vote.question,
            "rulebook_id": vote.rulebook_id,
            "excluded_member_ids": sorted(set(excluded)),
        },
        now=now,
    )
    tell_voters(session, vote=vote)
    return vote


def open_vote(
    session: Session,
    *,
    meeting: Meeting,
    data: VoteCreate,
    now: datetime,
    tally_key_bits: int,
    rng: random.Random,
) -> Vote:
    """Put a question (or an election) to the meeting, under the meeting's rulebook version.

    A secret ballot or election gets a fresh Paillier key pair of ``tally_key_bits`` bits: the public key is
    stored, the private key only wrapped with the tellers' passphrase (``governance.ballot_encryption``).
    """
    require_status(meeting, MeetingStatus.open)
    if data.ends_at is not None and data.ends_at <= now:
        # Opened as open and closed at once: no ballot could be cast, and the vote would say it is open.
        raise RuleViolation(
            f"ends_at {data.ends_at.isoformat()} has passed; a vote must end after it opens",
            code="vote_ends_before_it_opens",
            field="ends_at",
        )
    if data.method == VoteMethod.per_capsulam:
        raise RuleViolation(
            "per capsulam decisions are made between meetings",
            code="per_capsulam_between_meetings",
            field="method",
        )
    board_meeting = meeting.kind == MeetingKind.BOARD
    if board_meeting != (data.method == VoteMethod.board):
        raise RuleViolation(
            "a board meeting decides by board vote; a general meeting by open vote, secret ballot, election",
            code="wrong_vote_method",
            field="method",
        )
    item = (
        None
        if data.agenda_item_id is None
        else get_item(session, meeting=meeting, item_id=data.agenda_item_id)
    )
    election = data.method == VoteMethod.election
    if election:
        names = [c.strip() for c in data.candidates or []]
        if not data.seats or not names or len(set(names)) != len(names) or not all(names):
            raise RuleViolation(
                "an election needs seats and distinct, named candidates",
                code="election_candidates",
                field="candidates",
            )
        if data.sets_parameter is not None or data.excluded_member_ids:
            raise RuleViolation(
                "an election sets no parameter and has no jäv",
                code="election_sets_nothing",
                field="sets_parameter",
            )
    elif data.seats is not None or data.candidates is not None:
        raise RuleViolation(
            "only elections have seats and candidates", code="seats_for_elections_only", field="candidates"
        )
    kind = DecisionKind.ELECTION if election else data.decision_kind
    if board_meeting and kind is not DecisionKind.BOARD:
        kind = DecisionKind.BOARD
    if not election and kind is DecisionKind.ELECTION:
        raise RuleViolation(
            "an election is held with method election", code="election_by_method", field="decision_kind"
        )
    if not board_meeting and kind is DecisionKind.BOARD:
        raise RuleViolation(
            "board decisions are made by the board", code="board_decides_by_board", field="decision_kind"
        )
    _check_statute_change(kind, item)
    if item is not None:
        acclamation.refuse_if_decided_without_vote(session, item=item)
        statute_readings.check_vote_confirms(session, meeting=meeting, item=item, kind=kind)
    if not board_meeting and not quorum(session, meeting=meeting).quorate:
        raise Conflict("the meeting is not quorate", code="not_quorate")
    _check_someone_votes(session, meeting=meeting, excluded=data.excluded_member_ids)
    item = conduct.item_for_vote(
        session, meeting=meeting, item=item, question=data.question, election=election, now=now
    )
    vote = Vote(
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        method=data.method,
        decision_kind=kind,
        question=data.question,
        rulebook_id=meeting.rulebook_id,
        seats=data.seats if election else None,
        candidates=[c.strip() for c in data.candidates or []] if election else None,
        hide_results=data.hide_results and data.method == VoteMethod.open,
        ends_at=data.ends_at,
    )
    _add_tally_key(vote, passphrase=data.tellers_passphrase, bits=tally_key_bits, rng=rng)
    return _new_vote(
        session, vote=vote, excluded=data.excluded_member_ids, proposal=data.sets_parameter, now=now
    )


def _check_someone_votes(session: Session, *, meeting: Meeting, excluded: Sequence[int]) -> None:
    """Refuse a question nobody may vote on: every member entitled to vote at the meeting (the voting board
    members present at a board meeting, those present or represented at a general meeting) is marked
    disqualified. Such a vote could only close with no votes cast and be recorded as the meeting's
    decision to reject, which nobody made; jäv keeps a member from voting, it does not decide the matter."""
    if meeting.kind == MeetingKind.BOARD:
        entitled = voting_board(session, on=meeting.held_on) & present_members(meeting)
    else:
        entitled = entitled_general(session, meeting=meeting)
    if entitled and not entitled - set(excluded):
        raise RuleViolation(
            f"every one of the {len(entitled)} member(s) entitled to vote is marked disqualified "
            "(excluded_member_ids): nobody could vote",
            code="nobody_entitled_to_vote",
            field="excluded_member_ids",
        )


def _check_statute_change(kind: DecisionKind, item: AgendaItem | None) -> None:
    """A statute change is decided with its qualified majority, and only under an agenda item marked as a
    statute change that the notice announced (SFS 2018:672 6 kap. 22 §, 25 § and 35 §): members who stayed
    away because the notice said nothing of it would otherwise be bound by a change they never heard of. Under
    such an item only the statute change itself is put, so the ordinary majority cannot decide it."""
    changes_statutes = kind in STATUTE_CHANGES
    if item is None:
        if changes_statutes:
            raise RuleViolation(
                "a statute change is decided under an agenda item marked as a statute change in the notice",
                code="statute_change_not_on_agenda",
                field="agenda_item_id",
            )
        return
    if changes_statutes != item.statute_change:
        raise RuleViolation(
            f"agenda item {item.id} is {'' if item.statute_change else 'not '}marked as a statute change; "
            "a statute change, and only it, is decided under such an item, with its qualified majority",
            code="statute_change_item",
            field="decision_kind",
        )
    if changes_statutes and item.noticed_on is None:
        raise RuleViolation(
            f"agenda item {item.id} was added after the notice went out; a statute change must be announced "
            "in the notice",
            code="statute_change_not_on_agenda",
            field="agenda_item_id",
        )


def _add_tally_key(vote: Vote, *, passphrase: str | None, bits: int, rng: random.Random) -> None:
    if vote.method not in SECRET_METHODS:
        if passphrase is not None:
            raise RuleViolation(
                "only secret ballots and elections have tellers",
                code="tellers_for_secret_only",
                field="tellers_passphrase",
            )
        return
    if passphrase is None:
        raise RuleViolation(
            "a secret ballot needs the tellers' passphrase: it seals the key that decrypts the tally",
            code="tellers_passphrase_required",
            field="tellers_passphrase",
        )
    key = encryption.new_tally_key(bits=bits, rng=rng)
    vote.tally_public_key = str(key.n)
    vote.tally_key_wrapped = encryption.wrap_key(key=key, passphrase=passphrase, rng=rng)


def ballot_options(vote: Vote) -> list[str | None]:
    """The options a ballot marks 0 or 1, in ciphertext order: yes, no, abstain for a secret ballot; the
    candidates and then ``None`` (the blank mark, 1 when no candidate is named) for an election."""
    if vote.method == VoteMethod.election:
        return [*(candidates_of(vote) or []), None]
    return [choice.value for choice in Choice]


def propose_per_capsulam(session: Session, *, data: PerCapsulamCreate, now: datetime, today: date) -> Vote:
    """A board decision between meetings: adopted only if every board member is reached and agrees."""
    if not voting_board(session, on=today):
        raise Conflict("there is no board on this date", code="no_board")
    vote = Vote(
        method=VoteMethod.per_capsulam,
        decision_kind=DecisionKind.BOARD,
        question=data.question,
        rulebook_id=rulebook_in_force(session, on=today).id,
    )
    return _new_vote(
        session, vote=vote, excluded=data.excluded_member_ids, proposal=data.sets_parameter, now=now
    )


def get_vote(session: Session, *, vote_id: int) -> Vote:
    vote = session.get(Vote, vote_id)
    if vote is None:
        raise NotFound(f"vote {vote_id} does not exist")
    return vote


def locked_vote(session: Session, vote: Vote) -> Vote:
    """``vote`` read afresh and locked until the transaction ends. Casting and closing take turns on it: a
    vote cast while the vote closes is either counted or refused (``vote_closed``), never stored uncounted,
    and two closes at once record one result."""
    locked = fetch_locked(session, select(Vote).where(Vote.id == vote.id))
    if locked is None:
        raise NotFound(f"vote {vote.id} does not exist")
    return locked


def excluded_of(vote: Vote) -> list[int]:
    return [int(i) for i in vote.excluded_member_ids]


def candidates_of(vote: Vote) -> list[str] | None:
    return None if vote.candidates is None else [str(c) for c in vote.candidates]


def vote_day(vote: Vote, meeting: Meeting | None) -> date:
    """The day whose members and board vote: the meeting's, or for per capsulam the Swedish day it was put
    (the day ``propose_per_capsulam`` checked the board on), not the UTC date."""
    return meeting.held_on if meeting is not None else swedish_day(vote.opened_at)


def _check_voter(session: Session, *, vote: Vote, caster: Member, data: BallotCreate) -> int:
    """The member whose vote this is (the caster, or the principal of the caster's proxy)."""
    voter_id = data.on_behalf_of_member_id or caster.id
    refusal = voter_refusal(
        session, vote=vote, caster=caster, voter_id=voter_id, by_proxy=data.on_behalf_of_member_id is not None
    )
    if refusal is not None:
        raise refusal
    return voter_id


def voter_refusal(
    session: Session, *, vote: Vote, caster: Member, voter_id: int, by_proxy: bool
) -> RuleViolation | None:
    """Why ``caster`` may not cast the vote of ``voter_id`` (her own, or by proxy) on ``vote``; None when she
    may. The one statement of who votes: casting refuses by it, and the web offers a ballot only to those
    it lets through. Whether she has voted already is not asked here."""
    meeting = session.get(Meeting, vote.meeting_id) if vote.meeting_id is not None else None
    day = vote_day(vote, meeting)
    holds_proxy = meeting is not None and any(
        p.principal_member_id == voter_id and p.attendee_member_id == caster.id for p in meeting.proxies
    )
    if by_proxy and not holds_proxy:
        return RuleViolation(
            f"you hold no proxy for member {voter_id} at this meeting",
            code="no_proxy",
            field="on_behalf_of_member_id",
        )
    if voter_id in excluded_of(vote):
        return RuleViolation(f"member {voter_id} is disqualified (jäv) on this matter", code="voter_excluded")
    # SFS 2018:672 6 kap. 37 § (jäv): a disqualified member votes neither herself nor as someone else's proxy.
    if caster.id in excluded_of(vote):
        return RuleViolation(
            "you are disqualified (jäv) on this matter and may not vote as another's proxy either",
            code="voter_excluded",
        )
    voter = existing_member(session, voter_id, field="on_behalf_of_member_id")
    if not voter.is_current_on(day) or not caster.is_current_on(day):
        return RuleViolation("only current members vote", code="not_a_current_member")
    board_vote = vote.method in (VoteMethod.board, VoteMethod.per_capsulam)
    if board_vote and voter_id not in voting_board(session, on=day):
        return RuleViolation("only the board's members vote on a board decision", code="not_on_the_board")
    if meeting is not None and caster.id not in present_members(meeting):
        return RuleViolation("register your attendance at the meeting first", code="not_present")
    return None


def cast_vote(
    session: Session, *, vote: Vote, caster: Member, data: BallotCreate, now: datetime, rng: random.Random
) -> tuple[str | None, str | None]:
    """Record a vote; for a secret ballot return (receipt, canonical encrypted ballot).

    Open votes are stored with the voter. A secret ballot is checked (one choice; up to the seats, among
    the candidates), then writes the voter onto the roll and, in the same transaction, an unlinked ballot
    (random id, no time) holding only ciphertexts encrypted with randomness from ``rng``.
    """
    vote = locked_vote(session, vote)
    if vote.status != VoteStatus.open or (vote.ends_at is not None and now >= vote.ends_at):
        raise Conflict(f"vote {vote.id} is closed", code="vote_closed")
    voter_id = _check_voter(session, vote=vote, caster=caster, data=data)
    if vote.method in SECRET_METHODS:
        return _cast_ballot(session, vote=vote, voter_id=voter_id, data=data, rng=rng)
    if data.choice is None or data.candidates is not None:
        raise RuleViolation("give a choice: yes, no or abstain", code="choice_required", field="choice")
    existing = session.scalar(
        select(OpenVoteCast).where(OpenVoteCast.vote_id == vote.id, OpenVoteCast.member_id == voter_id)
    )
    if existing is not None:
        rulebook = rulebook_of(session, vote.rulebook_id)
        if not may_change_vote(rulebook=rulebook, secret_ballot=False, closed=False):
            raise Conflict(f"member {voter_id} has already voted", code="already_voted")
        existing.choice, existing.cast_by_member_id, existing.cast_at = data.choice, caster.id, now
    else:
        session.add(
            OpenVoteCast(
                vote_id=vote.id,
                member_id=voter_id,
                cast_by_member_id=caster.id,
                choice=data.choice,
                cast_at=now,
            )
        )
    session.flush()
    append_event(
        session,
        kind="vote_cast",
        payload={
            "vote_id": vote.id,
            "member_id": voter_id,
            "cast_by_member_id": caster.id,
            "choice": data.choice,
        },
        now=now,
    )
    return None, None


def _cast_ballot(
    session: Session, *, vote: Vote, voter_id: int, data: BallotCreate, rng: random.Random
) -> tuple[str, str]:
    if vote.method == VoteMethod.election:
        seats, standing = vote.seats or 0, set(candidates_of(vote) or [])
        # With fewer candidates than seats a ballot names at most every candidate: the refusal says the
        # number she can really choose, not the seats.
        most = min(seats, len(standing))
        chosen = data.candidates
        if chosen is None or data.choice is not None:
            raise RuleViolation(
                f"name up to {most} candidate(s)", code="candidates_required", field="candidates"
            )
        if len(chosen) > seats or len(set(chosen)) != len(chosen) or not set(chosen) <= standing:
            raise RuleViolation(
                f"name up to {most} different candidate(s) among: {', '.join(sorted(standing))}",
                code="invalid_ballot",
                field="candidates",
            )
        selection: set[str | None] = set(chosen) if chosen else {None}
    else:
        if data.choice is None or data.candidates is not None:
            raise RuleViolation("give a choice: yes, no or abstain", code="choice_required", field="choice")
        selection = {data.choice.value}
    if session.get(SecretBallotRoll, (vote.id, voter_id)) is not None:
        raise Conflict(f"member {voter_id} has already voted", code="already_voted")
    # The choice lives in plain only in this request's memory: what is stored is one ciphertext per option.
    assert vote.tally_public_key is not None
    ciphertexts = encryption.encrypt_marks(
        public_n=int(vote.tally_public_key),
        marks=[int(option in selection) for option in ballot_options(vote)],
        rng=rng,
    )
    content = ballot_rules.canonical_ballot(vote_id=str(vote.id), ciphertexts=ciphertexts)
    receipt = ballot_rules.receipt_for(ballot_content=content)
    session.add(SecretBallotRoll(vote_id=vote.id, member_id=voter_id))
    session.add(SecretBallot(id=str(uuid.uuid4()), vote_id=vote.id, content=content, receipt=receipt))
    session.flush()
    # Deliberately no audit entry per ballot: its position in the log would order it against the roll.
    # The close event commits to the whole set (roll count, ballot count, commitment).
    return receipt, content


def voted_count(session: Session, *, vote: Vote) -> int:
    table = SecretBallotRoll if vote.method in SECRET_METHODS else OpenVoteCast
    return session.scalar(select(func.count()).select_from(table).where(table.vote_id == vote.id)) or 0


def published_ballots(session: Session, *, vote: Vote) -> list[ballot_rules.PublishedBallot]:
    """The ballots with their receipts, ordered by receipt (an order unrelated to casting)."""
    rows = session.execute(
        select(SecretBallot.content, SecretBallot.receipt)
        .where(SecretBallot.vote_id == vote.id)
        .order_by(SecretBallot.receipt)
    )
    return [ballot_rules.PublishedBallot(content=c, receipt=r) for c, r in rows]


def encrypted_ballots(session: Session, *, vote: Vote) -> list[list[int]]:
    return [ballot_rules.ciphertexts_of(b.content) for b in published_ballots(session, vote=vote)]


def cast_votes(session: Session, *, vote: Vote) -> list[OpenVoteCast]:
    return list(
        session.scalars(
            select(OpenVoteCast).where(OpenVoteCast.vote_id == vote.id).order_by(OpenVoteCast.member_id)
        )
    )


def votes_of(session: Session, *, meeting: Meeting) -> list[Vote]:
    return list(session.scalars(select(Vote).where(Vote.meeting_id == meeting.id).order_by(Vote.id)))
