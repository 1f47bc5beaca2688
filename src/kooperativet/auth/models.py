from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kooperativet.db import Base, TimestampedMixin, VersionedMixin


class Role(StrEnum):
    member = "member"
    treasurer = "treasurer"
    board = "board"
    admin = "admin"
    #: The cooperative's auditor (revisor): reads what the office reads and changes nothing
    #: (docs/separation-of-duties.md, "The auditor").
    auditor = "auditor"


class User(TimestampedMixin, VersionedMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    password_changed_at: Mapped[datetime | None] = mapped_column(default=None)
    #: When every way she was signed in was ended (``auth.service.end_all_sign_ins``): disabled, removed.
    sign_ins_ended_at: Mapped[datetime | None] = mapped_column(default=None)
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin", order_by="UserRole.role"
    )

    @property
    def access_tokens_ended_at(self) -> datetime | None:
        """The latest moment that ended her access tokens: every token issued in or before its second is
        refused (``auth.tokens``). A password change ends them, and so does ending all her sign-ins, which a
        later re-enabling of the login does not undo."""
        ends = [end for end in (self.password_changed_at, self.sign_ins_ended_at) if end is not None]
        return max(ends, default=None)

    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}

    def has_any_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(String(20))
    user: Mapped[User] = relationship(back_populates="role_rows")


class RefreshToken(Base):
    """A refresh token is stored only as its SHA-256; revoking sets ``revoked_at`` and keeps the row."""

    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("refresh_tokens.id"), default=None)


class WebSession(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored, so that a copy of the
    database cannot be used to sign in. Signing out sets ``ended_at`` and keeps the row."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None] = mapped_column(default=None)


class LinkPurpose(StrEnum):
    invite = "invite"  # the first password of a login the office made (valid 72 hours by default)
    reset = "reset"  # a forgotten password (valid 1 hour by default)


class AccountLink(Base):
    """A one-time link that lets whoever reads the user's e-mail set her password (docs/accounts.md).

    Only the token's SHA-256 is stored, like a refresh token's. A link works once, until ``expires_at``, and
    not after a newer link for the same user was made (``superseded_at``); the rows are kept as the record of
    what was sent and used."""

    __tablename__ = "account_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[LinkPurpose] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    superseded_at: Mapped[datetime | None] = mapped_column(default=None)
