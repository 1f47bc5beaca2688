"""Rulebook versions, the board, meetings, votes, the secret-ballot roll and ballots, minutes.

Secret ballots (governance.md, "two tables with no link"): ``secret_ballot_roll`` says who has voted and
``secret_ballots`` holds the ballots. Neither table has an autoincrement id, a timestamp or a sequence;
the roll is keyed by (vote, member) and a ballot by a random UUID. On SQLite both are ``WITHOUT ROWID``
tables, stored in key order, so the file keeps no insertion order either. On PostgreSQL the heap order and
the ``xmin`` of a row do reveal when it was written; therefore closing a secret ballot rewrites all its
ballots in one transaction, in shuffled order (see ``service.close_vote``). A ballot's content is only its
Paillier ciphertexts (``governance.ballot_encryption``), so an order that leaks (the SQLite write-ahead log,
a backup taken while the vote is open) says nothing about choices. Limits: docs/ballot-secrecy.md.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kooperativet.db import Base, VersionedMixin, utcnow
from kooperativet.governance.rules.terms import Choice, DecisionKind, MeetingKind


class BoardRole(StrEnum):
    chair = "chair"  # ordförande
    treasurer = "treasurer"  # kassör
    secretary = "secretary"  # sekreterare
    member = "member"  # ledamot
    deputy = "deputy"  # suppleant: no vote unless standing in


class MeetingStatus(StrEnum):
    planned = "planned"
    open = "open"
    closed = "closed"


class AgendaItemKind(StrEnum):
    procedural = "procedural"  # formalia: the meeting's own conduct (opening, officials, voting list …)
    decision = "decision"  # a matter the meeting decides that is no board proposal nor motion
    board_proposal = "board_proposal"  # proposition
    motion = "motion"  # from a member, with the board's answer
    election = "election"
    report = "report"


class VoteMethod(StrEnum):
    open = "open"  # show of hands at a general meeting, each vote stored with its voter
    secret = "secret"  # noqa: S105 - sluten omröstning, yes/no
    election = "election"  # N seats, vote for up to N, by secret ballot
    board = "board"  # a decision at a board meeting
    per_capsulam = "per_capsulam"  # a board decision between meetings


class VoteStatus(StrEnum):
    open = "open"
    closed = "closed"


class RulebookVersion(Base):
    """One dated version of the cooperative's voting rules (the ``Rulebook`` fields as JSON)."""

    __tablename__ = "rulebooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    valid_from: Mapped[date] = mapped_column(unique=True)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BoardAssignment(Base):
    """A member's seat on the board in a role for a term (``term_to`` None: until further notice)."""

    __tablename__ = "board_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    role: Mapped[BoardRole] = mapped_column(String(20))
    term_from: Mapped[date]
    term_to: Mapped[date | None]
    decision_reference: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def holds_on(self, day: date) -> bool:
        return self.term_from <= day and (self.term_to is None or day <= self.term_to)


class Meeting(VersionedMixin, Base):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MeetingKind] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date]
    starts_at: Mapped[time | None] = mapped_column(
        doc="the time of day the meeting is called for, in Swedish time; None: only the day was given"
    )
    location: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[MeetingStatus] = mapped_column(String(10), default=MeetingStatus.planned)
    rulebook_id: Mapped[int] = mapped_column(ForeignKey("rulebooks.id"))
    noticed_on: Mapped[date | None]
    notice_text: Mapped[str | None] = mapped_column(Text)
    notice_mail_status: Mapped[str | None] = mapped_column(String(20))
    notice_mail_detail: Mapped[str | None] = mapped_column(String(500))
    notice_mail_queued: Mapped[int | None] = mapped_column(
        doc="how many members the notice was queued for as e-mail; None: noticed before it was counted"
    )
    notice_without_address: Mapped[int | None] = mapped_column(
        doc="how many entitled members had no e-mail address anywhere, whom the board calls another way"
    )
    time_changed_at: Mapped[datetime | None] = mapped_column(
        doc="when the start time was last changed after the notice went out; None: not since the notice"
    )
    time_changed_from: Mapped[time | None] = mapped_column(
        doc="the start time before that change (None: the meeting had no time then)"
    )
    time_change_mail_status: Mapped[str | None] = mapped_column(
        String(20), doc="queued or no_recipients: the e-mail telling the notice's recipients of the new time"
    )
    time_change_mail_detail: Mapped[str | None] = mapped_column(String(500))
    time_change_mail_queued: Mapped[int | None] = mapped_column(
        doc="how many members the new time was queued for as e-mail; None: no change counted since the notice"
    )
    time_change_without_address: Mapped[int | None] = mapped_column(
        doc="how many members the notice goes to had no e-mail address anywhere, whom the board tells the "
        "new time another way"
    )
    notice_override_reason: Mapped[str | None] = mapped_column(String(500))
    early_opening_reason: Mapped[str | None] = mapped_column(
        String(500), doc="why the meeting was opened before the day it was called for"
    )
    chair_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    secretary_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    adjuster1_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    adjuster2_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    items: Mapped[list[AgendaItem]] = relationship(order_by="AgendaItem.position", lazy="selectin")
    attendance: Mapped[list[Attendance]] = relationship(order_by="Attendance.member_id", lazy="selectin")
    proxies: Mapped[list[MeetingProxy]] = relationship(order_by="MeetingProxy.id", lazy="selectin")


class AgendaItem(Base):
    __tablename__ = "agenda_items"
    __table_args__ = (UniqueConstraint("meeting_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    position: Mapped[int]
    kind: Mapped[AgendaItemKind] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str | None] = mapped_column(Text, doc="the proposal or the motion")
    statute_change: Mapped[bool] = mapped_column(default=False)
    is_closing: Mapped[bool] = mapped_column(
        default=False,
        server_default=false(),
        doc="the agenda's closing ('Stämmans avslutande'), whatever its title: closing the meeting takes it "
        "up as the last §, and items added later go before it (``conduct``)",
    )
    noticed_on: Mapped[date | None] = mapped_column(
        doc="the day of the latest notice (kallelse) that listed the item; None: added after every notice"
    )
    motion_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    board_answer: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str | None] = mapped_column(
        Text, doc="what the meeting decided without a vote (acclamation), as it follows '… beslutade att'"
    )
    decided_at: Mapped[datetime | None] = mapped_column(
        doc="when the meeting decided the item without a vote; None: not so decided (a vote may have)"
    )
    held_as: Mapped[int | None] = mapped_column(
        doc="the item's number (§) in the order the meeting took it up; None until taken up"
    )
    confirms_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id"),
        doc="a statute change's second reading: the item at the previous general meeting that adopted the "
        "same proposal in a first reading (statutes asking for two meetings); None: not a confirmation",
    )


class Attendance(Base):
    """A member present at a meeting (for a board meeting: a board member present)."""

    __tablename__ = "meeting_attendance"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)


class MeetingProxy(Base):
    """An ombud: ``attendee`` votes for ``principal`` under a fullmakt dated ``dated`` and, as whoever
    registered it confirmed, signed by the member (``signed``; NULL for a proxy registered before that was
    asked, migration ``8e2c4a6f1d3b``)."""

    __tablename__ = "meeting_proxies"
    __table_args__ = (UniqueConstraint("meeting_id", "principal_member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    principal_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    attendee_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    dated: Mapped[date]
    signed: Mapped[bool | None]


class Vote(Base):
    """A question put to a vote, or an election; with its result once closed."""

    __tablename__ = "votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"))
    method: Mapped[VoteMethod] = mapped_column(String(20))
    decision_kind: Mapped[DecisionKind] = mapped_column(String(40))
    question: Mapped[str] = mapped_column(Text)
    rulebook_id: Mapped[int] = mapped_column(ForeignKey("rulebooks.id"))
    seats: Mapped[int | None]
    candidates: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True), doc="elections: the names")
    excluded_member_ids: Mapped[list[int]] = mapped_column(JSON, default=list, doc="jäv")
    hide_results: Mapped[bool] = mapped_column(default=False)
    ends_at: Mapped[datetime | None]
    parameter_key: Mapped[str | None] = mapped_column(String(64))
    parameter_value: Mapped[str | None] = mapped_column(String(200))
    parameter_valid_from: Mapped[date | None]
    parameter_value_id: Mapped[int | None] = mapped_column(ForeignKey("parameter_values.id"))
    status: Mapped[VoteStatus] = mapped_column(String(10), default=VoteStatus.open)
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    result: Mapped[dict[str, Any] | None] = mapped_column(
        JSON(none_as_null=True), doc="counts, turnout, majority, outcome, tie-break"
    )
    ballot_commitment: Mapped[str | None] = mapped_column(String(64))
    tally_public_key: Mapped[str | None] = mapped_column(
        Text, doc="secret ballots: the Paillier modulus n, decimal"
    )
    tally_key_wrapped: Mapped[str | None] = mapped_column(
        Text, doc="secret ballots while open: the private key sealed with the tellers' passphrase"
    )


class OpenVoteCast(Base):
    """A vote in an open vote, board vote or per capsulam answer: stored with its voter."""

    __tablename__ = "open_votes_cast"
    __table_args__ = (UniqueConstraint("vote_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    cast_by_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), doc="the proxy, if one voted")
    choice: Mapped[Choice] = mapped_column(String(10))
    cast_at: Mapped[datetime]


class SecretBallotRoll(Base):
    """Who has voted in a secret ballot: no id, no time, no order (WITHOUT ROWID on SQLite)."""

    __tablename__ = "secret_ballot_roll"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 - SQLAlchemy's table arguments

    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)


class SecretBallot(Base):
    """One ballot: a random id, its ciphertexts (``content``) and the receipt; nothing points to the voter."""

    __tablename__ = "secret_ballots"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 - SQLAlchemy's table arguments

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id"), index=True)
    content: Mapped[str] = mapped_column(Text)
    receipt: Mapped[str] = mapped_column(String(64), unique=True)


class Minutes(Base):
    """One version of a meeting's minutes (protokoll). Locked once adjusted; a correction is a new version."""

    __tablename__ = "minutes"
    __table_args__ = (UniqueConstraint("meeting_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    version: Mapped[int]
    refers_to_id: Mapped[int | None] = mapped_column(ForeignKey("minutes.id"))
    correction_reason: Mapped[str | None] = mapped_column(String(500))
    #: What the PDF says: the HTML the template wrote when the version was drawn up (a draft) or locked (the
    #: adjusted minutes). The PDF and its SHA-256 are rendered from it after the commit (documents.pipeline);
    #: empty until then. Minutes from before the pipeline have a PDF and no text.
    html: Mapped[str | None] = mapped_column(Text)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    sha256: Mapped[str | None] = mapped_column(String(64))
    audit_head_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    locked_at: Mapped[datetime | None]
    approvals: Mapped[list[MinutesApproval]] = relationship(
        order_by="MinutesApproval.approved_at, MinutesApproval.id", lazy="selectin"
    )


class MinutesApproval(Base):
    """An adjuster's approval (justering) of a draft of the minutes, given from their own account. The
    minutes lock when both adjusters elected at the meeting have approved the same draft (``draft_sha256``).
    """

    __tablename__ = "minutes_approvals"
    __table_args__ = (UniqueConstraint("minutes_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    draft_sha256: Mapped[str] = mapped_column(String(64), doc="the draft PDF the adjuster read and approved")
    approved_at: Mapped[datetime]
