"""The words of the rules: meeting and decision kinds, choices, outcomes, tie-breaks, and the errors a
rule raises; the Swedish calendar day a meeting is held on."""

from __future__ import annotations

from enum import StrEnum
from fractions import Fraction

# Meetings are called for a Swedish calendar day; a moment (a meeting opened, a vote closed) is placed on that
# calendar in Swedish time. The governance modules read it from here.
from kooperativet.core.calendar import swedish_day as swedish_day

HALF = Fraction(1, 2)


class DecisionKind(StrEnum):
    """What is being decided; each kind has its own majority in the rulebook."""

    ORDINARY = "ordinary"
    STATUTE_CHANGE = "statute_change"
    #: A statute change that increases members' duty to pay contributions or fees.
    STATUTE_CHANGE_RAISING_DUTIES = "statute_change_raising_duties"
    DISSOLUTION = "dissolution"
    BOARD = "board"
    ELECTION = "election"


class MeetingKind(StrEnum):
    """Ordinary general meeting (årsmöte), extra general meeting, board meeting."""

    ANNUAL = "annual"
    EXTRA = "extra"
    BOARD = "board"


class Choice(StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


class Outcome(StrEnum):
    ADOPTED = "adopted"
    REJECTED = "rejected"


class TieBreak(StrEnum):
    NONE = "none"
    CASTING_VOTE = "casting_vote"
    LOT = "lot"


class EarlyClose(StrEnum):
    """Whether a vote with an end time may be closed before it."""

    NEVER = "never"
    #: Only once every eligible voter has voted: nobody loses the chance to vote.
    WHEN_ALL_HAVE_VOTED = "when_all_have_voted"
    ALWAYS = "always"


class NoticeProblem(StrEnum):
    TOO_LATE = "too_late"
    TOO_EARLY = "too_early"


class ProxyProblem(StrEnum):
    NOT_ALLOWED = "not_allowed"
    UNDATED = "undated"
    #: Nobody confirmed that the member signed the fullmakt.
    NOT_SIGNED = "not_signed"
    DATED_AFTER_MEETING = "dated_after_meeting"
    EXPIRED = "expired"
    #: The attendee already holds the most proxies the rulebook allows.
    OVER_LIMIT = "over_limit"
    #: The member is already represented by an earlier proxy in the list.
    DUPLICATE_PRINCIPAL = "duplicate_principal"


class PerCapsulamReason(StrEnum):
    #: So many members are disqualified (jäv) that those left are no quorum.
    NOT_QUORATE = "not_quorate"
    NOT_REACHED = "not_reached"
    NOT_UNANIMOUS = "not_unanimous"


class GovernanceRuleError(ValueError):
    """A vote or decision that the rules refuse."""


class VoterExcluded(GovernanceRuleError):
    """The voter is disqualified (jäv) on this matter and may not vote."""

    def __init__(self, voter: str) -> None:
        super().__init__(f"voter {voter!r} is excluded from this vote (jäv) and may not vote")
        self.voter = voter


class NotEligible(GovernanceRuleError):
    """The voter has no vote here (not a current member, not on the board, not present)."""

    def __init__(self, voter: str, why: str) -> None:
        super().__init__(f"voter {voter!r} may not vote: {why}")
        self.voter = voter


class DuplicateVote(GovernanceRuleError):
    """A second vote by the same voter where the rulebook does not allow votes to be changed."""

    def __init__(self, voter: str) -> None:
        super().__init__(f"voter {voter!r} has already voted and the rulebook does not allow changing a vote")
        self.voter = voter


class TieBreakRequired(GovernanceRuleError):
    """The vote is tied and the input that breaks the tie is missing."""


class CastingVoteRequired(TieBreakRequired):
    """An open vote is tied: the chair's casting vote decides and must be given."""


class LotSeedRequired(TieBreakRequired):
    """A secret ballot or an election is tied: the lot decides and needs a seed."""


class InvalidBallot(GovernanceRuleError):
    """An election ballot that names too many candidates, a candidate twice, or an unknown candidate."""

    def __init__(self, index: int, why: str) -> None:
        super().__init__(f"ballot #{index} is invalid: {why}")
        self.index = index


class BallotCountMismatch(GovernanceRuleError):
    """The number of ballots differs from the number of voters on the roll."""


class InconsistentTally(GovernanceRuleError):
    """Per-candidate sums that no set of valid ballots can give: the stored ballots were altered."""


class QuorumNotMet(GovernanceRuleError):
    """Too few entitled members take part for a valid decision."""
