from __future__ import annotations

from datetime import datetime

from pydantic import EmailStr, Field

from kooperativet.api.types import ReadSchema, Schema, Text
from kooperativet.auth.models import Role
from kooperativet.auth.passwords import MIN_PASSWORD_LENGTH


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


class TokenPair(Schema):
    access_token: str
    token_type: str = Field(default="bearer", examples=["bearer"])
    expires_in: int = Field(description="seconds until the access token expires", examples=[900])
    refresh_token: str


class RefreshRequest(Schema):
    refresh_token: str = Field(min_length=20, max_length=200)


class PasswordChange(Schema):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=256)
