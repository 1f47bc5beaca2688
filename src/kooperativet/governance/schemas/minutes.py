"""Minutes: drawing them up, their versions and the adjusters' approvals."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from kooperativet.api.types import MultilineText, ReadSchema, Schema


class MinutesCreate(Schema):
    correction_reason: MultilineText | None = Field(
        default=None, max_length=500, description="required when the previous version is locked"
    )


class MinutesApprovalCreate(Schema):
    draft_sha256: str | None = Field(
        default=None,
        pattern="^[0-9a-f]{64}$",
        description=(
            "the SHA-256 of the draft PDF the adjuster read (the minutes' `sha256` when she downloaded it); "
            "the approval is refused with 409 `draft_redrawn` if the minutes were redrawn since. Clients "
            "should always send it: without it the approval names the draft as it stands"
        ),
    )


class MinutesApprovalRead(ReadSchema):
    member_id: int
    draft_sha256: str
    approved_at: datetime


class MinutesRead(ReadSchema):
    id: int
    meeting_id: int
    version: int
    refers_to_id: int | None
    correction_reason: str | None
    sha256: str | None = Field(
        description="the PDF's SHA-256: the draft's, then the adjusted minutes'; empty while it is rendered"
    )
    audit_head_hash: str
    created_at: datetime
    locked_at: datetime | None = Field(description="set when both adjusters have approved; final from then")
    approvals: list[MinutesApprovalRead]
