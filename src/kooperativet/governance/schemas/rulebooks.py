"""Rulebooks: the dated rules (majorities, quorums, notice, proxies, secret ballots) in the API."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction

from pydantic import Field

from kooperativet.api.types import ReadSchema, Schema, Text
from kooperativet.governance.rules.rulebook import Majority, NoticeWindow, Quorum, Rulebook
from kooperativet.governance.rules.terms import DecisionKind, EarlyClose

SHARE = Field(pattern=r"^\d{1,3}/[1-9]\d{0,2}$", examples=["1/2"], description="a fraction, e.g. 2/3")


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
