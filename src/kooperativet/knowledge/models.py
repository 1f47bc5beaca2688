"""A cooperative's own articles and their versions, and the bundles imported from other cooperatives.

The default bank is not copied here: an article gets a row when a cooperative first edits, hides or adds it,
and each language's text is the latest version (a ``reset`` version points back to the default file).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kooperativet.db import Base, utcnow


class ArticleSource(StrEnum):
    default = "default"  # in the default bank; the cooperative may have edited it
    local = "local"  # written by this cooperative
    imported = "imported"  # taken from another cooperative's bundle


class VersionKind(StrEnum):
    edit = "edit"
    reset = "reset"  # back to the default file's text; the history is kept
    take = "take"  # taken from an imported proposal


class Article(Base):
    __tablename__ = "knowledge_articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    category: Mapped[str] = mapped_column(String(40))
    audience: Mapped[str] = mapped_column(String(20))
    hidden: Mapped[bool] = mapped_column(default=False)
    source: Mapped[ArticleSource] = mapped_column(String(20))
    related: Mapped[str] = mapped_column(Text, default="[]", doc="JSON list of slugs")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ArticleVersion(Base):
    """One language's text as someone saved it. Versions are added, never changed."""

    __tablename__ = "knowledge_article_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_articles.id"), index=True)
    language: Mapped[str] = mapped_column(String(2))
    kind: Mapped[VersionKind] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    sources: Mapped[str] = mapped_column(Text, default="[]", doc="JSON list of {title, url}")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    author_name: Mapped[str] = mapped_column(String(200), doc="kept as written: bundles carry names, not ids")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    based_on: Mapped[str | None] = mapped_column(
        String(16), default=None, doc="fingerprint of the default text this version started from"
    )
    note: Mapped[str] = mapped_column(String(300), default="", doc="e.g. where a taken text came from")


class BankImport(Base):
    """A bundle another cooperative exported, as it was imported."""

    __tablename__ = "knowledge_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    origin: Mapped[str] = mapped_column(String(200))
    format_version: Mapped[int]
    exported_at: Mapped[str] = mapped_column(String(40))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    imported_by_name: Mapped[str] = mapped_column(String(200))


class Proposal(Base):
    """One article of an imported bundle, kept whole (every version) until someone takes what they want."""

    __tablename__ = "knowledge_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("knowledge_imports.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    document: Mapped[str] = mapped_column(Text, doc="the article as the bundle holds it (JSON)")
