"""The members decide: majorities, quorum, notice, proxies, tie-breaks and tallies.

Pure rules (``docs/governance.md``): no I/O, no clock; the caller passes dates, votes and seeds in.
The cooperative is an ideell förening ruled by its stadgar; the statute for ekonomiska föreningar,
lag (2018:672), is the model for every default here, and each cooperative keeps its own :class:`Rulebook`.

Voters, board members and candidates are identified by opaque strings (the caller's ids).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from zoneinfo import ZoneInfo

HALF = Fraction(1, 2)
#: Meetings are called for a Swedish calendar day; a moment is placed on that calendar in Swedish time.
SWEDEN = ZoneInfo("Europe/Stockholm")


def swedish_day(moment: datetime) -> date:
    """The calendar day in Sweden at ``moment`` (aware): 23:30 UTC on 19 December is 20 December."""
    return moment.astimezone(SWEDEN).date()


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


# --- errors -------------------------------------------------------------------------------------------------


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


# --- the rulebook -------------------------------------------------------------------------------------------


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
    - dissolution (frivillig likvidation): two thirds of the votes cast at one meeting, as a statute change;
    - board: quorate when more than half of all board members are present; a decision needs more than half
      of those present, a tie goes to the chair (7 kap., styrelsens beslutförhet);
    - general meetings: no quorum (the law has none);
    - notice: ordinary meeting and any meeting with a statute change 6–4 weeks before, other extra meetings
      6–2 weeks before (6 kap. 18 §); board meetings, which the law leaves to the stadgar, 7 days before;
    - proxies: allowed, one per attendee, a dated fullmakt valid at most one year (6 kap., ombud);
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


# --- meetings: notice, quorum, proxies ----------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeCheck:
    """Whether the notice date lies in ``[earliest, latest]``; ``earliest`` None: no lower bound."""

    ok: bool
    problem: NoticeProblem | None
    earliest: date | None
    latest: date


def check_notice(
    *,
    rulebook: Rulebook,
    meeting: MeetingKind,
    meeting_date: date,
    notice_date: date,
    statute_change_on_agenda: bool = False,
) -> NoticeCheck:
    """Check that notice (kallelse) of a meeting was given within the rulebook's window for its kind.

    Lag (2018:672) 6 kap. 18 §: notice of an ordinary meeting, and of an extra meeting where a statute change
    is on the agenda, goes out at the earliest six and at the latest four weeks before; of another extra
    meeting at the earliest six and at the latest two weeks before. Both ends are inclusive: notice exactly
    four weeks before an ordinary meeting is in time. A statute change narrows the meeting's own window.
    """
    if meeting is MeetingKind.BOARD:
        if statute_change_on_agenda:
            raise ValueError("statute changes are decided by a general meeting, not by the board")
        window = rulebook.board_meeting_notice
    else:
        window = (
            rulebook.annual_meeting_notice if meeting is MeetingKind.ANNUAL else rulebook.extra_meeting_notice
        )
        if statute_change_on_agenda:
            window = window.narrowed_by(rulebook.statute_change_notice)
    latest = meeting_date - timedelta(days=window.min_days_before)
    earliest = (
        None if window.max_days_before is None else meeting_date - timedelta(days=window.max_days_before)
    )
    problem = None
    if notice_date > latest:
        problem = NoticeProblem.TOO_LATE
    elif earliest is not None and notice_date < earliest:
        problem = NoticeProblem.TOO_EARLY
    return NoticeCheck(ok=problem is None, problem=problem, earliest=earliest, latest=latest)


def quorum_met(*, rulebook: Rulebook, meeting: MeetingKind, present: int, entitled: int) -> bool:
    """Whether a meeting is quorate (beslutför).

    Board: ``present`` ordinary board members out of ``entitled`` = the whole board; by default more than half
    (a board of 5 needs 3, a board of 4 needs 3). General meeting: ``present`` voters, members represented by
    proxy included, out of ``entitled`` current members; the law sets no quorum, the stadgar may.
    """
    quorum = rulebook.board_quorum if meeting is MeetingKind.BOARD else rulebook.general_meeting_quorum
    return quorum.is_met(present=present, entitled=entitled)


@dataclass(frozen=True)
class Proxy:
    """A member (principal) represented at a general meeting by an attendee holding a fullmakt."""

    principal: str
    attendee: str
    dated: date | None


@dataclass(frozen=True)
class RefusedProxy:
    proxy: Proxy
    problem: ProxyProblem


@dataclass(frozen=True)
class ProxyCheck:
    accepted: tuple[Proxy, ...]
    refused: tuple[RefusedProxy, ...]

    @property
    def ok(self) -> bool:
        return not self.refused


def _add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day if it has none (29 Feb + 12 → 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_month_first = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, min(day.day, (next_month_first - timedelta(days=1)).day))


def check_proxies(*, rulebook: Rulebook, meeting_date: date, proxies: Sequence[Proxy]) -> ProxyCheck:
    """Accept or refuse each proxy (ombud) for a general meeting, in the order given.

    Lag (2018:672) 6 kap. as the model: a member may vote through an ombud holding a written, dated fullmakt,
    valid at most one year from its date (valid on the anniversary, expired the day after); the rulebook says
    whether proxies are allowed at all and how many one attendee may hold (the law: one). Proxies beyond the
    limit, and a second proxy for a member already represented, are refused in list order.
    """
    accepted: list[Proxy] = []
    refused: list[RefusedProxy] = []
    held: Counter[str] = Counter()
    represented: set[str] = set()
    for proxy in proxies:
        problem: ProxyProblem | None = None
        if not rulebook.proxies_allowed:
            problem = ProxyProblem.NOT_ALLOWED
        elif proxy.dated is None:
            problem = ProxyProblem.UNDATED
        elif proxy.dated > meeting_date:
            problem = ProxyProblem.DATED_AFTER_MEETING
        elif meeting_date > _add_months(proxy.dated, rulebook.proxy_validity_months):
            problem = ProxyProblem.EXPIRED
        elif proxy.principal in represented:
            problem = ProxyProblem.DUPLICATE_PRINCIPAL
        elif held[proxy.attendee] >= rulebook.max_proxies_per_attendee:
            problem = ProxyProblem.OVER_LIMIT
        if problem is None:
            accepted.append(proxy)
            held[proxy.attendee] += 1
            represented.add(proxy.principal)
        else:
            refused.append(RefusedProxy(proxy=proxy, problem=problem))
    return ProxyCheck(accepted=tuple(accepted), refused=tuple(refused))


def secret_ballot_required(*, rulebook: Rulebook, kind: DecisionKind, requested: bool) -> bool:
    """Whether a secret ballot (sluten omröstning) is required: by default an election a member asks for."""
    return requested and kind in rulebook.secret_ballot_on_request


def may_change_vote(*, rulebook: Rulebook, secret_ballot: bool, closed: bool) -> bool:
    """Whether a voter may replace their vote; then only the last one counts.

    Only before close and only where the rulebook allows. Never in a secret ballot: the ballot carries no link
    to the voter, so there is nothing to replace.
    """
    return rulebook.votes_may_change and not secret_ballot and not closed


def may_close_early(
    *, rulebook: Rulebook, now: datetime, ends_at: datetime | None, all_have_voted: bool
) -> bool:
    """Whether a vote may be closed at ``now``.

    A vote without an end time (a show of hands at a meeting) closes when the chair closes it; a vote at or
    past its end time may always close. Before the end, the rulebook decides: never, only once every eligible
    voter has voted, or always.
    """
    if ends_at is None or now >= ends_at:
        return True
    if rulebook.early_close is EarlyClose.WHEN_ALL_HAVE_VOTED:
        return all_have_voted
    return rulebook.early_close is EarlyClose.ALWAYS


# --- tie-breaks ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LotDraw:
    """A recorded lot: anyone can re-run :func:`draw_lot` with the seed and get the same order."""

    seed: int
    order: tuple[str, ...]


def draw_lot(*, tied: Collection[str], seed: int) -> LotDraw:
    """Draw lots among ``tied``: sort the names, shuffle them with ``random.Random(seed)``; first drawn wins.

    Deterministic by design so the minutes can be re-checked; the seed's unpredictability comes from the
    caller, who draws it with ``secrets`` when the tie arises. Lag (2018:672) 6 kap. 33 §: a tied election is
    decided by lot.
    """
    order = sorted(set(tied))
    random.Random(seed).shuffle(order)  # noqa: S311 - reproducible on purpose; the seed comes from secrets
    return LotDraw(seed=seed, order=tuple(order))


# --- yes/no votes -------------------------------------------------------------------------------------------


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


def _turnout(participants: int, eligible: int) -> Fraction:
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
        turnout=_turnout(yes + no + abstentions, eligible),
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


def _check_roll(roll: Collection[str], *, eligible: frozenset[str], excluded: frozenset[str]) -> None:
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
    _check_roll(roll, eligible=frozenset(eligible), excluded=barred)
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

    Lag (2018:672) 7 kap. as the model: the board is quorate when more than half of the whole board is
    present, and its decision is the view that more than half of those present vote for; a tie goes to the
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
    return _decide(
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


# --- elections ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ElectionResult:
    """The outcome of an election of ``seats`` seats, "vote for up to N".

    ``elected`` lists those with more votes than the last seat's tie first (most votes first, then by name),
    then those the lot drew, in drawn order. ``blank`` ballots name nobody; ``turnout`` = ballots / eligible.
    """

    seats: int
    counts: Mapping[str, int]
    ballots: int
    blank: int
    eligible: int
    turnout: Fraction
    elected: tuple[str, ...]
    tie_break: TieBreak
    lot: LotDraw | None


def _check_election_ballot(
    index: int, ballot: Sequence[str], *, seats: int, candidates: frozenset[str]
) -> None:
    if len(ballot) > seats:
        raise InvalidBallot(index, f"names {len(ballot)} candidates but at most {seats} may be chosen")
    if len(set(ballot)) != len(ballot):
        duplicates = sorted(name for name, n in Counter(ballot).items() if n > 1)
        raise InvalidBallot(index, f"names {', '.join(duplicates)} more than once")
    unknown = sorted(set(ballot) - candidates)
    if unknown:
        raise InvalidBallot(index, f"names {', '.join(unknown)}, who is not a candidate")


def tally_election(
    *,
    seats: int,
    candidates: Collection[str],
    ballots: Sequence[Sequence[str]],
    roll: Collection[str],
    eligible: Collection[str],
    lot_seed: int | None = None,
) -> ElectionResult:
    """Elect ``seats`` candidates: each ballot names up to ``seats`` different candidates, most votes win.

    Lag (2018:672) 6 kap. 33 §: the one with most votes is elected and a tie is decided by lot. When
    candidates tie for the last seats, :func:`draw_lot` with ``lot_seed`` (required then) decides among them.
    A candidate needs at least one vote: seats nobody voted for stay vacant rather than go to the lot.
    A ballot with too many names, a name twice or an unknown name is refused (:class:`InvalidBallot`);
    ``roll`` (who voted) must match the number of ballots.
    """
    standing = frozenset(candidates)
    for index, ballot in enumerate(ballots):
        _check_election_ballot(index, ballot, seats=seats, candidates=standing)
    return tally_election_sums(
        seats=seats,
        candidates=candidates,
        counts=Counter(name for ballot in ballots for name in ballot),
        ballot_count=len(ballots),
        blank=sum(1 for ballot in ballots if not ballot),
        roll=roll,
        eligible=eligible,
        lot_seed=lot_seed,
    )


def tally_election_sums(
    *,
    seats: int,
    candidates: Collection[str],
    counts: Mapping[str, int],
    ballot_count: int,
    blank: int,
    roll: Collection[str],
    eligible: Collection[str],
    lot_seed: int | None = None,
) -> ElectionResult:
    """Elect from the votes per candidate alone, as an encrypted tally yields them (rules of
    :func:`tally_election`). Sums no set of valid ballots can give are refused (:class:`InconsistentTally`):
    a count above the ballots cast, or names that do not fit on the non-blank ballots.
    """
    if seats < 1:
        raise ValueError("an election needs at least one seat")
    standing = frozenset(candidates)
    _check_roll(roll, eligible=frozenset(eligible), excluded=frozenset())
    if ballot_count != len(roll):
        raise BallotCountMismatch(f"{ballot_count} ballots but {len(roll)} voters on the roll")
    marked, names = ballot_count - blank, sum(counts.values())
    if (
        set(counts) - standing
        or not 0 <= blank <= ballot_count
        or any(not 0 <= n <= marked for n in counts.values())
        or not marked <= names <= seats * marked
    ):
        raise InconsistentTally(
            f"sums {dict(counts)} with {blank} blank of {ballot_count} fit no valid ballots"
        )
    counts = Counter({name: n for name, n in counts.items() if n})
    ranked = sorted(counts, key=lambda name: (-counts[name], name))
    tie_break, lot = TieBreak.NONE, None
    if len(ranked) <= seats:
        elected = tuple(ranked)
    else:
        last_seat_votes = counts[ranked[seats - 1]]
        sure = [name for name in ranked if counts[name] > last_seat_votes]
        tied = [name for name in ranked if counts[name] == last_seat_votes]
        open_seats = seats - len(sure)
        if len(tied) <= open_seats:
            elected = tuple(sure + tied)
        else:
            if lot_seed is None:
                raise LotSeedRequired(
                    f"{', '.join(tied)} tie with {last_seat_votes} votes for the last {open_seats} seat(s): "
                    "the lot decides, lot_seed is required (draw it with secrets.randbits)"
                )
            lot = draw_lot(tied=tied, seed=lot_seed)
            tie_break = TieBreak.LOT
            elected = tuple(sure) + lot.order[:open_seats]
    eligible_count = len(frozenset(eligible))
    return ElectionResult(
        seats=seats,
        counts=MappingProxyType({name: counts[name] for name in sorted(standing)}),
        ballots=ballot_count,
        blank=blank,
        eligible=eligible_count,
        turnout=_turnout(ballot_count, eligible_count),
        elected=elected,
        tie_break=tie_break,
        lot=lot,
    )
