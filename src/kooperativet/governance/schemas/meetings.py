"""Meetings: planning, the agenda and motions, notice, opening, officials, attendance, proxies, quorum."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema

from kooperativet.api.types import MultilineText, ReadSchema, Schema, Text
from kooperativet.governance.models import AgendaItemKind, Meeting, MeetingStatus, Minutes
from kooperativet.governance.rules.procedure import NoticeCheck
from kooperativet.governance.rules.terms import MeetingKind
from kooperativet.governance.schemas.minutes import MinutesRead
from kooperativet.governance.schemas.read_models import stored_fields

HH_MM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def _time_of_day(value: object) -> object:
    """``"18:30"`` → 18:30; anything else written as text (``"18.30"``, ``"25:00"``, ``"18:30:15"``) is
    refused rather than read some other way."""
    if isinstance(value, str):
        if not HH_MM.fullmatch(value):
            raise ValueError("a time of day as HH:MM, for example 18:30")
        return time(int(value[:2]), int(value[3:]))
    return value


TimeOfDay = Annotated[
    time,
    BeforeValidator(_time_of_day),
    PlainSerializer(lambda value: value.strftime("%H:%M"), return_type=str),
    WithJsonSchema({"type": "string", "pattern": f"^{HH_MM.pattern}$", "examples": ["18:30"]}),
]
"""A time of day in Swedish time, ``HH:MM`` both ways."""


class MeetingCreate(Schema):
    kind: MeetingKind
    title: Text = Field(min_length=1, max_length=200, examples=["Årsmöte 2026"])
    held_on: date = Field(examples=["2026-12-20"])
    starts_at: TimeOfDay | None = Field(
        default=None, description="the time of day the meeting starts, Swedish time (HH:MM)"
    )
    location: Text | None = Field(default=None, max_length=200)


class MeetingTimeUpdate(Schema):
    starts_at: TimeOfDay | None = Field(
        description="the time of day the meeting starts, Swedish time (HH:MM); null: the day only"
    )


class AgendaItemCreate(Schema):
    kind: AgendaItemKind
    title: Text = Field(min_length=1, max_length=200)
    text: MultilineText | None = Field(default=None, max_length=20_000)
    statute_change: bool = False
    is_closing: bool = Field(
        default=False,
        description="the agenda's closing ('Mötets avslutande'): closing the meeting takes it up as the "
        "last §, and items added later go before it; one per agenda, a procedural item",
    )
    confirms_item_id: int | None = Field(
        default=None,
        description="statutes asking for two meetings: the agenda item at the previous general meeting whose "
        "vote adopted the same proposal in a first reading; this item is its second reading",
    )


class MotionCreate(Schema):
    title: Text = Field(min_length=1, max_length=200)
    text: MultilineText = Field(min_length=1, max_length=20_000)


class MotionAnswer(Schema):
    board_answer: MultilineText = Field(min_length=1, max_length=20_000)


class AgendaItemRead(ReadSchema):
    id: int
    position: int
    kind: AgendaItemKind
    title: str
    text: str | None
    statute_change: bool
    is_closing: bool = Field(
        description="the agenda's closing, taken up as the last § when the meeting closes"
    )
    noticed_on: date | None = Field(
        description="the day of the latest notice that listed the item; null: added after every notice"
    )
    motion_by_member_id: int | None
    board_answer: str | None
    decision: str | None = Field(
        description="what the meeting decided without a vote, as it follows 'Stämman beslutade att'"
    )
    decided_at: datetime | None = Field(description="when the meeting decided the item without a vote")
    held_as: int | None = Field(description="the item's number (§) in the order the meeting took it up")
    confirms_item_id: int | None = Field(
        description="a statute change's second reading: the item whose first adoption it confirms"
    )


class NoticeCreate(Schema):
    text: MultilineText = Field(
        min_length=1, max_length=20_000, description="the kallelse sent to those entitled"
    )


class NoticeRead(ReadSchema):
    noticed_on: date
    ok: bool
    problem: str | None
    earliest: date | None
    latest: date
    mail_status: Literal["queued", "no_recipients", "not_configured"] = Field(
        description="queued: one e-mail per member with an address waits for the mail worker "
        "(GET /api/v1/mail shows when it went out); no_recipients: nobody entitled has an address; "
        "not_configured: no mail server is set up, nothing was queued, and the notice goes out another way"
    )
    mail_detail: str | None = Field(
        description="for how many members the e-mail was queued, and how many were left out for having no "
        "e-mail address"
    )
    without_address: int = Field(
        description="members entitled to the notice who have no e-mail address, on their record or their "
        "login: the e-mail does not reach them, and the board calls them another way (by post)"
    )

    @classmethod
    def from_check(
        cls,
        check: NoticeCheck,
        *,
        noticed_on: date,
        mail_status: str,
        mail_detail: str | None,
        without_address: int,
    ) -> NoticeRead:
        """The notice's check against the rulebook's window, whether its e-mail was queued and whom it left
        out."""
        return cls(
            noticed_on=noticed_on,
            ok=check.ok,
            problem=check.problem.value if check.problem else None,
            earliest=check.earliest,
            latest=check.latest,
            mail_status=mail_status,
            mail_detail=mail_detail,
            without_address=without_address,
        )


class MeetingOpen(Schema):
    override_reason: MultilineText | None = Field(
        default=None, max_length=500, description="required to open a meeting whose notice was not in time"
    )
    early_opening_reason: Text | None = Field(
        default=None,
        max_length=500,
        description="required to open a meeting before the day it was called for; printed in the minutes",
    )


class MeetingClose(Schema):
    items_not_dealt_with: list[int] | None = Field(
        default=None,
        max_length=1000,
        description="closing is final: with agenda items not taken up (the minutes list them as not dealt "
        "with) the close is refused with items_not_dealt_with, naming them in items, unless this lists "
        "their ids; refused with 409 items_not_dealt_with_changed when the items left are no longer these",
    )
    confirm_items_not_dealt_with: bool = Field(
        default=False,
        description="the earlier confirmation, which names no items: true closes the meeting leaving whatever"
        " items are not dealt with when the close arrives; items_not_dealt_with, when sent, decides instead",
    )


class OfficialsUpdate(Schema):
    chair_member_id: int
    secretary_member_id: int
    adjuster1_member_id: int
    adjuster2_member_id: int


class AttendanceCreate(Schema):
    member_id: int


class ProxyCreate(Schema):
    principal_member_id: int
    attendee_member_id: int
    dated: date = Field(description="the date of the fullmakt")
    signed: bool = Field(
        default=False,
        description="whoever registers the proxy confirms that the member signed the fullmakt (lag 2018:672 "
        "6 kap. 4 §); false or left out is refused with proxy_not_signed (a client written before the field "
        "was asked for gets that refusal, naming the field, not a bare missing-field error)",
    )


class ProxyRead(ReadSchema):
    id: int
    principal_member_id: int
    attendee_member_id: int
    dated: date
    #: None for a proxy registered before the signature was asked for.
    signed: bool | None


class QuorumRead(ReadSchema):
    present: int
    represented: int
    entitled: int
    needed: int
    quorate: bool


class MeetingRead(ReadSchema):
    id: int
    kind: MeetingKind
    title: str
    held_on: date
    starts_at: TimeOfDay | None = Field(description="the time of day it starts, Swedish time (HH:MM)")
    location: str | None
    status: MeetingStatus
    rulebook_id: int
    noticed_on: date | None
    notice_text: str | None = Field(
        description="the board's notice as it went out (the latest, if sent again)"
    )
    notice_mail_status: str | None
    notice_mail_detail: str | None = Field(
        description="for how many members the notice's e-mail was queued, and how many were left out for "
        "having no e-mail address"
    )
    notice_without_address: int | None = Field(
        description="members the notice's e-mail left out for having no e-mail address anywhere, to be "
        "called another way; null: no notice e-mail yet, or one recorded before they were counted"
    )
    time_changed_at: datetime | None = Field(
        description="when the start time was last changed after the notice went out; null: not since then"
    )
    time_changed_from: TimeOfDay | None = Field(
        description="the start time before that change (HH:MM); null: the meeting had no time"
    )
    time_change_mail_status: Literal["queued", "no_recipients", "not_configured"] | None = Field(
        description="queued: an e-mail with the new time waits for the mail worker for each member the "
        "notice goes to; no_recipients: none of them has an address; not_configured: no mail server is set "
        "up and nothing was queued, so they are told another way; null: no change since the notice"
    )
    time_change_mail_detail: str | None
    time_change_without_address: int | None = Field(
        description="members the notice goes to whom the e-mail with the new time left out for having no "
        "e-mail address anywhere, to be told another way; null: no change since the notice, or one recorded "
        "before they were counted"
    )
    notice_override_reason: str | None
    early_opening_reason: str | None
    chair_member_id: int | None
    secretary_member_id: int | None
    adjuster1_member_id: int | None
    adjuster2_member_id: int | None
    opened_at: datetime | None
    closed_at: datetime | None
    version: int
    items: list[AgendaItemRead]
    present_member_ids: list[int]
    proxies: list[ProxyRead]
    quorum: QuorumRead
    vote_ids: list[int]
    minutes: list[MinutesRead]

    @classmethod
    def from_model(
        cls,
        meeting: Meeting,
        *,
        quorum: QuorumRead,
        vote_ids: list[int],
        minutes: Sequence[Minutes],
    ) -> MeetingRead:
        """The meeting as stored (with its agenda and proxies, and the counts its e-mails recorded), and what
        the services count of it."""
        derived = {"present_member_ids", "quorum", "vote_ids", "minutes"}
        return cls.model_validate(
            {
                **stored_fields(meeting, cls, derived=derived),
                "present_member_ids": [a.member_id for a in meeting.attendance],
                "quorum": quorum,
                "vote_ids": vote_ids,
                "minutes": list(minutes),
            }
        )
