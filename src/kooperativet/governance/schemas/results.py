"""A closed vote's result as the API shows it: the stored counts and rule, with the turnout also as a
percentage and the majority rule also in words.

The service stores data only (``governance.results``): the turnout as an exact fraction and the majority as
a rule (``rules.required_majority``). The words and the percentage are made here, for the API, and in
``governance.minutes_text``, in Swedish, for the minutes. A percentage is a ``Decimal``, never a float.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, Final

from kooperativet.governance.rules.required_majority import MajorityBase, MajorityRule, RequiredMajority

MAJORITY_BASES: Final = {
    MajorityBase.VOTES_CAST: "votes cast",
    MajorityBase.BOARD_MEMBERS_PRESENT: "board members present",
}


def percent_of(fraction: str) -> Decimal:
    """``"2/3"`` → ``Decimal("66.67")``: a share as a percentage to two decimals, computed exactly."""
    numerator, denominator = (int(part) for part in fraction.split("/"))
    return (Decimal(100 * numerator) / denominator).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def majority_in_english(majority: RequiredMajority) -> str:
    """``more than 1/2 of votes cast``, ``every board member reached and agreeing``, ``the 2 candidate(s)
    with most votes``."""
    if majority.rule is MajorityRule.UNANIMOUS_BOARD:
        return "every board member reached and agreeing"
    if majority.rule is MajorityRule.MOST_VOTES:
        return f"the {majority.seats} candidate(s) with most votes"
    assert majority.share is not None  # RequiredMajority checks a share rule has both
    assert majority.base is not None
    share = f"{majority.share.numerator}/{majority.share.denominator}"
    return f"{'at least' if majority.at_least else 'more than'} {share} of {MAJORITY_BASES[majority.base]}"


def vacant_seats(result: Mapping[str, Any]) -> int | None:
    """How many of an election's seats nobody was elected to; ``None`` for a result that is no election's.

    An election is held with fewer candidates than seats, or seats go to nobody a vote named
    (``rules.elections``): the meeting elects fewer than the seats, and the rest stay vacant until a
    fyllnadsval. The result says how many, so that nobody reads "Vald: Anna Berg" as a board filled."""
    if "elected" not in result or "seats" not in result:
        return None
    return max(int(result["seats"]) - len(result["elected"]), 0)


def result_read(result: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stored result as the API shows it: the turnout also as a percentage (``"100.00"``), the majority
    rule (``majority``) also in words (``majority_required``, and ``confirmation_majority_required`` for a
    statute change's first adoption), and an election's seats nobody was elected to (``vacant_seats``)."""
    if result is None:
        return None
    shown = dict(result)
    vacant = vacant_seats(result)
    if vacant is not None:
        shown["vacant_seats"] = vacant
    if "turnout" in result:
        fraction = result["turnout"]["fraction"]
        shown["turnout"] = {"fraction": fraction, "percent": str(percent_of(fraction))}
    if "majority" in result:
        shown["majority_required"] = majority_in_english(RequiredMajority.from_json(result["majority"]))
    if "confirmation_majority" in result:
        # A first adoption (``reading`` "first"): what the next general meeting needs to confirm it.
        confirmation = RequiredMajority.from_json(result["confirmation_majority"])
        shown["confirmation_majority_required"] = majority_in_english(confirmation)
    return shown
