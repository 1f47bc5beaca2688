"""Votes: putting a question or an election to the vote, casting a ballot, closing, and the vote as read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from pydantic import AwareDatetime, Field

from kooperativet.api.types import MultilineText, ReadSchema, Schema, Text
from kooperativet.governance.models import OpenVoteCast, Vote, VoteMethod, VoteStatus
from kooperativet.governance.rules.terms import Choice, DecisionKind
from kooperativet.governance.schemas.read_models import stored_fields
from kooperativet.governance.schemas.results import result_read

#: Shortest tellers' passphrase accepted: it alone guards the tally key in a copy of the database.
TELLERS_PASSPHRASE_MIN = 12


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
    ends_at: AwareDatetime | None = Field(
        default=None, description="with its time zone (a moment without one is refused, 422)"
    )
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
    """A yes/no vote (``choice``) or an election ballot (``candidates``, at most the number of seats, each
    candidate once: with fewer candidates than seats, at most every candidate)."""

    choice: Choice | None = None
    candidates: list[Text] | None = Field(
        default=None,
        description="elections: the names chosen, each once; at most the number of seats, and never more "
        "than stand (an empty list is a blank ballot)",
    )
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


class VoteRead(ReadSchema):
    id: int
    meeting_id: int | None
    agenda_item_id: int | None
    method: VoteMethod
    decision_kind: DecisionKind
    question: str
    rulebook_id: int
    seats: int | None = Field(
        description="elections: the seats to fill; a ballot names at most this many, and at most every "
        "candidate when fewer stand than there are seats"
    )
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
    result: dict[str, object] | None = Field(
        description="counts, turnout, majority, outcome, tie-break; an election's vacant seats (vacant_seats)"
    )
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
                **stored_fields(vote, cls, derived={"sets_parameter", "voted", "cast_votes", "result"}),
                "result": result_read(vote.result),
                "sets_parameter": proposal,
                "voted": voted,
                "cast_votes": None if cast_votes is None else list(cast_votes),
            }
        )
