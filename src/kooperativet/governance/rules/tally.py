"""Tallies of yes/no votes (open, secret, the board's) and per capsulam decisions, with tie-breaks by
the chair's casting vote or by lot."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from types import MappingProxyType

from kooperativet.governance.rules.rulebook import Majority, Rulebook
from kooperativet.governance.rules.terms import (
    HALF,
    BallotCountMismatch,
    CastingVoteRequired,
    Choice,
    DecisionKind,
    DuplicateVote,
    LotSeedRequired,
    NotEligible,
    Outcome,
    PerCapsulamReason,
    QuorumNotMet,
    TieBreak,
    VoterExcluded,
)


@dataclass(frozen=True)
class LotDraw:
    """A recorded lot: anyone can re-run :func:`draw_lot` with the seed and get the same order."""

    seed: int
    order: tuple[str, ...]


def draw_lot(*, tied: Collection[str], seed: int) -> LotDraw:
    """Draw lots among ``tied``: sort the names, shuffle them with ``random.Random(seed)``; first drawn wins.

    Deterministic by design so the minutes can be re-checked; the seed's unpredictability comes from the
    caller, who draws it with ``secrets`` when the tie arises. Lag (2018:672) 6 kap. 34 §: a tied election is
    decided by lot (unless the meeting decided otherwise before the vote).
    """
    order = sorted(set(tied))
    random.Random(seed).shuffle(order)  # noqa: S311 - reproducible on purpose; the seed comes from secrets
    return LotDraw(seed=seed, order=tuple(order))


@dataclass(frozen=True)
class Vote:
    """One open vote, stored with its voter."""

    voter: str
    choice: Choice


@dataclass(frozen=True)
class VoteResult:
    """The outcome of a yes/no vote as the minutes record it.

    ``votes_cast`` counts yes and no only: abstentions are not votes cast. ``base`` is what the majority is
    measured against (votes cast; board members present for board decisions) and ``votes_needed`` the yes
    votes that reach it. ``turnout`` = (votes cast + abstentions) / ``eligible`` (voters not excluded).
    """

    kind: DecisionKind
    secret: bool
    yes: int
    no: int
    abstentions: int
    votes_cast: int
    eligible: int
    turnout: Fraction
    excluded: frozenset[str]
    majority: Majority
    base: int
    votes_needed: int
    outcome: Outcome
    tie_break: TieBreak
    casting_vote: Choice | None
    lot: LotDraw | None

    @property
    def counts(self) -> Mapping[Choice, int]:
        return MappingProxyType({Choice.YES: self.yes, Choice.NO: self.no, Choice.ABSTAIN: self.abstentions})

    @property
    def adopted(self) -> bool:
        return self.outcome is Outcome.ADOPTED


def turnout(participants: int, eligible: int) -> Fraction:
    return Fraction(participants, eligible) if eligible else Fraction(0)


def _is_tie(majority: Majority, yes: int, no: int) -> bool:
    """A tie needs breaking only under a "more than half" rule; under 2/3, equal votes simply fail."""
    return yes == no > 0 and majority.share == HALF and not majority.at_least


def _decide(
    *,
    kind: DecisionKind,
    majority: Majority,
    secret: bool,
    counts: Counter[Choice],
    base: int,
    eligible: int,
    excluded: frozenset[str],
    casting_vote: Choice | None,
    lot_seed: int | None,
) -> VoteResult:
    yes, no, abstentions = counts[Choice.YES], counts[Choice.NO], counts[Choice.ABSTAIN]
    needed = majority.votes_needed(base=base)
    tie_break, used_casting_vote, lot = TieBreak.NONE, None, None
    if _is_tie(majority, yes, no):
        if secret:
            if lot_seed is None:
                raise LotSeedRequired(
                    f"the secret ballot is tied {yes}–{no}: the lot decides, lot_seed is required "
                    "(draw it with secrets.randbits and keep it for the minutes)"
                )
            lot = draw_lot(tied=(Choice.YES, Choice.NO), seed=lot_seed)
            tie_break, adopted = TieBreak.LOT, lot.order[0] == Choice.YES
        else:
            if casting_vote not in (Choice.YES, Choice.NO):
                raise CastingVoteRequired(
                    f"the vote is tied {yes}–{no}: the chair's casting vote decides, "
                    "chair_casting_vote (yes or no) is required"
                )
            tie_break, used_casting_vote = TieBreak.CASTING_VOTE, casting_vote
            adopted = casting_vote is Choice.YES
    else:
        adopted = yes >= needed
    return VoteResult(
        kind=kind,
        secret=secret,
        yes=yes,
        no=no,
        abstentions=abstentions,
        votes_cast=yes + no,
        eligible=eligible,
        turnout=turnout(yes + no + abstentions, eligible),
        excluded=excluded,
        majority=majority,
        base=base,
        votes_needed=needed,
        outcome=Outcome.ADOPTED if adopted else Outcome.REJECTED,
        tie_break=tie_break,
        casting_vote=used_casting_vote,
        lot=lot,
    )


def _final_votes(
    votes: Sequence[Vote], *, allowed: frozenset[str], excluded: frozenset[str], why: str, may_change: bool
) -> dict[str, Choice]:
    """Each voter's last vote, refusing the excluded, the not allowed, and changes the rulebook forbids."""
    final: dict[str, Choice] = {}
    for vote in votes:
        if vote.voter in excluded:
            raise VoterExcluded(vote.voter)
        if vote.voter not in allowed:
            raise NotEligible(vote.voter, why)
        if vote.voter in final and not may_change:
            raise DuplicateVote(vote.voter)
        final[vote.voter] = vote.choice
    return final


def _general_meeting_majority(rulebook: Rulebook, kind: DecisionKind) -> Majority:
    if kind is DecisionKind.BOARD:
        raise ValueError("board decisions are tallied with tally_board_decision")
    return rulebook.majority_for(kind)


def tally_open_vote(
    *,
    rulebook: Rulebook,
    kind: DecisionKind,
    votes: Sequence[Vote],
    eligible: Collection[str],
    excluded: Collection[str] = (),
    chair_casting_vote: Choice | None = None,
) -> VoteResult:
    """Count an open vote at a general meeting (one member, one vote).

    The proposal is adopted when its yes votes reach the kind's majority of the votes cast; abstentions are
    not votes cast (lag 2018:672 6 kap. 33 §, 35–36 §§). Under a "more than half" rule a tie goes to the
    side the chair supports (utslagsröst): ``chair_casting_vote`` is then required and otherwise ignored.
    Votes are in cast order; a second vote by the same voter replaces the first only if the rulebook lets
    votes change. Excluded voters (jäv) are recorded and their votes refused.
    """
    majority = _general_meeting_majority(rulebook, kind)
    barred = frozenset(excluded)
    final = _final_votes(
        votes,
        allowed=frozenset(eligible),
        excluded=barred,
        why="not an eligible member",
        may_change=rulebook.votes_may_change,
    )
    counts = Counter(final.values())
    return _decide(
        kind=kind,
        majority=majority,
        secret=False,
        counts=counts,
        base=counts[Choice.YES] + counts[Choice.NO],
        eligible=len(frozenset(eligible) - barred),
        excluded=barred,
        casting_vote=chair_casting_vote,
        lot_seed=None,
    )


def check_roll(roll: Collection[str], *, eligible: frozenset[str], excluded: frozenset[str]) -> None:
    seen: set[str] = set()
    for voter in roll:
        if voter in excluded:
            raise VoterExcluded(voter)
        if voter not in eligible:
            raise NotEligible(voter, "not an eligible member")
        if voter in seen:
            raise DuplicateVote(voter)
        seen.add(voter)


def tally_secret_ballot(
    *,
    rulebook: Rulebook,
    kind: DecisionKind,
    ballots: Sequence[Choice],
    roll: Collection[str],
    eligible: Collection[str],
    excluded: Collection[str] = (),
    lot_seed: int | None = None,
) -> VoteResult:
    """Count a secret yes/no ballot (sluten omröstning).

    ``roll`` is who has voted, ``ballots`` the unlinked ballots; their counts must be equal. Majorities as in
    :func:`tally_open_vote`, but a tie is decided by lot (governance.md), for which ``lot_seed`` is required.
    """
    majority = _general_meeting_majority(rulebook, kind)
    barred = frozenset(excluded)
    check_roll(roll, eligible=frozenset(eligible), excluded=barred)
    if len(ballots) != len(roll):
        raise BallotCountMismatch(f"{len(ballots)} ballots but {len(roll)} voters on the roll")
    counts = Counter(ballots)
    return _decide(
        kind=kind,
        majority=majority,
        secret=True,
        counts=counts,
        base=counts[Choice.YES] + counts[Choice.NO],
        eligible=len(frozenset(eligible) - barred),
        excluded=barred,
        casting_vote=None,
        lot_seed=lot_seed,
    )


def tally_board_decision(
    *,
    rulebook: Rulebook,
    board: Collection[str],
    present: Collection[str],
    votes: Sequence[Vote],
    excluded: Collection[str] = (),
    chair_casting_vote: Choice | None = None,
) -> VoteResult:
    """Count a board decision at a board meeting.

    Lag (2018:672) 7 kap. 21–22 §§ as the model: the board is quorate when more than half of the whole board
    is present, and its decision is the view that more than half of those present vote for; a tie goes to the
    side the chair supports. A member disqualified by jäv takes no part and does not count as present for the
    item, which can leave the board without quorum (:class:`QuorumNotMet`). A present member who casts no vote
    counts as abstaining, i.e. not for the proposal.
    """
    members = frozenset(board)
    here = frozenset(present)
    if not here <= members:
        outsider = sorted(here - members)[0]
        raise NotEligible(outsider, "not a member of the board")
    barred = frozenset(excluded)
    taking_part = here - barred
    if not rulebook.board_quorum.is_met(present=len(taking_part), entitled=len(members)):
        raise QuorumNotMet(
            f"{len(taking_part)} of {len(members)} board members take part; "
            f"{rulebook.board_quorum.present_needed(entitled=len(members))} are needed"
        )
    final = _final_votes(
        votes,
        allowed=taking_part,
        excluded=barred,
        why="not a board member present",
        may_change=rulebook.votes_may_change,
    )
    counts = Counter(final.values())
    counts[Choice.ABSTAIN] += len(taking_part) - len(final)
    result = _decide(
        kind=DecisionKind.BOARD,
        majority=rulebook.board_decision,
        secret=False,
        counts=counts,
        base=len(taking_part),
        eligible=len(members - barred),
        excluded=barred,
        casting_vote=chair_casting_vote,
        lot_seed=None,
    )
    return _with_whole_board_floor(result, taking_part=len(taking_part), board_size=len(members))


def _with_whole_board_floor(result: VoteResult, *, taking_part: int, board_size: int) -> VoteResult:
    """A board that is not full decides only with more than a third of the whole board for it (lag
    (2018:672) 7 kap. 22 § as the model): three of nine present cannot bind the board by two votes, nor two
    of six by the chair's casting vote. The yes votes needed rise to that floor, and a decision below it is
    rejected whatever the majority of those present."""
    if taking_part >= board_size:
        return result
    floor = board_size // 3 + 1
    if result.yes >= floor or result.outcome is not Outcome.ADOPTED:
        return replace(result, votes_needed=max(result.votes_needed, floor))
    return replace(result, votes_needed=max(result.votes_needed, floor), outcome=Outcome.REJECTED)


@dataclass(frozen=True)
class PerCapsulamResult:
    """A board decision between meetings; recorded in the next minutes."""

    adopted: bool
    reason: PerCapsulamReason | None
    not_reached: frozenset[str]
    dissenting: frozenset[str]
    excluded: frozenset[str]


def decide_per_capsulam(
    *,
    rulebook: Rulebook,
    board: Collection[str],
    responses: Mapping[str, Choice],
    excluded: Collection[str] = (),
) -> PerCapsulamResult:
    """Decide a per capsulam matter: adopted only if every board member was reached and agrees.

    ``responses`` holds the answer of every member reached; a member missing from it was not reached. An
    abstention or a no is dissent. Members disqualified by jäv take no part; those left must still be a quorum
    of the board. The reason given is the first that applies: not quorate, not reached, not unanimous.
    """
    members = frozenset(board)
    barred = frozenset(excluded)
    for voter in responses:
        if voter in barred:
            raise VoterExcluded(voter)
        if voter not in members:
            raise NotEligible(voter, "not a member of the board")
    taking_part = members - barred
    not_reached = frozenset(taking_part - responses.keys())
    dissenting = frozenset(voter for voter, choice in responses.items() if choice is not Choice.YES)
    reason = None
    if not rulebook.board_quorum.is_met(present=len(taking_part), entitled=len(members)):
        reason = PerCapsulamReason.NOT_QUORATE
    elif not_reached:
        reason = PerCapsulamReason.NOT_REACHED
    elif dissenting:
        reason = PerCapsulamReason.NOT_UNANIMOUS
    return PerCapsulamResult(
        adopted=reason is None, reason=reason, not_reached=not_reached, dissenting=dissenting, excluded=barred
    )
