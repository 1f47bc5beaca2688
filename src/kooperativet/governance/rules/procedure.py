"""Meeting procedure: notice, quorum, proxies, and when a vote may be secret, changed or closed early."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kooperativet.governance.rules.rulebook import Rulebook
from kooperativet.governance.rules.terms import (
    DecisionKind,
    EarlyClose,
    MeetingKind,
    NoticeProblem,
    ProxyProblem,
)


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

    Lag (2018:672) 6 kap. 17 §: notice of an ordinary meeting goes out at the earliest six and at the latest
    four weeks before; 6 kap. 18 §: of an extra meeting at the earliest six and at the latest two weeks
    before, but at the latest four weeks before when a statute change is on its agenda. Both ends are
    inclusive: notice exactly four weeks before an ordinary meeting is in time. A statute change narrows the
    meeting's own window.
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
    #: The member signed the fullmakt (as whoever registers the proxy confirms).
    signed: bool


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

    Lag (2018:672) 6 kap. 4 § as the model: a member may vote through an ombud holding a written fullmakt,
    dated and signed by the member, valid at most one year from its date (valid on the anniversary, expired
    the day after); the rulebook says whether proxies are allowed at all and how many one attendee may hold
    (its default: one; the law lets one ombud represent up to three members unless the stadgar say
    otherwise, 6 kap. 5 §). Proxies beyond the limit, and a second proxy for a member already represented,
    are refused in list order.
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
        elif not proxy.signed:
            problem = ProxyProblem.NOT_SIGNED
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
