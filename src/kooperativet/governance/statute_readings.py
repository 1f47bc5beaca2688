"""A statute change adopted at two consecutive general meetings: the first adoption and its confirmation.

Under a rulebook whose statute change needs two meetings (``Majority.meetings == 2``, statutes following the
older lag 1987:667 7 kap. 14 §), a statute-change vote is a first reading unless its agenda item names the
item at the previous general meeting that adopted the same proposal (``AgendaItem.confirms_item_id``); that
vote is the second reading. The pure rules are in ``rules.readings``; this module finds the earlier
adoption and refuses a confirmation that does not follow it. Rules and sources: docs/governance.md,
"Statute changes at two meetings".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.db import fetch_locked
from kooperativet.errors import Conflict, RuleViolation
from kooperativet.governance.models import AgendaItem, Meeting, MeetingStatus, Vote, VoteStatus
from kooperativet.governance.rules.readings import (
    Reading,
    reading_of,
    same_proposal,
    statutes_need_two_meetings,
)
from kooperativet.governance.rules.required_majority import MajorityBase, RequiredMajority
from kooperativet.governance.rules.rulebook import Rulebook
from kooperativet.governance.rules.terms import DecisionKind, MeetingKind, Outcome, swedish_day


@dataclass(frozen=True)
class ItemVote:
    """A vote on a statute change, with its agenda item and meeting and the day that meeting was held."""

    item: AgendaItem
    vote: Vote
    meeting: Meeting

    @property
    def held_on(self) -> date:
        return held_day(self.meeting)


@dataclass(frozen=True)
class FirstAdoption(ItemVote):
    """A statute change adopted in a first reading."""


@dataclass(frozen=True)
class VoteReading:
    """Which reading a vote is, and for the second the adoption it confirms."""

    reading: Reading
    first: FirstAdoption | None = None


def held_day(meeting: Meeting) -> date:
    """The day the meeting was held: the Swedish day it opened (the day it was called for until then)."""
    return swedish_day(meeting.opened_at) if meeting.opened_at is not None else meeting.held_on


def _adopted_in(vote: Vote, reading: Reading) -> bool:
    result = vote.result or {}
    return result.get("reading") == reading.value and result.get("outcome") == Outcome.ADOPTED.value


def first_adoption(session: Session, *, item_id: int, lock: bool = False) -> FirstAdoption | None:
    """The first adoption under the item ``item_id``: its closed vote that adopted it in a first reading.

    With ``lock`` its item's row is locked until the transaction ends: whatever confirms it (an item naming
    it, a vote put on that item, the vote that closes and confirms it) takes turns with every other, so two
    confirmations at the same moment cannot both find it unconfirmed; the second waits, then sees the first
    and is refused (``already_confirmed``)."""
    item = (
        fetch_locked(session, select(AgendaItem).where(AgendaItem.id == item_id))
        if lock
        else session.get(AgendaItem, item_id)
    )
    if item is None or not item.statute_change:
        return None
    votes = session.scalars(
        select(Vote).where(Vote.agenda_item_id == item.id, Vote.status == VoteStatus.closed).order_by(Vote.id)
    )
    vote = next((v for v in votes if _adopted_in(v, Reading.FIRST)), None)
    meeting = session.get(Meeting, item.meeting_id)
    return None if vote is None or meeting is None else FirstAdoption(item=item, vote=vote, meeting=meeting)


@dataclass(frozen=True)
class Confirmation(ItemVote):
    """The second reading that confirmed a first adoption: the item and vote at the later meeting."""

    @property
    def applies_from(self) -> date:
        """The Swedish day the confirming vote closed: the decision is taken then, and the change applies
        from it (the cooperative, an ideell förening, registers no statute change that would wait)."""
        assert self.vote.closed_at is not None  # a confirmation is a closed vote
        return swedish_day(self.vote.closed_at)


def confirmed_by(session: Session, first: FirstAdoption) -> Confirmation | None:
    """What confirmed ``first``, for the pages of the first adoption; None while it waits."""
    vote = confirmation_of(session, first)
    if vote is None:
        return None
    item = session.get(AgendaItem, vote.agenda_item_id)
    meeting = session.get(Meeting, vote.meeting_id)
    # A confirming vote stands under an item of a meeting.
    assert item is not None
    assert meeting is not None
    return Confirmation(item=item, vote=vote, meeting=meeting)


def confirmation_of_vote(session: Session, vote: Vote) -> Confirmation | None:
    """For a vote that adopted a statute change in a first reading, what confirmed it later, if anything."""
    if vote.agenda_item_id is None or not _adopted_in(vote, Reading.FIRST):
        return None
    first = first_adoption(session, item_id=vote.agenda_item_id)
    return confirmed_by(session, first) if first is not None and first.vote.id == vote.id else None


def confirmation_of(session: Session, first: FirstAdoption) -> Vote | None:
    """The vote at a later meeting that confirmed ``first`` (adopted it in the second reading), if any."""
    items = select(AgendaItem.id).where(AgendaItem.confirms_item_id == first.item.id)
    votes = session.scalars(
        select(Vote).where(Vote.agenda_item_id.in_(items), Vote.status == VoteStatus.closed).order_by(Vote.id)
    )
    return next((v for v in votes if _adopted_in(v, Reading.SECOND)), None)


def general_meeting_between(session: Session, *, first: FirstAdoption, meeting: Meeting) -> Meeting | None:
    """A general meeting closed after the first adoption, other than its own and ``meeting``: it was held in
    between, so ``meeting`` is not the next one ("på varandra följande")."""
    adopted_at = first.vote.closed_at
    assert adopted_at is not None  # a first adoption is a closed vote
    closed_after = session.scalars(
        select(Meeting)
        .where(
            Meeting.kind != MeetingKind.BOARD,
            Meeting.status == MeetingStatus.closed,
            Meeting.id.not_in((first.meeting.id, meeting.id)),
            Meeting.closed_at > adopted_at,
        )
        .order_by(Meeting.closed_at)
    )
    return next(iter(closed_after), None)


def _not_consecutive(session: Session, *, first: FirstAdoption, meeting: Meeting) -> str | None:
    """Why ``meeting`` cannot confirm ``first``; None when it is the next general meeting."""
    if meeting.id == first.meeting.id:
        return "the same meeting cannot confirm its own first adoption; the next general meeting does"
    if meeting.held_on < first.held_on:
        return f"meeting {meeting.id} is called for a day before the first adoption ({first.held_on})"
    between = general_meeting_between(session, first=first, meeting=meeting)
    if between is not None:
        return f"general meeting {between.id} was held after the first adoption; the chain is broken"
    return None


def check_confirmation(
    session: Session,
    *,
    meeting: Meeting,
    rulebook: Rulebook,
    confirms_item_id: int,
    statute_change: bool,
    text: str | None,
) -> FirstAdoption:
    """The first adoption an item at ``meeting`` may confirm, or the refusal: nothing is stored."""
    if not statutes_need_two_meetings(rulebook):
        raise RuleViolation(
            "the rulebook has one meeting decide a statute change; there is no first adoption to confirm",
            code="confirmation_not_required",
            field="confirms_item_id",
        )
    if not statute_change:
        raise RuleViolation(
            "only an item marked as a statute change confirms a first adoption",
            code="confirmation_not_a_statute_change",
            field="statute_change",
        )
    first = first_adoption(session, item_id=confirms_item_id, lock=True)
    if first is None:
        raise RuleViolation(
            f"agenda item {confirms_item_id} has no statute change adopted in a first reading",
            code="not_a_first_adoption",
            field="confirms_item_id",
        )
    if not same_proposal(first.item.text, text):
        raise RuleViolation(
            "the proposal differs from the one adopted in the first reading; the same text must be confirmed",
            code="proposal_differs",
            field="text",
        )
    check_still_open(session, first=first, meeting=meeting)
    return first


def check_still_open(session: Session, *, first: FirstAdoption, meeting: Meeting) -> None:
    """``meeting`` is the next general meeting after ``first``, which nobody has confirmed yet (checked when
    the item is added and again when the confirmation is put to the vote)."""
    problem = _not_consecutive(session, first=first, meeting=meeting)
    if problem is not None:
        raise Conflict(problem, code="meetings_not_consecutive", field="confirms_item_id")
    if confirmation_of(session, first) is not None:
        raise Conflict(
            f"the first adoption under agenda item {first.item.id} has already been confirmed",
            code="already_confirmed",
            field="confirms_item_id",
        )


def check_vote_confirms(session: Session, *, meeting: Meeting, item: AgendaItem, kind: DecisionKind) -> None:
    """Putting a confirmation to the vote: its first adoption still stands, unconfirmed, at the previous
    general meeting, and the same kind of statute change is decided (so the same majority rule)."""
    if item.confirms_item_id is None:
        return
    first = first_adoption(session, item_id=item.confirms_item_id, lock=True)
    if first is None:
        raise RuleViolation(
            f"agenda item {item.confirms_item_id} has no statute change adopted in a first reading",
            code="not_a_first_adoption",
            field="agenda_item_id",
        )
    if kind != first.vote.decision_kind:
        raise RuleViolation(
            f"the first reading decided a {first.vote.decision_kind}; the confirmation decides the same",
            code="confirmation_kind_differs",
            field="decision_kind",
        )
    check_still_open(session, first=first, meeting=meeting)
    _refuse_a_second_open_confirmation(session, first=first)


def _refuse_a_second_open_confirmation(session: Session, *, first: FirstAdoption) -> None:
    """One confirming vote open at a time (under the first adoption's lock, taken above): two open at once,
    the first to close confirms and the other could never close (``already_confirmed``), and its meeting
    could never be closed with a vote still open."""
    items = select(AgendaItem.id).where(AgendaItem.confirms_item_id == first.item.id)
    open_vote = session.scalar(
        select(Vote.id).where(Vote.agenda_item_id.in_(items), Vote.status == VoteStatus.open).limit(1)
    )
    if open_vote is not None:
        raise Conflict(
            f"vote {open_vote} on confirming the first adoption under agenda item {first.item.id} is open; "
            "close it before another confirming vote is put",
            code="confirmation_vote_open",
        )


def reading_for(
    session: Session, *, vote: Vote, rulebook: Rulebook, lock: bool = False
) -> VoteReading | None:
    """The reading ``vote`` is under its rulebook: None when one meeting decides. With ``lock`` the first
    adoption a second reading confirms is read locked (``first_adoption``)."""
    item = session.get(AgendaItem, vote.agenda_item_id) if vote.agenda_item_id is not None else None
    confirms = item.confirms_item_id if item is not None else None
    reading = reading_of(rulebook, DecisionKind(vote.decision_kind), confirms=confirms is not None)
    if reading is None:
        return None
    first = first_adoption(session, item_id=confirms, lock=lock) if confirms is not None else None
    return VoteReading(reading=reading, first=first)


def reading_for_closing(session: Session, *, vote: Vote, rulebook: Rulebook) -> VoteReading | None:
    """The reading of a vote being closed. A second reading is the confirmation itself: its first
    adoption's item is locked (``first_adoption(lock=True)``) and must still be unconfirmed, or the close is
    refused (409 ``already_confirmed``) and the vote stays open."""
    reading = reading_for(session, vote=vote, rulebook=rulebook, lock=True)
    if reading is None or reading.reading is not Reading.SECOND or reading.first is None:
        return reading
    if confirmation_of(session, reading.first) is not None:
        raise Conflict(
            f"the first adoption under agenda item {reading.first.item.id} has already been confirmed",
            code="already_confirmed",
        )
    return reading


def result_fields(
    reading: VoteReading | None, *, rulebook: Rulebook, kind: DecisionKind, outcome: str
) -> dict[str, Any]:
    """What a result records of its reading: for the first, the majority the confirmation will need; for
    the second, the first adoption it confirms. Nothing under a one-meeting rule (results as before)."""
    if reading is None:
        return {}
    fields: dict[str, Any] = {
        "reading": reading.reading.value,
        "statutes_changed": reading.reading is Reading.SECOND and outcome == Outcome.ADOPTED.value,
    }
    if reading.reading is Reading.FIRST:
        qualified = RequiredMajority.share_of(rulebook.majority_for(kind), base=MajorityBase.VOTES_CAST)
        fields["confirmation_majority"] = qualified.as_json()
    elif reading.first is not None:
        fields["first_adoption"] = {
            "item_id": reading.first.item.id,
            "vote_id": reading.first.vote.id,
            "meeting_id": reading.first.meeting.id,
            "held_on": reading.first.held_on.isoformat(),
        }
    return fields


def open_first_adoptions(session: Session, *, meeting: Meeting) -> list[FirstAdoption]:
    """The first adoptions ``meeting`` could confirm: adopted at another general meeting, not confirmed,
    and with no general meeting held since (the web's choice; the API refuses the others by their codes)."""
    candidates = session.scalars(
        select(AgendaItem.id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(AgendaItem.statute_change.is_(True), Meeting.id != meeting.id)
        .order_by(AgendaItem.id)
    )
    found = []
    for item_id in list(candidates):
        first = first_adoption(session, item_id=item_id)
        if (
            first is not None
            and _not_consecutive(session, first=first, meeting=meeting) is None
            and confirmation_of(session, first) is None
        ):
            found.append(first)
    return found


def first_adoption_day(session: Session, item: AgendaItem) -> date | None:
    """For an item that confirms a first adoption, the day that meeting was held; None otherwise."""
    if item.confirms_item_id is None:
        return None
    first = first_adoption(session, item_id=item.confirms_item_id)
    return first.held_on if first is not None else None


@dataclass(frozen=True)
class ItemReading:
    """What the meeting page says of a statute-change item under a two-meeting rulebook: its reading, for
    the second the day of the first adoption, for the first whether the meeting adopted it so (and the rule
    the confirmation will need)."""

    reading: Reading
    first_adopted_on: date | None = None
    confirmation_majority: dict[str, Any] | None = None
    #: For a first adoption a later meeting has confirmed: that confirmation.
    confirmed: Confirmation | None = None


def item_readings(session: Session, *, meeting: Meeting, rulebook: Rulebook) -> dict[int, ItemReading]:
    """Each statute-change item's reading, by item id; empty when one meeting decides a change."""
    if meeting.kind == MeetingKind.BOARD or not statutes_need_two_meetings(rulebook):
        return {}
    readings = {}
    for item in meeting.items:
        if not item.statute_change:
            continue
        if item.confirms_item_id is not None:
            readings[item.id] = ItemReading(
                Reading.SECOND, first_adopted_on=first_adoption_day(session, item)
            )
            continue
        first = first_adoption(session, item_id=item.id)
        rule = (first.vote.result or {}).get("confirmation_majority") if first is not None else None
        confirmed = confirmed_by(session, first) if first is not None else None
        readings[item.id] = ItemReading(Reading.FIRST, confirmation_majority=rule, confirmed=confirmed)
    return readings
