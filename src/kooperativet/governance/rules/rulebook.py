"""The rulebook: majorities, quorums and notice windows, and the default modelled on lag (2018:672)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from kooperativet.governance.rules.terms import HALF, DecisionKind, EarlyClose


def _smallest_count(share: Fraction, *, at_least: bool, base: int) -> int:
    """The smallest whole count n with n/base >= share (at_least) or n/base > share (more than)."""
    product = share.numerator * base
    if at_least:
        return -(-product // share.denominator)
    return product // share.denominator + 1


@dataclass(frozen=True)
class Majority:
    """The share of a base that must support a proposal.

    ``at_least`` False means "more than" the share (simple majority: more than half); True means "at least"
    (two thirds: at least 2/3). ``meetings`` is how many consecutive meetings must adopt it; a tally decides
    one meeting, the service checks the earlier one.
    """

    share: Fraction
    at_least: bool = False
    meetings: int = 1

    def __post_init__(self) -> None:
        if not 0 < self.share <= 1:
            raise ValueError(f"a majority share must be in (0, 1], got {self.share}")
        if self.share == 1 and not self.at_least:
            raise ValueError("'more than all' votes can never be reached; use at_least=True for unanimity")
        if self.meetings < 1:
            raise ValueError("a decision needs at least one meeting")

    def votes_needed(self, *, base: int) -> int:
        """Yes votes needed out of ``base``; never fewer than one, so nothing passes unsupported."""
        return max(1, _smallest_count(self.share, at_least=self.at_least, base=base))


@dataclass(frozen=True)
class Quorum:
    """How many of those entitled must be present: at least ``minimum`` and the share rule.

    ``at_least`` True: present/entitled >= share; False: present/entitled > share ("more than half").
    ``Quorum()`` is no quorum at all (the law has none for general meetings).
    """

    share: Fraction = Fraction(0)
    at_least: bool = True
    minimum: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.share <= 1:
            raise ValueError(f"a quorum share must be in [0, 1], got {self.share}")
        if self.minimum < 0:
            raise ValueError("a quorum minimum cannot be negative")

    def present_needed(self, *, entitled: int) -> int:
        """The number present needed out of ``entitled``."""
        return max(self.minimum, _smallest_count(self.share, at_least=self.at_least, base=entitled))

    def is_met(self, *, present: int, entitled: int) -> bool:
        return present >= self.present_needed(entitled=entitled)


@dataclass(frozen=True)
class NoticeWindow:
    """Notice (kallelse) must go out at least ``min_days_before`` and at most ``max_days_before`` days before.

    ``max_days_before`` None: no earliest date.
    """

    min_days_before: int
    max_days_before: int | None = None

    def __post_init__(self) -> None:
        if self.min_days_before < 0:
            raise ValueError("min_days_before cannot be negative")
        if self.max_days_before is not None and self.max_days_before < self.min_days_before:
            raise ValueError("max_days_before must be at least min_days_before")

    def narrowed_by(self, other: NoticeWindow) -> NoticeWindow:
        """The window that satisfies both: the later of the earliest dates and the earlier of the latest."""
        maxima = [m for m in (self.max_days_before, other.max_days_before) if m is not None]
        return NoticeWindow(
            min_days_before=max(self.min_days_before, other.min_days_before),
            max_days_before=min(maxima) if maxima else None,
        )


@dataclass(frozen=True)
class Rulebook:
    """One version of a cooperative's voting rules, taken from its stadgar. See :func:`default_rulebook`."""

    ordinary: Majority
    statute_change: Majority
    statute_change_raising_duties: Majority
    dissolution: Majority
    board_decision: Majority
    board_quorum: Quorum
    general_meeting_quorum: Quorum
    annual_meeting_notice: NoticeWindow
    extra_meeting_notice: NoticeWindow
    #: Applies on top of the meeting's own window when a statute change is on the agenda.
    statute_change_notice: NoticeWindow
    board_meeting_notice: NoticeWindow
    proxies_allowed: bool
    max_proxies_per_attendee: int
    #: A fullmakt is valid this many months from its date; the law caps it at one year.
    proxy_validity_months: int
    #: Decision kinds that go to a secret ballot when any member asks for it.
    secret_ballot_on_request: frozenset[DecisionKind]
    votes_may_change: bool
    early_close: EarlyClose

    def __post_init__(self) -> None:
        if self.proxies_allowed and self.max_proxies_per_attendee < 1:
            raise ValueError("when proxies are allowed an attendee must be able to hold at least one")
        if self.max_proxies_per_attendee < 0:
            raise ValueError("max_proxies_per_attendee cannot be negative")
        if not 1 <= self.proxy_validity_months <= 12:
            raise ValueError("a fullmakt is valid at most one year (1–12 months)")

    def majority_for(self, kind: DecisionKind) -> Majority:
        """The majority this rulebook requires for ``kind`` (elections have none: most votes win)."""
        majorities = {
            DecisionKind.ORDINARY: self.ordinary,
            DecisionKind.STATUTE_CHANGE: self.statute_change,
            DecisionKind.STATUTE_CHANGE_RAISING_DUTIES: self.statute_change_raising_duties,
            DecisionKind.DISSOLUTION: self.dissolution,
            DecisionKind.BOARD: self.board_decision,
        }
        if kind not in majorities:
            raise ValueError(f"{kind} has no majority: an election elects the candidates with most votes")
        return majorities[kind]


def default_rulebook() -> Rulebook:
    """The rules of lag (2018:672) om ekonomiska föreningar, the model for the cooperative's stadgar.

    - ordinary decisions: more than half of the votes cast; a tie goes to the chair (6 kap. 33 §);
    - statute change: at least two thirds of the votes cast at one meeting (6 kap. 35 §), at least three
      quarters when members' duty to pay contributions or fees increases (6 kap. 36 §);
    - dissolution (frivillig likvidation): two thirds of the votes cast at one meeting (17 kap. 2 §);
    - board: quorate when more than half of all board members are present; a decision needs more than half
      of those present, a tie goes to the chair (7 kap. 21–22 §§, styrelsens beslutförhet);
    - general meetings: no quorum (the law has none);
    - notice: ordinary meeting and any meeting with a statute change 6–4 weeks before, other extra meetings
      6–2 weeks before (6 kap. 17–18 §§); board meetings, which the law leaves to the stadgar, 7 days before;
    - proxies: allowed, one per attendee, a dated fullmakt valid at most one year (6 kap. 4 §; the law's own
      limit is three members per ombud unless the stadgar say otherwise, 6 kap. 5 §);
    - secret ballot at elections when a member asks (the usual stadgar clause);
    - votes may not be changed; a vote with an end time may close early once every eligible voter has voted.
    """
    two_thirds = Majority(share=Fraction(2, 3), at_least=True)
    return Rulebook(
        ordinary=Majority(share=HALF),
        statute_change=two_thirds,
        statute_change_raising_duties=Majority(share=Fraction(3, 4), at_least=True),
        dissolution=two_thirds,
        board_decision=Majority(share=HALF),
        board_quorum=Quorum(share=HALF, at_least=False),
        general_meeting_quorum=Quorum(),
        annual_meeting_notice=NoticeWindow(min_days_before=4 * 7, max_days_before=6 * 7),
        extra_meeting_notice=NoticeWindow(min_days_before=2 * 7, max_days_before=6 * 7),
        statute_change_notice=NoticeWindow(min_days_before=4 * 7, max_days_before=6 * 7),
        board_meeting_notice=NoticeWindow(min_days_before=7),
        proxies_allowed=True,
        max_proxies_per_attendee=1,
        proxy_validity_months=12,
        secret_ballot_on_request=frozenset({DecisionKind.ELECTION}),
        votes_may_change=False,
        early_close=EarlyClose.WHEN_ALL_HAVE_VOTED,
    )
