"""Results: closing a vote — the tally under its rulebook (a secret ballot decrypted only as sums, see
``governance.verification`` for its publication and recount) — and the parameter an adopted decision sets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.auth.models import User
from kooperativet.errors import Conflict, RuleViolation
from kooperativet.governance import ballot_encryption as encryption
from kooperativet.governance import ballots as ballot_rules
from kooperativet.governance import statute_readings
from kooperativet.governance.board import voting_board
from kooperativet.governance.meetings import entitled_general, present_members
from kooperativet.governance.models import (
    AgendaItem,
    Meeting,
    OpenVoteCast,
    SecretBallot,
    SecretBallotRoll,
    Vote,
    VoteMethod,
    VoteStatus,
)
from kooperativet.governance.rulebooks import rulebook_of
from kooperativet.governance.rules import tally
from kooperativet.governance.rules.elections import tally_election_sums
from kooperativet.governance.rules.procedure import may_close_early
from kooperativet.governance.rules.readings import Reading, rulebook_at
from kooperativet.governance.rules.required_majority import MajorityBase, RequiredMajority
from kooperativet.governance.rules.rulebook import Rulebook
from kooperativet.governance.rules.tally import (
    LotDraw,
    VoteResult,
    decide_per_capsulam,
    tally_board_decision,
    tally_open_vote,
    tally_secret_ballot,
)
from kooperativet.governance.rules.terms import (
    CastingVoteRequired,
    Choice,
    DecisionKind,
    GovernanceRuleError,
    Outcome,
    QuorumNotMet,
    TieBreak,
)
from kooperativet.governance.votes import (
    SECRET_METHODS,
    ballot_options,
    candidates_of,
    encrypted_ballots,
    excluded_of,
    locked_vote,
    published_ballots,
    vote_day,
    voted_count,
)
from kooperativet.parameters import service as parameters


def _ids(values: Sequence[int]) -> list[str]:
    return [str(v) for v in values]


def _roll(session: Session, vote: Vote) -> list[int]:
    return list(
        session.scalars(select(SecretBallotRoll.member_id).where(SecretBallotRoll.vote_id == vote.id))
    )


def _reshuffle(session: Session, *, vote: Vote, seed: int) -> None:
    """Rewrite the vote's ballots in shuffled order and its roll in member order, in one transaction.

    On PostgreSQL a row's physical position and ``xmin`` tell when it was written; after this rewrite every
    ballot and roll row of the vote carries the closing transaction's ``xmin`` and a position that says
    nothing about casting order. (SQLite's WITHOUT ROWID tables never kept that order.)
    """
    ballots = [
        dict(row._mapping)
        for row in session.execute(
            select(SecretBallot.id, SecretBallot.vote_id, SecretBallot.content, SecretBallot.receipt).where(
                SecretBallot.vote_id == vote.id
            )
        )
    ]
    roll = sorted(_roll(session, vote))
    session.execute(delete(SecretBallot).where(SecretBallot.vote_id == vote.id))
    session.execute(delete(SecretBallotRoll).where(SecretBallotRoll.vote_id == vote.id))
    shuffled = ballot_rules.shuffle_ballots(ballots=sorted(ballots, key=lambda b: str(b["id"])), seed=seed)
    if shuffled:
        session.execute(insert(SecretBallot), shuffled)
        session.execute(insert(SecretBallotRoll), [{"vote_id": vote.id, "member_id": m} for m in roll])
    session.expire_all()


def _turnout(value: Fraction) -> dict[str, str]:
    """The exact share; its percentage is the presentation's (``schemas.results.percent_of``)."""
    return {"fraction": f"{value.numerator}/{value.denominator}"}


def _lot(lot: LotDraw | None) -> dict[str, Any] | None:
    return None if lot is None else {"seed": str(lot.seed), "order": list(lot.order)}


def _yes_no_result(result: VoteResult, *, base: MajorityBase) -> dict[str, Any]:
    """The counts and the rule as data; the API and the minutes put the rule in words."""
    return {
        "yes": result.yes,
        "no": result.no,
        "abstentions": result.abstentions,
        "votes_cast": result.votes_cast,
        "eligible": result.eligible,
        "turnout": _turnout(result.turnout),
        "majority": RequiredMajority.share_of(result.majority, base=base).as_json(),
        "votes_needed": result.votes_needed,
        "outcome": result.outcome.value,
        "tie_break": result.tie_break.value,
        "casting_vote": result.casting_vote.value if result.casting_vote else None,
        "lot": _lot(result.lot),
        "excluded_member_ids": sorted(int(i) for i in result.excluded),
    }


def close_vote(
    session: Session,
    *,
    vote: Vote,
    chair_casting_vote: Choice | None,
    now: datetime,
    lot_seed: int,
    shuffle_seed: int,
    actor: User,
    tellers_passphrase: str | None = None,
) -> Vote:
    """Close a vote and record its result; a vote with an end time closes early only if the rulebook allows.

    ``lot_seed`` is recorded in the result only when a tie in a secret ballot or an election needs the lot;
    ``shuffle_seed`` reorders the stored ballots and is not kept. A secret ballot or election is tallied on
    its ciphertexts with the key that ``tellers_passphrase`` unwraps; only the sums are decrypted, published
    with their randomness, and the wrapped key is then erased.
    """
    vote = locked_vote(session, vote)
    if vote.status != VoteStatus.open:
        raise Conflict(f"vote {vote.id} is already closed", code="vote_closed")
    if vote.method not in SECRET_METHODS and tellers_passphrase is not None:
        raise RuleViolation(
            "only secret ballots and elections have tellers",
            code="tellers_for_secret_only",
            field="tellers_passphrase",
        )
    rulebook = rulebook_of(session, vote.rulebook_id)
    kind = DecisionKind(vote.decision_kind)
    # Statutes asking for two meetings: the first reading needs a simple majority, the second the rulebook's
    # (and confirms its first adoption only once: two closes at once take turns on it).
    reading = statute_readings.reading_for_closing(session, vote=vote, rulebook=rulebook)
    tally_rulebook = rulebook_at(rulebook, kind, reading.reading if reading else None)
    meeting = session.get(Meeting, vote.meeting_id) if vote.meeting_id is not None else None
    day = vote_day(vote, meeting)
    excluded = _ids(excluded_of(vote))
    if vote.method in (VoteMethod.board, VoteMethod.per_capsulam):
        eligible = _ids(sorted(voting_board(session, on=day)))
    else:
        assert meeting is not None
        eligible = _ids(sorted(entitled_general(session, meeting=meeting)))
    all_voted = voted_count(session, vote=vote) >= len(set(eligible) - set(excluded))
    if not may_close_early(rulebook=rulebook, now=now, ends_at=vote.ends_at, all_have_voted=all_voted):
        raise Conflict(
            f"vote {vote.id} runs until {vote.ends_at}; the rulebook does not allow closing it earlier",
            code="early_close_not_allowed",
        )
    casts = list(
        session.scalars(select(OpenVoteCast).where(OpenVoteCast.vote_id == vote.id).order_by(OpenVoteCast.id))
    )
    open_votes = [tally.Vote(voter=str(c.member_id), choice=Choice(c.choice)) for c in casts]
    result: dict[str, Any]
    try:
        if vote.method == VoteMethod.open:
            tallied = tally_open_vote(
                rulebook=tally_rulebook,
                kind=kind,
                votes=open_votes,
                eligible=eligible,
                excluded=excluded,
                chair_casting_vote=chair_casting_vote,
            )
            result = _yes_no_result(tallied, base=MajorityBase.VOTES_CAST)
        elif vote.method == VoteMethod.board:
            assert meeting is not None
            tallied = tally_board_decision(
                rulebook=rulebook,
                board=eligible,
                present=_ids(sorted(present_members(meeting) & voting_board(session, on=day))),
                votes=open_votes,
                excluded=excluded,
                chair_casting_vote=chair_casting_vote,
            )
            result = _yes_no_result(tallied, base=MajorityBase.BOARD_MEMBERS_PRESENT)
        elif vote.method == VoteMethod.per_capsulam:
            decided = decide_per_capsulam(
                rulebook=rulebook,
                board=eligible,
                responses={v.voter: v.choice for v in open_votes},
                excluded=excluded,
            )
            result = {
                "outcome": (Outcome.ADOPTED if decided.adopted else Outcome.REJECTED).value,
                "reason": decided.reason.value if decided.reason else None,
                "majority": RequiredMajority.unanimous_board().as_json(),
                "responses": len(open_votes),
                "eligible": len(set(eligible) - set(excluded)),
                "not_reached": sorted(int(i) for i in decided.not_reached),
                "dissenting": sorted(int(i) for i in decided.dissenting),
                "excluded_member_ids": sorted(int(i) for i in decided.excluded),
                "tie_break": TieBreak.NONE.value,
            }
        else:
            result = _close_secret(
                session,
                vote=vote,
                rulebook=tally_rulebook,
                eligible=eligible,
                excluded=excluded,
                lot_seed=lot_seed,
                key=_tally_key(vote, passphrase=tellers_passphrase),
            )
    except CastingVoteRequired as exc:
        raise RuleViolation(str(exc), code="casting_vote_required", field="chair_casting_vote") from exc
    except QuorumNotMet as exc:
        raise Conflict(str(exc), code="not_quorate") from exc
    except GovernanceRuleError as exc:
        raise Conflict(str(exc), code="tally_refused") from exc
    if vote.method in SECRET_METHODS:
        published = published_ballots(session, vote=vote)
        vote.ballot_commitment = ballot_rules.ballot_commitment(published=published)
        vote.tally_key_wrapped = None
        _reshuffle(session, vote=vote, seed=shuffle_seed)
    readings = statute_readings.result_fields(
        reading, rulebook=rulebook, kind=kind, outcome=result["outcome"]
    )
    vote.result = {**result, **readings}
    vote.status = VoteStatus.closed
    vote.closed_at = now
    session.flush()
    # A first adoption decides nothing yet: what the decision sets waits for the confirming meeting.
    final = reading is None or reading.reading is Reading.SECOND
    if result["outcome"] == Outcome.ADOPTED.value and final and vote.parameter_key is not None:
        _set_parameter(session, vote=vote, meeting=meeting, actor=actor)
    append_event(
        session,
        kind="vote_closed",
        payload={
            "vote_id": vote.id,
            "method": vote.method,
            "outcome": result.get("outcome"),
            "elected": result.get("elected"),
            "roll_count": result.get("roll_count"),
            "ballot_commitment": vote.ballot_commitment,
            "parameter_value_id": vote.parameter_value_id,
            **_reading_audit(readings),
        },
        now=now,
    )
    return vote


def _reading_audit(readings: dict[str, Any]) -> dict[str, Any]:
    """A two-meeting statute change's reading in the audit event: first adoption or confirmation (of which
    vote), and whether the statutes changed; nothing for a vote one meeting decides (events as before)."""
    if not readings:
        return {}
    first = readings.get("first_adoption")
    return {
        "statute_change_reading": readings["reading"],
        "confirms_vote_id": first["vote_id"] if first else None,
        "statutes_changed": readings["statutes_changed"],
    }


def _tally_key(vote: Vote, *, passphrase: str | None) -> encryption.TallyKey:
    if passphrase is None:
        raise RuleViolation(
            "closing a secret ballot needs the tellers' passphrase", code="tellers_passphrase_required"
        )
    if vote.tally_public_key is None or vote.tally_key_wrapped is None:
        raise Conflict(f"vote {vote.id} has no tally key", code="no_tally_key")
    try:
        return encryption.unwrap_key(
            wrapped=vote.tally_key_wrapped, public_n=int(vote.tally_public_key), passphrase=passphrase
        )
    except encryption.WrongPassphrase as exc:
        raise RuleViolation(str(exc), code="wrong_tellers_passphrase", field="tellers_passphrase") from exc


def _close_secret(
    session: Session,
    *,
    vote: Vote,
    rulebook: Rulebook,
    eligible: list[str],
    excluded: list[str],
    lot_seed: int,
    key: encryption.TallyKey,
) -> dict[str, Any]:
    """Tally on the ciphertexts: multiply each option's ciphertexts and decrypt only those products."""
    roll = _ids(_roll(session, vote))
    ballots = encrypted_ballots(session, vote=vote)
    options = ballot_options(vote)
    sums = encryption.homomorphic_sums(public_n=key.n, ballots=ballots, options=len(options))
    decrypted = [encryption.decrypt_sum(key=key, ciphertext=c) for c in sums]
    counts = {option: d.count for option, d in zip(options, decrypted, strict=True)}
    decryption = {
        "public_key": str(key.n),
        "sums": [
            {"option": o, "ciphertext": str(c), "count": d.count, "randomness": str(d.randomness)}
            for o, c, d in zip(options, sums, decrypted, strict=True)
        ],
    }
    if vote.method == VoteMethod.secret:
        tallied = tally_secret_ballot(
            rulebook=rulebook,
            kind=DecisionKind(vote.decision_kind),
            ballots=[Choice(o) for o in Choice for _ in range(counts[o.value])],
            roll=roll,
            eligible=eligible,
            excluded=excluded,
            lot_seed=lot_seed,
        )
        return {
            **_yes_no_result(tallied, base=MajorityBase.VOTES_CAST),
            "roll_count": len(roll),
            "ballot_count": len(ballots),
            "decryption": decryption,
        }
    elected = tally_election_sums(
        seats=vote.seats or 0,
        candidates=candidates_of(vote) or [],
        counts={name: n for name, n in counts.items() if name is not None},
        ballot_count=len(ballots),
        blank=counts[None],
        roll=roll,
        eligible=eligible,
        lot_seed=lot_seed,
    )
    return {
        "seats": elected.seats,
        "counts": dict(elected.counts),
        "ballot_count": elected.ballots,
        "roll_count": len(roll),
        "blank": elected.blank,
        "eligible": elected.eligible,
        "turnout": _turnout(elected.turnout),
        "majority": RequiredMajority.most_votes(seats=elected.seats).as_json(),
        "elected": list(elected.elected),
        "outcome": "elected",
        "tie_break": elected.tie_break.value,
        "lot": _lot(elected.lot),
        "decryption": decryption,
    }


def decision_reference(vote: Vote, meeting: Meeting | None, item: AgendaItem | None) -> str:
    """Where the decision was taken, in Swedish like the cooperative's other records (and like a reference
    an admin types on the parameter page, "Årsmötet 2026-05-20, § 12"): the parameter pages and the event log
    show it as stored, and the log never changes. The meeting by its title and day, the item by its § in
    the minutes (by its place on the agenda if it was never taken up), the vote by its number."""
    if meeting is None:
        return f"Styrelsens beslut per capsulam, omröstning nr {vote.id}"
    parts = [f"{meeting.title[:120]} ({meeting.held_on.isoformat()})"]
    if item is not None:
        parts.append(f"§ {item.held_as}" if item.held_as is not None else f"punkt {item.position}")
    return ", ".join([*parts, f"omröstning nr {vote.id}"])


def _set_parameter(session: Session, *, vote: Vote, meeting: Meeting | None, actor: User) -> None:
    """An adopted decision that sets a dated parameter adds the value, citing the decision."""
    assert vote.parameter_key is not None
    assert vote.parameter_value is not None
    assert vote.parameter_valid_from is not None
    item = session.get(AgendaItem, vote.agenda_item_id) if vote.agenda_item_id is not None else None
    where = meeting.title if meeting is not None else "Styrelsen per capsulam"
    row = parameters.add_value(
        session,
        key=vote.parameter_key,
        valid_from=vote.parameter_valid_from,
        value=vote.parameter_value,
        source=f"{where}: {vote.question}"[:500],
        decision_reference=decision_reference(vote, meeting, item),
        created_by_id=actor.id,
    )
    vote.parameter_value_id = row.id
    session.flush()
