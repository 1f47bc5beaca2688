"""Elections: each ballot names up to the seats' number of candidates; the most votes win, a tie by lot."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType

from kooperativet.governance.rules.tally import LotDraw, check_roll, draw_lot, turnout
from kooperativet.governance.rules.terms import (
    BallotCountMismatch,
    InconsistentTally,
    InvalidBallot,
    LotSeedRequired,
    TieBreak,
)


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

    Lag (2018:672) 6 kap. 34 §: the one with most votes is elected and a tie is decided by lot. When
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
    check_roll(roll, eligible=frozenset(eligible), excluded=frozenset())
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
        turnout=turnout(ballot_count, eligible_count),
        elected=elected,
        tie_break=tie_break,
        lot=lot,
    )
