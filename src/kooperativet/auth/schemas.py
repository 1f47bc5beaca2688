from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import EmailStr, Field

from kooperativet.api.types import ReadSchema, Schema, Text
from kooperativet.auth.models import Role
from kooperativet.auth.passwords import MIN_PASSWORD_LENGTH

if TYPE_CHECKING:
    from kooperativet.auth.models import User
    from kooperativet.auth.service import IssuedTokens


class UserCreate(Schema):
    email: EmailStr = Field(examples=["kassor@interimkultur.se"])
    full_name: Text = Field(min_length=1, max_length=200, examples=["Karin Kassör"])
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=256, examples=["correct horse battery"])
    roles: list[Role] = Field(default_factory=lambda: [Role.member], examples=[["treasurer"]])
    is_active: bool = True


class UserUpdate(Schema):
    version: int = Field(ge=1, description="the version you read; a stale one gives 409")
    full_name: Text | None = Field(default=None, min_length=1, max_length=200)
    roles: list[Role] | None = None
    is_active: bool | None = None
    password: str | None = Field(
        default=None, min_length=MIN_PASSWORD_LENGTH, max_length=256, description="set a new password"
    )


class UserRead(ReadSchema):
    id: int
    email: str
    full_name: str
    roles: list[Role]
    is_active: bool
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_model(cls, user: User) -> UserRead:
        """The roles come sorted, so one user reads the same every time."""
        return cls(
            id=user.id,
            email=user.email,
            full_name=user.full_name,
            roles=sorted(user.roles),
            is_active=user.is_active,
            version=user.version,
            created_at=user.created_at,
            updated_at=user.updated_at,
        )


class TokenPair(Schema):
    access_token: str
    token_type: str = Field(default="bearer", examples=["bearer"])
    expires_in: int = Field(description="seconds until the access token expires", examples=[900])
    refresh_token: str

    @classmethod
    def issued(cls, tokens: IssuedTokens, *, access_token_minutes: int) -> TokenPair:
        return cls(
            access_token=tokens.access_token,
            expires_in=access_token_minutes * 60,
            refresh_token=tokens.refresh_token,
        )


class RefreshRequest(Schema):
    refresh_token: str = Field(min_length=20, max_length=200)


class PasswordChange(Schema):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=256)
