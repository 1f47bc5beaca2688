from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Any

from pydantic import BaseModel, Field

from kooperativet.api.types import MultilineText, ReadSchema, Schema, Text
from kooperativet.governance.models import (
    AgendaItemKind,
    BoardRole,
    Meeting,
    MeetingStatus,
    Minutes,
    OpenVoteCast,
    Vote,
    VoteMethod,
    VoteStatus,
)
from kooperativet.governance.rules.procedure import NoticeCheck
from kooperativet.governance.rules.rulebook import Majority, NoticeWindow, Quorum, Rulebook
from kooperativet.governance.rules.terms import Choice, DecisionKind, EarlyClose, MeetingKind
from kooperativet.mail import MailOutcome

#: Shortest tellers' passphrase accepted: it alone guards the tally key in a copy of the database.
TELLERS_PASSPHRASE_MIN = 12
SHARE = Field(pattern=r"^\d{1,3}/[1-9]\d{0,2}$", examples=["1/2"], description="a fraction, e.g. 2/3")


def percent_of(fraction: str) -> Decimal:
    """``"2/3"`` → ``Decimal("66.67")``: a share as a percentage to two decimals, computed exactly."""
    numerator, denominator = (int(part) for part in fraction.split("/"))
    return (Decimal(100 * numerator) / denominator).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def _with_percent(result: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stored result as the API shows it: the turnout also as a percentage."""
    if result is None or "turnout" not in result:
        return result
    fraction = result["turnout"]["fraction"]
    return {**result, "turnout": {"fraction": fraction, "percent": str(percent_of(fraction))}}


def _stored(row: object, schema: type[BaseModel], *, derived: set[str]) -> dict[str, Any]:
    """The fields of a read model that the row holds as they are; the ``derived`` ones the caller gives."""
    return {name: getattr(row, name) for name in schema.model_fields if name not in derived}


class MajorityFields(Schema):
    share: str = SHARE
    at_least: bool = Field(default=False, description="false: more than the share; true: at least")
    meetings: int = Field(default=1, ge=1, le=3)


class QuorumFields(Schema):
    share: str = Field(default="0/1", pattern=r"^\d{1,3}/[1-9]\d{0,2}$", examples=["1/2"])
    at_least: bool = True
    minimum: int = Field(default=0, ge=0)


class NoticeFields(Schema):
    min_days_before: int = Field(ge=0, le=366)
    max_days_before: int | None = Field(default=None, ge=0, le=366)


class RulebookFields(Schema):
    """The rules of one rulebook version; the defaults of lag (2018:672) are in ``default_rulebook``."""

    ordinary: MajorityFields
    statute_change: MajorityFields
    statute_change_raising_duties: MajorityFields
    dissolution: MajorityFields
    board_decision: MajorityFields
    board_quorum: QuorumFields
    general_meeting_quorum: QuorumFields
    annual_meeting_notice: NoticeFields
    extra_meeting_notice: NoticeFields
    statute_change_notice: NoticeFields
    board_meeting_notice: NoticeFields
    proxies_allowed: bool
    max_proxies_per_attendee: int = Field(ge=0, le=10)
    proxy_validity_months: int = Field(ge=1, le=12)
    secret_ballot_on_request: list[DecisionKind]
    votes_may_change: bool
    early_close: EarlyClose

    def to_rulebook(self) -> Rulebook:
        """The pure rulebook; raises ValueError when the rules contradict each other."""

        def majority(m: MajorityFields) -> Majority:
            return Majority(share=Fraction(m.share), at_least=m.at_least, meetings=m.meetings)

        def quorum(q: QuorumFields) -> Quorum:
            return Quorum(share=Fraction(q.share), at_least=q.at_least, minimum=q.minimum)

        def notice(n: NoticeFields) -> NoticeWindow:
            return NoticeWindow(min_days_before=n.min_days_before, max_days_before=n.max_days_before)

        return Rulebook(
            ordinary=majority(self.ordinary),
            statute_change=majority(self.statute_change),
            statute_change_raising_duties=majority(self.statute_change_raising_duties),
            dissolution=majority(self.dissolution),
            board_decision=majority(self.board_decision),
            board_quorum=quorum(self.board_quorum),
            general_meeting_quorum=quorum(self.general_meeting_quorum),
            annual_meeting_notice=notice(self.annual_meeting_notice),
            extra_meeting_notice=notice(self.extra_meeting_notice),
            statute_change_notice=notice(self.statute_change_notice),
            board_meeting_notice=notice(self.board_meeting_notice),
            proxies_allowed=self.proxies_allowed,
            max_proxies_per_attendee=self.max_proxies_per_attendee,
            proxy_validity_months=self.proxy_validity_months,
            secret_ballot_on_request=frozenset(self.secret_ballot_on_request),
            votes_may_change=self.votes_may_change,
            early_close=self.early_close,
        )

    @classmethod
    def from_rulebook(cls, rulebook: Rulebook) -> RulebookFields:
        def majority(m: Majority) -> MajorityFields:
            return MajorityFields(
                share=str(m.share.numerator) + "/" + str(m.share.denominator),
                at_least=m.at_least,
                meetings=m.meetings,
            )

        def quorum(q: Quorum) -> QuorumFields:
            return QuorumFields(
                share=f"{q.share.numerator}/{q.share.denominator}", at_least=q.at_least, minimum=q.minimum
            )

        def notice(n: NoticeWindow) -> NoticeFields:
            return NoticeFields(min_days_before=n.min_days_before, max_days_before=n.max_days_before)

        return cls(
            ordinary=majority(rulebook.ordinary),
            statute_change=majority(rulebook.statute_change),
            statute_change_raising_duties=majority(rulebook.statute_change_raising_duties),
            dissolution=majority(rulebook.dissolution),
            board_decision=majority(rulebook.board_decision),
            board_quorum=quorum(rulebook.board_quorum),
            general_meeting_quorum=quorum(rulebook.general_meeting_quorum),
            annual_meeting_notice=notice(rulebook.annual_meeting_notice),
            extra_meeting_notice=notice(rulebook.extra_meeting_notice),
            statute_change_notice=notice(rulebook.statute_change_notice),
            board_meeting_notice=notice(rulebook.board_meeting_notice),
            proxies_allowed=rulebook.proxies_allowed,
            max_proxies_per_attendee=rulebook.max_proxies_per_attendee,
            proxy_validity_months=rulebook.proxy_validity_months,
            secret_ballot_on_request=sorted(rulebook.secret_ballot_on_request),
            votes_may_change=rulebook.votes_may_change,
            early_close=rulebook.early_close,
        )


class RulebookCreate(Schema):
    valid_from: date = Field(examples=["2027-01-01"])
    source: Text = Field(min_length=1, max_length=500, examples=["stadgar § 9, antagna på årsmötet 2026"])
    rules: RulebookFields


class RulebookRead(ReadSchema):
    id: int
    valid_from: date
    source: str
    rules: RulebookFields
    created_at: datetime


class BoardAssignmentCreate(Schema):
    member_id: int
    role: BoardRole
    term_from: date = Field(examples=["2026-05-01"])
    term_to: date | None = Field(default=None, examples=["2027-04-30"])
    decision_reference: Text | None = Field(default=None, max_length=200, examples=["årsmötet 2026 § 12"])


class BoardAssignmentRead(ReadSchema):
    id: int
    member_id: int
    role: BoardRole
    term_from: date
    term_to: date | None
    decision_reference: str | None


class MeetingCreate(Schema):
    kind: MeetingKind
    title: Text = Field(min_length=1, max_length=200, examples=["Årsmöte 2026"])
    held_on: date = Field(examples=["2026-12-20"])
    location: Text | None = Field(default=None, max_length=200)


class AgendaItemCreate(Schema):
    kind: AgendaItemKind
    title: Text = Field(min_length=1, max_length=200)
    text: MultilineText | None = Field(default=None, max_length=20_000)
    statute_change: bool = False


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
    motion_by_member_id: int | None
    board_answer: str | None
    decision: str | None
    held_as: int | None = Field(description="the item's number (§) in the order the meeting took it up")


class NoticeCreate(Schema):
    text: MultilineText = Field(
        min_length=1, max_length=20_000, description="the kallelse sent to those entitled"
    )


class NoticeRead(Schema):
    noticed_on: date
    ok: bool
    problem: str | None
    earliest: date | None
    latest: date
    mail_status: str
    mail_detail: str | None

    @classmethod
    def from_check(cls, check: NoticeCheck, *, noticed_on: date, mail: MailOutcome) -> NoticeRead:
        """The notice's check against the rulebook's window, and what became of the e-mail."""
        return cls(
            noticed_on=noticed_on,
            ok=check.ok,
            problem=check.problem.value if check.problem else None,
            earliest=check.earliest,
            latest=check.latest,
            mail_status=mail.status,
            mail_detail=mail.detail,
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


class ProxyRead(ReadSchema):
    id: int
    principal_member_id: int
    attendee_member_id: int
    dated: date


class QuorumRead(Schema):
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
    location: str | None
    status: MeetingStatus
    rulebook_id: int
    noticed_on: date | None
    notice_mail_status: str | None
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
        cls, meeting: Meeting, *, quorum: QuorumRead, vote_ids: list[int], minutes: Sequence[Minutes]
    ) -> MeetingRead:
        """The meeting as stored (with its agenda and proxies), and what the services count of it."""
        derived = {"present_member_ids", "quorum", "vote_ids", "minutes"}
        return cls.model_validate(
            {
                **_stored(meeting, cls, derived=derived),
                "present_member_ids": [a.member_id for a in meeting.attendance],
                "quorum": quorum,
                "vote_ids": vote_ids,
                "minutes": list(minutes),
            }
        )


class ParameterProposal(Schema):
    key: Text = Field(examples=["fee_rate"])
    value: MultilineText = Field(examples=["0.055"])
    valid_from: date = Field(examples=["2027-01-01"])


class VoteCreate(Schema):
    method: VoteMethod
    question: MultilineText = Field(
        min_length=1, max_length=2000, examples=["Ska mötet bevilja styrelsen ansvarsfrihet?"]
    )
    decision_kind: DecisionKind = DecisionKind.ORDINARY
    agenda_item_id: int | None = None
    seats: int | None = Field(default=None, ge=1, le=50, description="elections: the number of seats")
    candidates: list[Text] | None = Field(default=None, description="elections: the candidates' names")
    excluded_member_ids: list[int] = Field(default_factory=list, description="members disqualified (jäv)")
    hide_results: bool = Field(default=False, description="open votes: hide the tally until close")
    ends_at: datetime | None = None
    sets_parameter: ParameterProposal | None = Field(
        default=None, description="if adopted, this dated parameter value is added, citing the decision"
    )
    tellers_passphrase: str | None = Field(
        default=None,
        min_length=TELLERS_PASSPHRASE_MIN,
        max_length=1024,
        description="secret ballots and elections: seals the tally key; the tellers give it again to close",
    )


class PerCapsulamCreate(Schema):
    question: MultilineText = Field(min_length=1, max_length=2000)
    excluded_member_ids: list[int] = Field(default_factory=list)
    sets_parameter: ParameterProposal | None = None


class BallotCreate(Schema):
    """A yes/no vote (``choice``) or an election ballot (``candidates``, at most the number of seats)."""

    choice: Choice | None = None
    candidates: list[Text] | None = None
    on_behalf_of_member_id: int | None = Field(default=None, description="vote as the proxy of this member")


class BallotReceipt(Schema):
    vote_id: int
    secret: bool
    receipt: str | None = Field(description="secret ballots: SHA-256 of your encrypted ballot; keep it")
    ballot: str | None = Field(
        description="secret ballots: your encrypted ballot (one ciphertext per option)"
    )


class VoteClose(Schema):
    chair_casting_vote: Choice | None = Field(default=None, description="open votes: breaks a tie")
    tellers_passphrase: str | None = Field(
        default=None, max_length=1024, description="secret ballots and elections: opens the tally key"
    )


class CastVoteRead(ReadSchema):
    member_id: int
    cast_by_member_id: int
    choice: Choice


class PublishedBallotRead(ReadSchema):
    content: str
    receipt: str


class DecryptedSumRead(Schema):
    """One option's tally: the product of its ciphertexts, the count and the randomness r it decrypts to."""

    option: str | None = Field(description="yes, no, abstain or a candidate; null: blank election ballots")
    ciphertext: str
    count: int
    randomness: str


class PublishedBallots(Schema):
    vote_id: int
    commitment: str
    roll_count: int
    public_key: str | None = Field(description="the Paillier modulus n (g = n + 1); null for legacy votes")
    tally: list[DecryptedSumRead] = Field(
        description="check: (1 + n)^count · randomness^n mod n² is the product of the option's ciphertexts"
    )
    ballots: list[PublishedBallotRead]


class RecountRead(Schema):
    """A recount from the stored ciphertexts, checked against what was published at close."""

    vote_id: int
    commitment_matches: bool
    sums_match: bool
    decryptions_verify: bool
    counts_match: bool
    ok: bool


class VoteRead(ReadSchema):
    id: int
    meeting_id: int | None
    agenda_item_id: int | None
    method: VoteMethod
    decision_kind: DecisionKind
    question: str
    rulebook_id: int
    seats: int | None
    candidates: list[str] | None
    excluded_member_ids: list[int]
    hide_results: bool
    ends_at: datetime | None
    sets_parameter: ParameterProposal | None
    parameter_value_id: int | None
    status: VoteStatus
    opened_at: datetime
    closed_at: datetime | None
    voted: int = Field(description="how many have voted so far")
    result: dict[str, object] | None = Field(description="counts, turnout, majority, outcome, tie-break")
    ballot_commitment: str | None
    cast_votes: list[CastVoteRead] | None = Field(description="open votes, once results may be shown")

    @classmethod
    def from_model(cls, vote: Vote, *, voted: int, cast_votes: Sequence[OpenVoteCast] | None) -> VoteRead:
        """The vote as stored, how many have voted, and the open votes cast when they may be shown."""
        proposal = (
            ParameterProposal(
                key=vote.parameter_key, value=vote.parameter_value, valid_from=vote.parameter_valid_from
            )
            if vote.parameter_key and vote.parameter_value and vote.parameter_valid_from
            else None
        )
        return cls.model_validate(
            {
                **_stored(vote, cls, derived={"sets_parameter", "voted", "cast_votes", "result"}),
                "result": _with_percent(vote.result),
                "sets_parameter": proposal,
                "voted": voted,
                "cast_votes": None if cast_votes is None else list(cast_votes),
            }
        )


class MinutesCreate(Schema):
    correction_reason: MultilineText | None = Field(
        default=None, max_length=500, description="required when the previous version is locked"
    )


class MinutesRead(ReadSchema):
    id: int
    meeting_id: int
    version: int
    refers_to_id: int | None
    correction_reason: str | None
    sha256: str
    audit_head_hash: str
    created_at: datetime
    locked_at: datetime | None = Field(description="set when both adjusters have approved; final from then")
    approvals: list[MinutesApprovalRead]


class MinutesApprovalRead(ReadSchema):
    member_id: int
    draft_sha256: str
    approved_at: datetime


MinutesRead.model_rebuild()
MeetingRead.model_rebuild()
