"""A cooperative's own bank: edit, add, hide and reset articles. Services flush; the caller commits.

Every change of text is a new version with its author and date; nothing is overwritten. The board and the
admin make changes (``EDITORS``); everyone signed in reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role, User
from kooperativet.errors import Conflict, NotFound, RuleViolation
from kooperativet.knowledge import facts
from kooperativet.knowledge.bank import AUDIENCES, CATEGORIES, LANGUAGES, Text, default_bank
from kooperativet.knowledge.models import Article, ArticleSource, ArticleVersion, VersionKind

EDITORS = (Role.board, Role.admin)
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,78}[a-z0-9]$")


def may_edit(user: User) -> bool:
    return user.has_any_role(*EDITORS)


def check_text(text: Text) -> None:
    """A text a version may hold: a title, known parameters only, sources with safe addresses."""
    if not text.title.strip():
        raise RuleViolation("an article needs a title", code="knowledge_title_missing", field="title")
    if len(text.title) > 200:
        raise RuleViolation(
            "the title is longer than 200 characters", code="knowledge_title_too_long", field="title"
        )
    for field, value in (("title", text.title), ("summary", text.summary), ("body", text.body)):
        unknown = facts.placeholders(value) - set(facts.KNOWN_KEYS)
        if unknown:
            raise RuleViolation(
                f"unknown parameter {', '.join(sorted(unknown))}; known: {', '.join(facts.KNOWN_KEYS)}",
                code="knowledge_unknown_parameter",
                field=field,
            )
    for source in text.sources:
        if source.url and not source.url.lower().startswith(("http://", "https://")):
            raise RuleViolation(
                f"the source {source.title!r} needs an http or https address",
                code="knowledge_source_address",
                field="sources",
            )


def check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise NotFound(f"there is no language {language!r} in the bank")


def article_row(session: Session, slug: str) -> Article | None:
    return session.scalar(select(Article).where(Article.slug == slug))


def own_row(session: Session, slug: str) -> Article:
    """The article's row, made from the default file the first time the cooperative changes it."""
    row = article_row(session, slug)
    if row is not None:
        return row
    default = default_bank().get(slug)
    if default is None:
        raise NotFound(f"there is no article {slug!r}")
    row = Article(
        slug=slug,
        category=default.category,
        audience=default.audience,
        hidden=False,
        source=ArticleSource.default,
        related=json.dumps(list(default.related)),
    )
    session.add(row)
    session.flush()
    return row


def add_version(
    session: Session,
    row: Article,
    *,
    language: str,
    text: Text,
    author: User | None,
    kind: VersionKind = VersionKind.edit,
    note: str = "",
    author_name: str | None = None,
) -> ArticleVersion:
    default = default_bank().get(row.slug)
    version = ArticleVersion(
        article_id=row.id,
        language=language,
        kind=kind,
        title=text.title.strip(),
        summary=text.summary.strip(),
        body=text.body,
        sources=json.dumps(text.as_dict()["sources"], ensure_ascii=False),
        author_id=author.id if author else None,
        author_name=author_name or (author.full_name if author else ""),
        based_on=default.texts[language].fingerprint() if default else None,
        note=note,
    )
    session.add(version)
    session.flush()
    return version


def edit(session: Session, *, slug: str, language: str, text: Text, author: User) -> ArticleVersion:
    """Save a new text of one language of an article (default or the cooperative's own)."""
    check_language(language)
    check_text(text)
    return add_version(session, own_row(session, slug), language=language, text=text, author=author)


def set_details(session: Session, *, slug: str, category: str, audience: str) -> Article:
    check_details(category, audience)
    row = own_row(session, slug)
    row.category, row.audience = category, audience
    session.flush()
    return row


def check_details(category: str, audience: str) -> None:
    if category not in CATEGORIES:
        raise RuleViolation(
            f"category must be one of {', '.join(CATEGORIES)}", code="knowledge_category", field="category"
        )
    if audience not in AUDIENCES:
        raise RuleViolation("audience must be member or office", code="knowledge_audience", field="audience")


def add(
    session: Session,
    *,
    slug: str,
    category: str,
    audience: str,
    texts: Mapping[str, Text],
    author: User,
) -> Article:
    """A new article of the cooperative's own; a slug already in use (by a default too) is a conflict."""
    if not SLUG.match(slug):
        raise RuleViolation(
            "the address may hold lower-case letters, digits and hyphens (3–80)",
            code="knowledge_slug",
            field="slug",
        )
    if slug in default_bank() or article_row(session, slug) is not None:
        raise Conflict(f"there is already an article {slug!r}", code="knowledge_slug_taken", field="slug")
    check_details(category, audience)
    if not texts:
        raise RuleViolation("an article needs a text", code="knowledge_title_missing", field="title")
    for language, text in texts.items():
        if language not in LANGUAGES:
            raise RuleViolation(
                f"the bank's languages are {', '.join(LANGUAGES)}", code="knowledge_language", field="texts"
            )
        check_text(text)
    row = Article(slug=slug, category=category, audience=audience, source=ArticleSource.local, related="[]")
    session.add(row)
    session.flush()
    for language, text in texts.items():
        add_version(session, row, language=language, text=text, author=author)
    return row


def set_hidden(session: Session, *, slug: str, hidden: bool) -> Article:
    row = own_row(session, slug)
    row.hidden = hidden
    session.flush()
    return row


def reset(session: Session, *, slug: str, language: str, author: User) -> ArticleVersion:
    """Back to the default file's text in one language, as a new version: the history stays."""
    check_language(language)
    default = default_bank().get(slug)
    if default is None:
        raise RuleViolation(
            "this article is the cooperative's own and has no default to go back to",
            code="knowledge_no_default",
        )
    return add_version(
        session,
        own_row(session, slug),
        language=language,
        text=default.texts[language],
        author=author,
        kind=VersionKind.reset,
    )


def history(session: Session, *, slug: str) -> list[ArticleVersion]:
    """Every version of an article, newest first (an unedited default article has none)."""
    row = article_row(session, slug)
    if row is None:
        if slug not in default_bank():
            raise NotFound(f"there is no article {slug!r}")
        return []
    return list(
        session.scalars(
            select(ArticleVersion)
            .where(ArticleVersion.article_id == row.id)
            .order_by(ArticleVersion.id.desc())
        )
    )
