"""A statute change adopted at two consecutive general meetings: which reading a vote is, and its majority.

Many cooperatives' statutes follow the older lag (1987:667) om ekonomiska föreningar, 7 kap. 14 §: a statute
change is valid only if two consecutive general meetings adopt it, the later one by at least two thirds of
the votes cast. The rulebook says so with ``meetings=2`` on a statute change's majority. The first meeting
then decides by simple majority (more than half of the votes cast) and its decision is not final; the
second, which confirms the same proposal, needs the rulebook's qualified share and makes the change.
Under ``meetings=1`` (the model of lag 2018:672) there are no readings: one meeting decides.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from kooperativet.governance.rules.rulebook import Majority, Rulebook
from kooperativet.governance.rules.terms import HALF, DecisionKind

#: The decisions that change the statutes, each with its qualified majority (SFS 2018:672 6 kap. 35–36 §§);
#: only these can need two meetings.
STATUTE_CHANGES = frozenset({DecisionKind.STATUTE_CHANGE, DecisionKind.STATUTE_CHANGE_RAISING_DUTIES})
#: The first meeting adopts by more than half of the votes cast.
FIRST_READING_MAJORITY = Majority(share=HALF)


class Reading(StrEnum):
    #: Adopted by simple majority; not a decision yet (antaget i första behandlingen).
    FIRST = "first"
    #: Confirms an earlier first adoption with the qualified share; the final decision.
    SECOND = "second"


def needs_two_meetings(rulebook: Rulebook, kind: DecisionKind) -> bool:
    return kind in STATUTE_CHANGES and rulebook.majority_for(kind).meetings >= 2


def statutes_need_two_meetings(rulebook: Rulebook) -> bool:
    """Whether any statute change under ``rulebook`` is adopted at two meetings."""
    return any(needs_two_meetings(rulebook, kind) for kind in STATUTE_CHANGES)


def reading_of(rulebook: Rulebook, kind: DecisionKind, *, confirms: bool) -> Reading | None:
    """The reading a vote of ``kind`` is: none under a one-meeting rule, the second when it confirms an
    earlier first adoption, the first otherwise."""
    if not needs_two_meetings(rulebook, kind):
        return None
    return Reading.SECOND if confirms else Reading.FIRST


def majority_at(rulebook: Rulebook, kind: DecisionKind, reading: Reading | None) -> Majority:
    """The majority the vote needs at this reading: simple at the first, the rulebook's share otherwise."""
    return FIRST_READING_MAJORITY if reading is Reading.FIRST else rulebook.majority_for(kind)


def rulebook_at(rulebook: Rulebook, kind: DecisionKind, reading: Reading | None) -> Rulebook:
    """``rulebook`` with ``kind``'s majority as this reading needs it, for the tally (which reads the
    majority from the rulebook); unchanged when there are no readings."""
    if reading is not Reading.FIRST:
        return rulebook
    if kind is DecisionKind.STATUTE_CHANGE:
        return replace(rulebook, statute_change=FIRST_READING_MAJORITY)
    return replace(rulebook, statute_change_raising_duties=FIRST_READING_MAJORITY)


def same_proposal(first: str | None, second: str | None) -> bool:
    """The confirming meeting adopts the same proposal: the text as stored, compared exactly."""
    return (first or "") == (second or "")
