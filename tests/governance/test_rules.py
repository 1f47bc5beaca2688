"""The governance rules read as the stadgar: majorities, ties, quorum, notice, proxies, elections."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kooperativet.governance.rules.elections import tally_election, tally_election_sums
from kooperativet.governance.rules.procedure import (
    NoticeCheck,
    Proxy,
    ProxyCheck,
    check_notice,
    check_proxies,
    may_change_vote,
    may_close_early,
    quorum_met,
    secret_ballot_required,
)
from kooperativet.governance.rules.rulebook import Majority, Quorum, Rulebook, default_rulebook
from kooperativet.governance.rules.tally import (
    Vote,
    VoteResult,
    decide_per_capsulam,
    draw_lot,
    tally_board_decision,
    tally_open_vote,
    tally_secret_ballot,
)
from kooperativet.governance.rules.terms import (
    BallotCountMismatch,
    CastingVoteRequired,
    Choice,
    DecisionKind,
    DuplicateVote,
    EarlyClose,
    InconsistentTally,
    InvalidBallot,
    LotSeedRequired,
    MeetingKind,
    NotEligible,
    NoticeProblem,
    Outcome,
    PerCapsulamReason,
    ProxyProblem,
    QuorumNotMet,
    TieBreak,
    VoterExcluded,
)

RULEBOOK = default_rulebook()
GENERAL_KINDS = [
    DecisionKind.ORDINARY,
    DecisionKind.STATUTE_CHANGE,
    DecisionKind.STATUTE_CHANGE_RAISING_DUTIES,
    DecisionKind.DISSOLUTION,
]


def members(n: int, prefix: str = "m") -> list[str]:
    return [f"{prefix}{i}" for i in range(n)]


def open_votes(yes: int, no: int, abstain: int = 0) -> list[Vote]:
    choices = [Choice.YES] * yes + [Choice.NO] * no + [Choice.ABSTAIN] * abstain
    return [Vote(voter=f"m{i}", choice=choice) for i, choice in enumerate(choices)]


def ballots(yes: int, no: int, abstain: int = 0) -> list[Choice]:
    return [Choice.YES] * yes + [Choice.NO] * no + [Choice.ABSTAIN] * abstain


# --- majorities ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "yes", "no", "abstain", "outcome", "needed"),
    [
        pytest.param(DecisionKind.ORDINARY, 6, 5, 0, Outcome.ADOPTED, 6, id="ordinary-6-5-adopted"),
        pytest.param(DecisionKind.ORDINARY, 5, 6, 0, Outcome.REJECTED, 6, id="ordinary-5-6-rejected"),
        pytest.param(
            DecisionKind.ORDINARY, 1, 0, 10, Outcome.ADOPTED, 1, id="ordinary-abstentions-not-counted"
        ),
        pytest.param(DecisionKind.ORDINARY, 2, 3, 10, Outcome.REJECTED, 3, id="ordinary-2-3-many-abstain"),
        pytest.param(DecisionKind.ORDINARY, 0, 0, 4, Outcome.REJECTED, 1, id="ordinary-all-abstain"),
        pytest.param(DecisionKind.STATUTE_CHANGE, 6, 3, 0, Outcome.ADOPTED, 6, id="statute-exactly-2/3"),
        pytest.param(
            DecisionKind.STATUTE_CHANGE, 20, 10, 0, Outcome.ADOPTED, 20, id="statute-20-10-exactly-2/3"
        ),
        pytest.param(
            DecisionKind.STATUTE_CHANGE, 19, 10, 0, Outcome.REJECTED, 20, id="statute-19-10-below-2/3"
        ),
        pytest.param(DecisionKind.STATUTE_CHANGE, 5, 3, 0, Outcome.REJECTED, 6, id="statute-5-3-below-2/3"),
        pytest.param(
            DecisionKind.STATUTE_CHANGE, 6, 3, 7, Outcome.ADOPTED, 6, id="statute-2/3-abstentions-ignored"
        ),
        pytest.param(DecisionKind.STATUTE_CHANGE, 5, 5, 0, Outcome.REJECTED, 7, id="statute-tie-just-fails"),
        pytest.param(
            DecisionKind.STATUTE_CHANGE_RAISING_DUTIES, 6, 2, 0, Outcome.ADOPTED, 6, id="duties-exactly-3/4"
        ),
        pytest.param(
            DecisionKind.STATUTE_CHANGE_RAISING_DUTIES,
            5,
            2,
            0,
            Outcome.REJECTED,
            6,
            id="duties-5-2-below-3/4",
        ),
        pytest.param(
            DecisionKind.STATUTE_CHANGE_RAISING_DUTIES,
            8,
            3,
            0,
            Outcome.REJECTED,
            9,
            id="duties-8-3-below-3/4",
        ),
        pytest.param(
            DecisionKind.STATUTE_CHANGE_RAISING_DUTIES,
            9,
            3,
            0,
            Outcome.ADOPTED,
            9,
            id="duties-9-3-exactly-3/4",
        ),
        pytest.param(DecisionKind.DISSOLUTION, 4, 2, 0, Outcome.ADOPTED, 4, id="dissolution-exactly-2/3"),
        pytest.param(DecisionKind.DISSOLUTION, 3, 2, 0, Outcome.REJECTED, 4, id="dissolution-below-2/3"),
    ],
)
def test_open_vote_majorities(
    kind: DecisionKind, yes: int, no: int, abstain: int, outcome: Outcome, needed: int
) -> None:
    result = tally_open_vote(
        rulebook=RULEBOOK, kind=kind, votes=open_votes(yes, no, abstain), eligible=members(40)
    )
    assert result.outcome is outcome
    assert result.votes_needed == needed
    assert result.votes_cast == yes + no
    assert result.abstentions == abstain
    assert result.tie_break is TieBreak.NONE
    assert result.majority == RULEBOOK.majority_for(kind)


def test_result_records_counts_turnout_and_majority() -> None:
    result = tally_open_vote(
        rulebook=RULEBOOK, kind=DecisionKind.STATUTE_CHANGE, votes=open_votes(6, 2, 1), eligible=members(10)
    )
    assert result.counts == {Choice.YES: 6, Choice.NO: 2, Choice.ABSTAIN: 1}
    assert result.votes_cast == 8
    assert result.turnout == Fraction(9, 10)
    assert result.majority.share == Fraction(2, 3)
    assert result.majority.at_least
    assert result.base == 8
    assert result.votes_needed == 6
    assert result.adopted


# --- ties ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("casting_vote", "outcome"),
    [
        pytest.param(Choice.YES, Outcome.ADOPTED, id="chair-for"),
        pytest.param(Choice.NO, Outcome.REJECTED, id="chair-against"),
    ],
)
def test_tied_open_vote_goes_to_the_chairs_casting_vote(casting_vote: Choice, outcome: Outcome) -> None:
    result = tally_open_vote(
        rulebook=RULEBOOK,
        kind=DecisionKind.ORDINARY,
        votes=open_votes(4, 4, 1),
        eligible=members(10),
        chair_casting_vote=casting_vote,
    )
    assert result.outcome is outcome
    assert result.tie_break is TieBreak.CASTING_VOTE
    assert result.casting_vote is casting_vote
    assert result.lot is None


@pytest.mark.parametrize(
    "casting_vote",
    [pytest.param(None, id="missing"), pytest.param(Choice.ABSTAIN, id="chair-abstains")],
)
def test_tied_open_vote_without_a_casting_vote_names_what_is_missing(casting_vote: Choice | None) -> None:
    with pytest.raises(CastingVoteRequired, match="chair_casting_vote"):
        tally_open_vote(
            rulebook=RULEBOOK,
            kind=DecisionKind.ORDINARY,
            votes=open_votes(3, 3),
            eligible=members(6),
            chair_casting_vote=casting_vote,
        )


def test_casting_vote_is_ignored_when_there_is_no_tie() -> None:
    result = tally_open_vote(
        rulebook=RULEBOOK,
        kind=DecisionKind.ORDINARY,
        votes=open_votes(4, 3),
        eligible=members(7),
        chair_casting_vote=Choice.NO,
    )
    assert result.outcome is Outcome.ADOPTED
    assert result.tie_break is TieBreak.NONE
    assert result.casting_vote is None


@pytest.mark.parametrize(
    ("seed", "order", "outcome"),
    [
        pytest.param(0, ("no", "yes"), Outcome.REJECTED, id="seed-0"),
        pytest.param(1, ("yes", "no"), Outcome.ADOPTED, id="seed-1"),
        pytest.param(5, ("no", "yes"), Outcome.REJECTED, id="seed-5"),
    ],
)
def test_tied_secret_ballot_is_decided_by_a_recorded_lot(
    seed: int, order: tuple[str, ...], outcome: Outcome
) -> None:
    result = tally_secret_ballot(
        rulebook=RULEBOOK,
        kind=DecisionKind.ORDINARY,
        ballots=ballots(3, 3, 1),
        roll=members(7),
        eligible=members(9),
        lot_seed=seed,
    )
    assert result.tie_break is TieBreak.LOT
    assert result.lot is not None
    assert result.lot.seed == seed
    assert result.lot.order == order
    assert result.outcome is outcome
    assert result.secret


def test_a_lot_can_be_re_run_from_its_seed() -> None:
    for seed in range(20):
        first = draw_lot(tied=["Cecilia", "Adam", "Bo"], seed=seed)
        again = draw_lot(tied=["Bo", "Cecilia", "Adam"], seed=seed)
        expected = sorted(["Adam", "Bo", "Cecilia"])
        random.Random(seed).shuffle(expected)
        assert first == again
        assert first.order == tuple(expected)
    assert len({draw_lot(tied=["Adam", "Bo", "Cecilia"], seed=seed).order for seed in range(20)}) > 1


def test_tied_secret_ballot_without_a_seed_names_what_is_missing() -> None:
    with pytest.raises(LotSeedRequired, match="lot_seed"):
        tally_secret_ballot(
            rulebook=RULEBOOK,
            kind=DecisionKind.ORDINARY,
            ballots=ballots(2, 2),
            roll=members(4),
            eligible=members(4),
        )


@pytest.mark.parametrize(
    ("roll", "error"),
    [
        pytest.param(members(3), BallotCountMismatch, id="more-ballots-than-roll"),
        pytest.param(members(5), BallotCountMismatch, id="fewer-ballots-than-roll"),
        pytest.param(["m0", "m1", "m2", "m0"], DuplicateVote, id="voter-twice-on-roll"),
        pytest.param(["m0", "m1", "m2", "stranger"], NotEligible, id="stranger-on-roll"),
        pytest.param(["m0", "m1", "m2", "m9"], VoterExcluded, id="excluded-on-roll"),
    ],
)
def test_secret_ballot_roll_must_match(roll: list[str], error: type[Exception]) -> None:
    with pytest.raises(error):
        tally_secret_ballot(
            rulebook=RULEBOOK,
            kind=DecisionKind.ORDINARY,
            ballots=ballots(3, 1),
            roll=roll,
            eligible=members(10),
            excluded=["m9"],
        )


# --- jäv, eligibility, changed votes ------------------------------------------------------------------------


def test_excluded_voter_is_recorded_and_their_vote_refused() -> None:
    with pytest.raises(VoterExcluded, match="m0"):
        tally_open_vote(
            rulebook=RULEBOOK,
            kind=DecisionKind.ORDINARY,
            votes=open_votes(2, 1),
            eligible=members(5),
            excluded=["m0"],
        )
    result = tally_open_vote(
        rulebook=RULEBOOK,
        kind=DecisionKind.ORDINARY,
        votes=[Vote(voter="m1", choice=Choice.YES), Vote(voter="m2", choice=Choice.NO)],
        eligible=members(5),
        excluded=["m0"],
        chair_casting_vote=Choice.NO,
    )
    assert result.excluded == frozenset({"m0"})
    assert result.eligible == 4
    assert result.turnout == Fraction(2, 4)


def test_vote_from_a_non_member_is_refused() -> None:
    with pytest.raises(NotEligible, match="stranger"):
        tally_open_vote(
            rulebook=RULEBOOK,
            kind=DecisionKind.ORDINARY,
            votes=[Vote(voter="stranger", choice=Choice.YES)],
            eligible=members(3),
        )


@pytest.mark.parametrize(
    ("votes_may_change", "outcome"),
    [
        pytest.param(False, None, id="changes-forbidden"),
        pytest.param(True, Outcome.REJECTED, id="changes-allowed-last-counts"),
    ],
)
def test_changed_vote(votes_may_change: bool, outcome: Outcome | None) -> None:
    rulebook = replace(RULEBOOK, votes_may_change=votes_may_change)
    votes = [
        Vote(voter="m0", choice=Choice.YES),
        Vote(voter="m1", choice=Choice.NO),
        Vote(voter="m0", choice=Choice.NO),
    ]
    if outcome is None:
        with pytest.raises(DuplicateVote):
            tally_open_vote(rulebook=rulebook, kind=DecisionKind.ORDINARY, votes=votes, eligible=members(3))
    else:
        result = tally_open_vote(
            rulebook=rulebook, kind=DecisionKind.ORDINARY, votes=votes, eligible=members(3)
        )
        assert result.outcome is outcome
        assert (result.yes, result.no) == (0, 2)


def test_board_and_election_kinds_are_not_general_meeting_votes() -> None:
    with pytest.raises(ValueError, match="tally_board_decision"):
        tally_open_vote(rulebook=RULEBOOK, kind=DecisionKind.BOARD, votes=[], eligible=[])
    with pytest.raises(ValueError, match="most votes"):
        tally_open_vote(rulebook=RULEBOOK, kind=DecisionKind.ELECTION, votes=[], eligible=[])


# --- board decisions ----------------------------------------------------------------------------------------

BOARD = ["a", "b", "c", "d", "e"]


@pytest.mark.parametrize(
    ("present", "votes", "excluded", "casting", "outcome", "needed"),
    [
        pytest.param("abc", "yyn", "", None, Outcome.ADOPTED, 2, id="3-present-2-for"),
        pytest.param("abcde", "yyn", "", None, Outcome.REJECTED, 3, id="2-of-5-present-not-majority"),
        pytest.param("abcde", "yyynn", "", None, Outcome.ADOPTED, 3, id="3-of-5-present"),
        pytest.param("abcde", "yynn", "", Choice.YES, Outcome.ADOPTED, 3, id="tie-chair-for"),
        pytest.param("abcde", "yynn", "", Choice.NO, Outcome.REJECTED, 3, id="tie-chair-against"),
        pytest.param("abcde", "yyy", "e", None, Outcome.ADOPTED, 3, id="jav-member-takes-no-part"),
    ],
)
def test_board_decision_needs_a_majority_of_members_present(
    present: str, votes: str, excluded: str, casting: Choice | None, outcome: Outcome, needed: int
) -> None:
    cast = [
        Vote(voter=voter, choice=Choice.YES if letter == "y" else Choice.NO)
        for voter, letter in zip(present, votes, strict=False)
    ]
    result = tally_board_decision(
        rulebook=RULEBOOK,
        board=BOARD,
        present=list(present),
        votes=cast,
        excluded=list(excluded),
        chair_casting_vote=casting,
    )
    assert result.outcome is outcome
    assert result.votes_needed == needed
    assert result.yes + result.no + result.abstentions == len(set(present) - set(excluded))


@pytest.mark.parametrize(
    ("present", "excluded"),
    [
        pytest.param("ab", "", id="2-of-5-present"),
        pytest.param("abc", "c", id="jav-leaves-2-of-5"),
    ],
)
def test_board_without_quorum_cannot_decide(present: str, excluded: str) -> None:
    with pytest.raises(QuorumNotMet, match="3 are needed"):
        tally_board_decision(
            rulebook=RULEBOOK,
            board=BOARD,
            present=list(present),
            votes=[Vote(voter="a", choice=Choice.YES)],
            excluded=list(excluded),
        )


def test_board_vote_from_an_absent_member_is_refused() -> None:
    with pytest.raises(NotEligible, match="present"):
        tally_board_decision(
            rulebook=RULEBOOK,
            board=BOARD,
            present=["a", "b", "c"],
            votes=[Vote(voter="e", choice=Choice.YES)],
        )


# --- per capsulam -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("responses", "excluded", "adopted", "reason"),
    [
        pytest.param("yyyyy", "", True, None, id="all-reached-all-agree"),
        pytest.param("yyyy", "", False, PerCapsulamReason.NOT_REACHED, id="one-not-reached"),
        pytest.param("yyyyn", "", False, PerCapsulamReason.NOT_UNANIMOUS, id="one-against"),
        pytest.param("yyyya", "", False, PerCapsulamReason.NOT_UNANIMOUS, id="one-abstains"),
        pytest.param("yyyn", "", False, PerCapsulamReason.NOT_REACHED, id="not-reached-and-against"),
        pytest.param("yyyy", "e", True, None, id="jav-member-left-out"),
        pytest.param("yy", "cde", False, PerCapsulamReason.NOT_QUORATE, id="jav-leaves-no-quorum"),
    ],
)
def test_per_capsulam_needs_every_member_reached_and_agreeing(
    responses: str, excluded: str, adopted: bool, reason: PerCapsulamReason | None
) -> None:
    answer = {"y": Choice.YES, "n": Choice.NO, "a": Choice.ABSTAIN}
    result = decide_per_capsulam(
        rulebook=RULEBOOK,
        board=BOARD,
        responses={member: answer[letter] for member, letter in zip(BOARD, responses, strict=False)},
        excluded=list(excluded),
    )
    assert result.adopted is adopted
    assert result.reason is reason


def test_per_capsulam_records_who_was_not_reached_and_who_dissented() -> None:
    result = decide_per_capsulam(
        rulebook=RULEBOOK,
        board=BOARD,
        responses={"a": Choice.YES, "b": Choice.NO, "c": Choice.YES, "d": Choice.ABSTAIN},
    )
    assert result.not_reached == frozenset({"e"})
    assert result.dissenting == frozenset({"b", "d"})


def test_per_capsulam_refuses_an_excluded_members_answer() -> None:
    with pytest.raises(VoterExcluded):
        decide_per_capsulam(rulebook=RULEBOOK, board=BOARD, responses={"a": Choice.YES}, excluded=["a"])


# --- elections ----------------------------------------------------------------------------------------------


def test_election_elects_the_n_candidates_with_most_votes() -> None:
    cast = [["Adam", "Bo"], ["Adam", "Cecilia"], ["Bo"], ["Adam"], []]
    result = tally_election(
        seats=2,
        candidates=["Adam", "Bo", "Cecilia", "David"],
        ballots=cast,
        roll=members(5),
        eligible=members(10),
    )
    assert result.elected == ("Adam", "Bo")
    assert result.counts == {"Adam": 3, "Bo": 2, "Cecilia": 1, "David": 0}
    assert (result.ballots, result.blank) == (5, 1)
    assert result.turnout == Fraction(1, 2)
    assert result.tie_break is TieBreak.NONE


@pytest.mark.parametrize(
    ("seats", "cast", "elected", "lot_among"),
    [
        pytest.param(1, [["Adam"], ["Bo"], ["Adam"]], ("Adam",), None, id="one-seat"),
        pytest.param(
            3,
            [["Adam", "Bo", "Cecilia"], ["Adam", "Bo"], ["Adam", "Cecilia"]],
            ("Adam", "Bo", "Cecilia"),
            None,
            id="3-seats-tie-below-the-top",
        ),
        pytest.param(
            2, [["Adam", "Bo"], ["Adam", "Cecilia"], ["Adam"]], None, ("Bo", "Cecilia"), id="tie-last-seat"
        ),
        pytest.param(
            3, [["Adam", "Bo", "Cecilia"]], ("Adam", "Bo", "Cecilia"), None, id="tie-fits-the-seats"
        ),
        pytest.param(3, [["Adam"], ["Adam", "Bo"]], ("Adam", "Bo"), None, id="no-votes-no-seat"),
        pytest.param(
            2, [["Bo", "Cecilia"], ["Adam", "David"]], None, ("Adam", "Bo", "Cecilia", "David"), id="4-way"
        ),
    ],
)
def test_election_seats(
    seats: int, cast: list[list[str]], elected: tuple[str, ...] | None, lot_among: tuple[str, ...] | None
) -> None:
    result = tally_election(
        seats=seats,
        candidates=["Adam", "Bo", "Cecilia", "David"],
        ballots=cast,
        roll=members(len(cast)),
        eligible=members(10),
        lot_seed=7,
    )
    if lot_among is None:
        assert result.tie_break is TieBreak.NONE
        assert result.elected == elected
    else:
        assert result.tie_break is TieBreak.LOT
        assert result.lot == draw_lot(tied=lot_among, seed=7)
        sure = tuple(name for name in result.elected if name not in lot_among)
        assert result.elected == sure + result.lot.order[: seats - len(sure)]
        assert len(result.elected) == seats


def test_election_tie_on_the_last_seat_is_drawn_by_lot_and_reproducible() -> None:
    cast = [["Adam", "Bo"], ["Adam", "Cecilia"], ["Adam"]]

    def run(seed: int) -> tuple[str, ...]:
        result = tally_election(
            seats=2,
            candidates=["Adam", "Bo", "Cecilia"],
            ballots=cast,
            roll=members(3),
            eligible=members(3),
            lot_seed=seed,
        )
        assert result.lot is not None
        assert result.lot.seed == seed
        return result.elected

    assert run(0) == ("Adam", "Bo")
    assert run(1) == ("Adam", "Cecilia")
    assert run(1) == run(1)


def test_election_tie_without_a_seed_names_what_is_missing() -> None:
    with pytest.raises(LotSeedRequired, match="lot_seed"):
        tally_election(
            seats=1,
            candidates=["Adam", "Bo"],
            ballots=[["Adam"], ["Bo"]],
            roll=members(2),
            eligible=members(2),
        )


@pytest.mark.parametrize(
    ("ballot", "message"),
    [
        pytest.param(["Adam", "Bo", "Cecilia"], "at most 2", id="too-many-names"),
        pytest.param(["Adam", "Adam"], "Adam more than once", id="duplicate-name"),
        pytest.param(["Zlatan"], "not a candidate", id="unknown-name"),
    ],
)
def test_election_refuses_an_invalid_ballot(ballot: list[str], message: str) -> None:
    with pytest.raises(InvalidBallot, match=message) as raised:
        tally_election(
            seats=2,
            candidates=["Adam", "Bo", "Cecilia"],
            ballots=[["Adam"], ballot],
            roll=members(2),
            eligible=members(2),
        )
    assert raised.value.index == 1


def test_election_ballots_must_match_the_roll() -> None:
    with pytest.raises(BallotCountMismatch):
        tally_election(seats=1, candidates=["Adam"], ballots=[["Adam"]], roll=members(2), eligible=members(2))


# --- quorum -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("meeting", "quorum", "present", "entitled", "met"),
    [
        pytest.param(MeetingKind.BOARD, None, 3, 5, True, id="board-of-5-3-present"),
        pytest.param(MeetingKind.BOARD, None, 2, 5, False, id="board-of-5-2-present"),
        pytest.param(MeetingKind.BOARD, None, 3, 4, True, id="board-of-4-3-present"),
        pytest.param(MeetingKind.BOARD, None, 2, 4, False, id="board-of-4-2-present-is-half"),
        pytest.param(MeetingKind.BOARD, None, 2, 3, True, id="board-of-3-2-present"),
        pytest.param(MeetingKind.ANNUAL, None, 1, 200, True, id="general-no-quorum-by-law"),
        pytest.param(MeetingKind.EXTRA, Quorum(minimum=10), 9, 200, False, id="general-minimum-10-has-9"),
        pytest.param(MeetingKind.EXTRA, Quorum(minimum=10), 10, 200, True, id="general-minimum-10-has-10"),
        pytest.param(
            MeetingKind.ANNUAL, Quorum(share=Fraction(1, 4)), 25, 100, True, id="general-quarter-exact"
        ),
        pytest.param(
            MeetingKind.ANNUAL, Quorum(share=Fraction(1, 4)), 24, 100, False, id="general-quarter-below"
        ),
    ],
)
def test_quorum(meeting: MeetingKind, quorum: Quorum | None, present: int, entitled: int, met: bool) -> None:
    rulebook = RULEBOOK if quorum is None else replace(RULEBOOK, general_meeting_quorum=quorum)
    assert quorum_met(rulebook=rulebook, meeting=meeting, present=present, entitled=entitled) is met


# --- notice -------------------------------------------------------------------------------------------------

MEETING = date(2025, 5, 28)


@pytest.mark.parametrize(
    ("meeting", "statute_change", "days_before", "problem"),
    [
        pytest.param(MeetingKind.ANNUAL, False, 28, None, id="annual-exactly-4-weeks"),
        pytest.param(MeetingKind.ANNUAL, False, 27, NoticeProblem.TOO_LATE, id="annual-4-weeks-less-a-day"),
        pytest.param(MeetingKind.ANNUAL, False, 42, None, id="annual-exactly-6-weeks"),
        pytest.param(MeetingKind.ANNUAL, False, 43, NoticeProblem.TOO_EARLY, id="annual-6-weeks-and-a-day"),
        pytest.param(MeetingKind.ANNUAL, True, 28, None, id="annual-statute-change-4-weeks"),
        pytest.param(MeetingKind.EXTRA, False, 14, None, id="extra-exactly-2-weeks"),
        pytest.param(MeetingKind.EXTRA, False, 13, NoticeProblem.TOO_LATE, id="extra-2-weeks-less-a-day"),
        pytest.param(MeetingKind.EXTRA, False, 42, None, id="extra-exactly-6-weeks"),
        pytest.param(MeetingKind.EXTRA, False, 43, NoticeProblem.TOO_EARLY, id="extra-6-weeks-and-a-day"),
        pytest.param(MeetingKind.EXTRA, True, 14, NoticeProblem.TOO_LATE, id="extra-statute-change-2-weeks"),
        pytest.param(MeetingKind.EXTRA, True, 27, NoticeProblem.TOO_LATE, id="extra-statute-change-27-days"),
        pytest.param(MeetingKind.EXTRA, True, 28, None, id="extra-statute-change-4-weeks"),
        pytest.param(
            MeetingKind.EXTRA, True, 43, NoticeProblem.TOO_EARLY, id="extra-statute-change-too-early"
        ),
        pytest.param(MeetingKind.BOARD, False, 7, None, id="board-7-days"),
        pytest.param(MeetingKind.BOARD, False, 6, NoticeProblem.TOO_LATE, id="board-6-days"),
        pytest.param(MeetingKind.BOARD, False, 90, None, id="board-no-earliest"),
        pytest.param(MeetingKind.ANNUAL, False, -1, NoticeProblem.TOO_LATE, id="notice-after-the-meeting"),
    ],
)
def test_notice_window(
    meeting: MeetingKind, statute_change: bool, days_before: int, problem: NoticeProblem | None
) -> None:
    check = check_notice_for(meeting, statute_change, MEETING - timedelta(days=days_before))
    assert check.problem is problem
    assert check.ok is (problem is None)


def check_notice_for(meeting: MeetingKind, statute_change: bool, notice_date: date) -> NoticeCheck:
    return check_notice(
        rulebook=RULEBOOK,
        meeting=meeting,
        meeting_date=MEETING,
        notice_date=notice_date,
        statute_change_on_agenda=statute_change,
    )


@pytest.mark.parametrize(
    ("meeting", "statute_change", "earliest", "latest"),
    [
        pytest.param(MeetingKind.ANNUAL, False, date(2025, 4, 16), date(2025, 4, 30), id="annual"),
        pytest.param(MeetingKind.EXTRA, False, date(2025, 4, 16), date(2025, 5, 14), id="extra"),
        pytest.param(
            MeetingKind.EXTRA, True, date(2025, 4, 16), date(2025, 4, 30), id="extra-statute-change"
        ),
        pytest.param(MeetingKind.BOARD, False, None, date(2025, 5, 21), id="board"),
    ],
)
def test_notice_window_dates(
    meeting: MeetingKind, statute_change: bool, earliest: date | None, latest: date
) -> None:
    check = check_notice_for(meeting, statute_change, MEETING - timedelta(days=20))
    assert (check.earliest, check.latest) == (earliest, latest)


def test_board_meeting_cannot_change_the_statutes() -> None:
    with pytest.raises(ValueError, match="general meeting"):
        check_notice_for(MeetingKind.BOARD, True, MEETING - timedelta(days=30))


# --- proxies ------------------------------------------------------------------------------------------------


def proxy(
    principal: str, attendee: str, dated: date | None = date(2025, 5, 1), *, signed: bool = True
) -> Proxy:
    return Proxy(principal=principal, attendee=attendee, dated=dated, signed=signed)


@pytest.mark.parametrize(
    ("changes", "meeting_date", "proxies", "problems"),
    [
        pytest.param({}, MEETING, [proxy("p1", "a1")], [], id="one-valid"),
        pytest.param(
            {"proxies_allowed": False, "max_proxies_per_attendee": 0},
            MEETING,
            [proxy("p1", "a1")],
            [ProxyProblem.NOT_ALLOWED],
            id="not-allowed",
        ),
        pytest.param(
            {}, MEETING, [proxy("p1", "a1"), proxy("p2", "a1")], [ProxyProblem.OVER_LIMIT], id="over-limit"
        ),
        pytest.param(
            {"max_proxies_per_attendee": 2},
            MEETING,
            [proxy("p1", "a1"), proxy("p2", "a1"), proxy("p3", "a1")],
            [ProxyProblem.OVER_LIMIT],
            id="third-over-limit-of-2",
        ),
        pytest.param({}, MEETING, [proxy("p1", "a1"), proxy("p2", "a2")], [], id="one-each"),
        pytest.param(
            {},
            MEETING,
            [proxy("p1", "a1"), proxy("p1", "a2")],
            [ProxyProblem.DUPLICATE_PRINCIPAL],
            id="twice",
        ),
        pytest.param({}, MEETING, [proxy("p1", "a1", None)], [ProxyProblem.UNDATED], id="undated"),
        pytest.param(
            {}, MEETING, [proxy("p1", "a1", signed=False)], [ProxyProblem.NOT_SIGNED], id="not-signed"
        ),
        # An unsigned fullmakt is no proxy: it holds no place of the attendee's one.
        pytest.param(
            {},
            MEETING,
            [proxy("p1", "a1", signed=False), proxy("p2", "a1")],
            [ProxyProblem.NOT_SIGNED],
            id="not-signed-takes-no-place",
        ),
        pytest.param({}, MEETING, [proxy("p1", "a1", date(2024, 5, 28))], [], id="exactly-one-year-old"),
        pytest.param(
            {},
            MEETING,
            [proxy("p1", "a1", date(2024, 5, 27))],
            [ProxyProblem.EXPIRED],
            id="one-year-and-a-day",
        ),
        pytest.param(
            {},
            MEETING,
            [proxy("p1", "a1", date(2025, 5, 29))],
            [ProxyProblem.DATED_AFTER_MEETING],
            id="future",
        ),
        pytest.param(
            {}, date(2025, 2, 28), [proxy("p1", "a1", date(2024, 2, 29))], [], id="leap-day-anniversary"
        ),
        pytest.param(
            {},
            date(2025, 3, 1),
            [proxy("p1", "a1", date(2024, 2, 29))],
            [ProxyProblem.EXPIRED],
            id="leap-day-expired",
        ),
        pytest.param(
            {"proxy_validity_months": 3},
            MEETING,
            [proxy("p1", "a1", date(2025, 2, 27))],
            [ProxyProblem.EXPIRED],
            id="stadgar-3-months",
        ),
        pytest.param(
            {},
            MEETING,
            [proxy("p1", "a1", date(2020, 1, 1)), proxy("p2", "a1")],
            [ProxyProblem.EXPIRED],
            id="expired-does-not-use-the-slot",
        ),
    ],
)
def test_proxies(
    changes: dict[str, object], meeting_date: date, proxies: list[Proxy], problems: list[ProxyProblem]
) -> None:
    rulebook = replace(RULEBOOK, **changes)  # type: ignore[arg-type]
    check = check_proxies_for(rulebook, meeting_date, proxies)
    assert [refused.problem for refused in check.refused] == problems
    assert len(check.accepted) == len(proxies) - len(problems)
    assert check.ok is (not problems)


def check_proxies_for(rulebook: Rulebook, meeting_date: date, proxies: list[Proxy]) -> ProxyCheck:
    return check_proxies(rulebook=rulebook, meeting_date=meeting_date, proxies=proxies)


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"proxy_validity_months": 13}, id="fullmakt-beyond-a-year"),
        pytest.param({"proxy_validity_months": 0}, id="fullmakt-zero-months"),
        pytest.param({"max_proxies_per_attendee": 0}, id="allowed-but-none-per-attendee"),
    ],
)
def test_rulebook_refuses_impossible_proxy_rules(changes: dict[str, int]) -> None:
    with pytest.raises(ValueError, match=r"fullmakt|proxies"):
        replace(RULEBOOK, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("share", "at_least"),
    [
        pytest.param(Fraction(0), False, id="zero-share"),
        pytest.param(Fraction(3, 2), True, id="more-than-all"),
        pytest.param(Fraction(1), False, id="more-than-unanimous"),
    ],
)
def test_majority_refuses_impossible_shares(share: Fraction, at_least: bool) -> None:
    with pytest.raises(ValueError, match=r"share|more than all"):
        Majority(share=share, at_least=at_least)


# --- secret ballot, changing votes, closing early -----------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "requested", "required"),
    [
        pytest.param(DecisionKind.ELECTION, True, True, id="election-asked"),
        pytest.param(DecisionKind.ELECTION, False, False, id="election-not-asked"),
        pytest.param(DecisionKind.ORDINARY, True, False, id="ordinary-asked"),
    ],
)
def test_secret_ballot_required(kind: DecisionKind, requested: bool, required: bool) -> None:
    assert secret_ballot_required(rulebook=RULEBOOK, kind=kind, requested=requested) is required


@pytest.mark.parametrize(
    ("allowed", "secret", "closed", "may"),
    [
        pytest.param(True, False, False, True, id="allowed-open-before-close"),
        pytest.param(True, False, True, False, id="after-close"),
        pytest.param(True, True, False, False, id="secret-ballot-has-no-link"),
        pytest.param(False, False, False, False, id="rulebook-forbids"),
    ],
)
def test_may_change_vote(allowed: bool, secret: bool, closed: bool, may: bool) -> None:
    rulebook = replace(RULEBOOK, votes_may_change=allowed)
    assert may_change_vote(rulebook=rulebook, secret_ballot=secret, closed=closed) is may


NOON = datetime(2025, 5, 28, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("early_close", "ends_at", "all_have_voted", "may"),
    [
        pytest.param(EarlyClose.NEVER, NOON + timedelta(hours=1), True, False, id="never-before-end"),
        pytest.param(EarlyClose.NEVER, NOON, False, True, id="never-at-end"),
        pytest.param(EarlyClose.WHEN_ALL_HAVE_VOTED, NOON + timedelta(hours=1), True, True, id="all-voted"),
        pytest.param(
            EarlyClose.WHEN_ALL_HAVE_VOTED, NOON + timedelta(hours=1), False, False, id="some-not-voted"
        ),
        pytest.param(EarlyClose.ALWAYS, NOON + timedelta(hours=1), False, True, id="always"),
        pytest.param(EarlyClose.NEVER, None, False, True, id="no-end-time-chair-closes"),
    ],
)
def test_may_close_early(
    early_close: EarlyClose, ends_at: datetime | None, all_have_voted: bool, may: bool
) -> None:
    rulebook = replace(RULEBOOK, early_close=early_close)
    assert may_close_early(rulebook=rulebook, now=NOON, ends_at=ends_at, all_have_voted=all_have_voted) is may


# --- properties ---------------------------------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=30)


@given(kind=st.sampled_from(GENERAL_KINDS), yes=counts, no=counts, abstain=counts, secret=st.booleans())
def test_counts_sum_to_the_votes_cast(
    kind: DecisionKind, yes: int, no: int, abstain: int, secret: bool
) -> None:
    result = tally(kind, yes, no, abstain, secret=secret)
    assert result.yes + result.no == result.votes_cast
    assert sum(result.counts.values()) == result.votes_cast + result.abstentions == yes + no + abstain
    assert result.turnout == Fraction(yes + no + abstain, 100)


@given(
    kind=st.sampled_from(GENERAL_KINDS),
    yes=counts,
    no=counts,
    abstain=counts,
    secret=st.booleans(),
    from_abstention=st.booleans(),
)
def test_one_more_yes_never_turns_adopted_into_rejected(
    kind: DecisionKind, yes: int, no: int, abstain: int, secret: bool, from_abstention: bool
) -> None:
    before = tally(kind, yes, no, abstain, secret=secret)
    if from_abstention and abstain:
        after = tally(kind, yes + 1, no, abstain - 1, secret=secret)
    else:
        after = tally(kind, yes + 1, no, abstain, secret=secret)
    assert not (before.adopted and not after.adopted)


@given(share=st.fractions(min_value=Fraction(1, 100), max_value=1), at_least=st.booleans(), base=counts)
def test_votes_needed_is_the_smallest_count_that_reaches_the_majority(
    share: Fraction, at_least: bool, base: int
) -> None:
    at_least = at_least or share == 1
    majority = Majority(share=share, at_least=at_least)
    needed = majority.votes_needed(base=base)

    def reaches(n: int) -> bool:
        return n >= 1 and (Fraction(n) >= share * base if at_least else Fraction(n) > share * base)

    assert reaches(needed) or needed > base
    assert not reaches(needed - 1)


def tally(kind: DecisionKind, yes: int, no: int, abstain: int, *, secret: bool) -> VoteResult:
    if secret:
        return tally_secret_ballot(
            rulebook=RULEBOOK,
            kind=kind,
            ballots=ballots(yes, no, abstain),
            roll=members(yes + no + abstain),
            eligible=members(100),
            lot_seed=3,
        )
    return tally_open_vote(
        rulebook=RULEBOOK,
        kind=kind,
        votes=open_votes(yes, no, abstain),
        eligible=members(100),
        chair_casting_vote=Choice.NO,
    )


# --- elections from encrypted sums ------------------------------------------------------------------------


ELECTION_BALLOTS = [["Ada", "Bo"], ["Ada"], [], ["Cy", "Bo"], ["Ada", "Bo"]]


def test_an_election_from_sums_elects_as_the_ballots_would() -> None:
    from_ballots = tally_election(
        seats=2,
        candidates=["Ada", "Bo", "Cy"],
        ballots=ELECTION_BALLOTS,
        roll=members(5),
        eligible=members(5),
    )
    from_sums = tally_election_sums(
        seats=2,
        candidates=["Ada", "Bo", "Cy"],
        counts={"Ada": 3, "Bo": 3, "Cy": 1},
        ballot_count=5,
        blank=1,
        roll=members(5),
        eligible=members(5),
    )
    assert from_sums == from_ballots
    assert from_sums.elected == ("Ada", "Bo")
    assert from_sums.blank == 1


@pytest.mark.parametrize(
    ("counts", "blank"),
    [
        pytest.param({"Ada": 5}, 1, id="more-votes-than-marked-ballots"),
        pytest.param({"Ada": 4, "Bo": 4, "Cy": 4}, 0, id="more-names-than-seats-allow"),
        pytest.param({"Ada": 1}, 0, id="marked-ballots-without-a-name"),
        pytest.param({"Ada": 2, "Eve": 1}, 2, id="unknown-candidate"),
        pytest.param({"Ada": 3}, 6, id="more-blank-than-ballots"),
    ],
)
def test_sums_that_no_valid_ballots_can_give_are_refused(counts: dict[str, int], blank: int) -> None:
    with pytest.raises(InconsistentTally):
        tally_election_sums(
            seats=2,
            candidates=["Ada", "Bo", "Cy"],
            counts=counts,
            ballot_count=5,
            blank=blank,
            roll=members(5),
            eligible=members(5),
        )


@pytest.mark.parametrize(
    ("board", "present", "votes", "casting", "outcome", "needed"),
    [
        pytest.param(
            "abcdefghi", "abcde", "yyynn", None, Outcome.REJECTED, 4, id="3-of-9-for-is-not-over-a-third"
        ),
        pytest.param("abcdefghi", "abcde", "yyyyn", None, Outcome.ADOPTED, 4, id="4-of-9-for"),
        pytest.param("abcdef", "abcd", "yynn", Choice.YES, Outcome.REJECTED, 3, id="casting-vote-2-of-6"),
        pytest.param(
            "abcdef", "abcdef", "yyynnn", Choice.YES, Outcome.ADOPTED, 4, id="full-board-casting-vote"
        ),
    ],
)
def test_a_board_not_full_decides_only_with_more_than_a_third_of_the_whole_board(
    board: str, present: str, votes: str, casting: Choice | None, outcome: Outcome, needed: int
) -> None:
    """Lag (2018:672) 7 kap. 22 § as the model: with members away, those for must still be more than a third
    of the whole board; a full board decides by the majority of those present and the chair's casting vote."""
    cast = [
        Vote(voter=v, choice=Choice.YES if c == "y" else Choice.NO)
        for v, c in zip(present, votes, strict=True)
    ]
    result = tally_board_decision(
        rulebook=RULEBOOK, board=list(board), present=list(present), votes=cast, chair_casting_vote=casting
    )
    assert result.outcome is outcome
    assert result.votes_needed == needed
