"""The bodies and answers of the account-link endpoints (``workflows.accounts_router``)."""

from __future__ import annotations

from datetime import datetime
from typing import Self

from pydantic import EmailStr, Field, model_validator

from kooperativet.api.types import ReadSchema, Schema
from kooperativet.auth.account_links import MAX_PASSWORD_LENGTH
from kooperativet.auth.models import LinkPurpose
from kooperativet.auth.passwords import MIN_PASSWORD_LENGTH
from kooperativet.auth.schemas import UserRead
from kooperativet.parties.schemas import MemberCreate, MemberRead

#: The one answer to every reset request, whatever the address.
RESET_ANSWER = (
    "If an active account has this e-mail address, a link to choose a new password has been sent to it."
)


class PasswordResetRequest(Schema):
    email: EmailStr = Field(examples=["anna@example.se"])


class PasswordResetAccepted(ReadSchema):
    detail: str = Field(default=RESET_ANSWER, examples=[RESET_ANSWER])


class PasswordByLink(Schema):
    token: str = Field(
        min_length=1,
        max_length=200,
        pattern=r"^[A-Za-z0-9_-]+$",  # what secrets.token_urlsafe makes
        description="the token from the e-mailed link (after ``token=``)",
    )
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)


class MemberInvitation(MemberCreate):
    """A member's record, as for ``POST /members``; the e-mail is required, the login is made for her."""

    email: EmailStr = Field(examples=["anna@example.se"])

    @model_validator(mode="after")
    def _no_existing_login(self) -> Self:
        if self.user_id is not None:
            raise ValueError("an invitation makes the login; link an existing one with POST /members instead")
        return self


class InvitationRead(ReadSchema):
    user_id: int
    purpose: LinkPurpose
    created_at: datetime
    expires_at: datetime


class MemberInvited(ReadSchema):
    member: MemberRead
    user: UserRead
    invitation: InvitationRead
