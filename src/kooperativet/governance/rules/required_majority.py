"""The majority a result required, as data: the rule the tally applied, for the presentation to put in words.

A closed vote's result records which rule decided it (``RequiredMajority.as_json``), never a sentence: the
API states it in English (``governance.schemas.results``), the minutes in Swedish
(``governance.minutes_text``). A share stays an exact fraction (``"2/3"``), never a float.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

from kooperativet.governance.rules.rulebook import Majority


class MajorityRule(StrEnum):
    #: More than (or at least) a share of a base: open and secret votes, board decisions at a meeting.
    SHARE = "share"
    #: Per capsulam: every board member reached and agreeing.
    UNANIMOUS_BOARD = "unanimous_board"
    #: Elections: the candidates with most votes fill the seats.
    MOST_VOTES = "most_votes"


class MajorityBase(StrEnum):
    """What a share is a share of."""

    VOTES_CAST = "votes_cast"
    BOARD_MEMBERS_PRESENT = "board_members_present"


@dataclass(frozen=True, kw_only=True)
class RequiredMajority:
    """One rule: ``SHARE`` carries ``share``, ``at_least`` and ``base``; ``MOST_VOTES`` the ``seats``."""

    rule: MajorityRule
    share: Fraction | None = None
    at_least: bool = False
    base: MajorityBase | None = None
    seats: int | None = None

    def __post_init__(self) -> None:
        is_share = self.rule is MajorityRule.SHARE
        if is_share != (self.share is not None and self.base is not None):
            raise ValueError("a share rule, and only it, has a share and a base")
        if (self.rule is MajorityRule.MOST_VOTES) != (self.seats is not None):
            raise ValueError("an election's rule, and only it, has a number of seats")

    @classmethod
    def share_of(cls, majority: Majority, *, base: MajorityBase) -> RequiredMajority:
        return cls(rule=MajorityRule.SHARE, share=majority.share, at_least=majority.at_least, base=base)

    @classmethod
    def unanimous_board(cls) -> RequiredMajority:
        return cls(rule=MajorityRule.UNANIMOUS_BOARD)

    @classmethod
    def most_votes(cls, *, seats: int) -> RequiredMajority:
        return cls(rule=MajorityRule.MOST_VOTES, seats=seats)

    def as_json(self) -> dict[str, Any]:
        """``{"rule": "share", "share": "1/2", "at_least": false, "base": "votes_cast"}``,
        ``{"rule": "unanimous_board"}``, ``{"rule": "most_votes", "seats": 2}``."""
        if self.share is not None and self.base is not None:
            share = f"{self.share.numerator}/{self.share.denominator}"
            return {
                "rule": self.rule.value,
                "share": share,
                "at_least": self.at_least,
                "base": self.base.value,
            }
        if self.seats is not None:
            return {"rule": self.rule.value, "seats": self.seats}
        return {"rule": self.rule.value}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RequiredMajority:
        rule = MajorityRule(data["rule"])
        if rule is MajorityRule.SHARE:
            return cls(
                rule=rule,
                share=Fraction(data["share"]),
                at_least=bool(data["at_least"]),
                base=MajorityBase(data["base"]),
            )
        if rule is MajorityRule.MOST_VOTES:
            return cls.most_votes(seats=int(data["seats"]))
        return cls.unanimous_board()
