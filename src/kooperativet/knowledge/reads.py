"""The effective bank: each article as the cooperative has it now, in a constant number of queries.

An article's text in a language is its latest version, unless there is none or the latest is a reset: then
it is the default file's. A local article without a version in a language falls back to the other language.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.knowledge import facts as facts_module
from kooperativet.knowledge.bank import LANGUAGES, Text, default_bank, sources_from
from kooperativet.knowledge.markdown import to_html
from kooperativet.knowledge.models import Article, ArticleSource, ArticleVersion, VersionKind
from kooperativet.parameters.models import ParameterValue


@dataclass(frozen=True, slots=True)
class EffectiveArticle:
    slug: str
    category: str
    audience: str
    hidden: bool
    source: ArticleSource
    related: tuple[str, ...]
    texts: dict[str, Text]
    edited: frozenset[str]  # the languages whose text is the cooperative's own, not the default file's

    @property
    def has_default(self) -> bool:
        return self.slug in default_bank()


@dataclass(frozen=True, slots=True)
class ShownArticle:
    """An article ready for a page: facts inserted, the body as safe HTML."""

    article: EffectiveArticle
    title: str
    summary: str
    html: str


def text_of(version: ArticleVersion) -> Text:
    return Text(
        title=version.title,
        summary=version.summary,
        body=version.body,
        sources=sources_from(json.loads(version.sources)),
    )


def latest_versions(session: Session) -> dict[tuple[int, str], ArticleVersion]:
    """The latest version of every article in every language, by (article id, language): one query."""
    latest = (
        select(func.max(ArticleVersion.id))
        .group_by(ArticleVersion.article_id, ArticleVersion.language)
        .scalar_subquery()
    )
    rows = session.scalars(select(ArticleVersion).where(ArticleVersion.id.in_(latest)))
    return {(v.article_id, v.language): v for v in rows}


def effective_bank(session: Session) -> dict[str, EffectiveArticle]:
    """Every article, default or the cooperative's own, by slug (two queries, whatever the bank's size)."""
    defaults = default_bank()
    rows = {a.slug: a for a in session.scalars(select(Article))}
    versions = latest_versions(session)
    bank = {}
    for slug in sorted({*defaults, *rows}):
        row = rows.get(slug)
        default = defaults.get(slug)
        texts: dict[str, Text] = {}
        edited = set()
        for language in LANGUAGES:
            version = versions.get((row.id, language)) if row else None
            if version is not None and version.kind != VersionKind.reset:
                texts[language] = text_of(version)
                edited.add(language)
            elif default is not None:
                texts[language] = default.texts[language]
        for language in LANGUAGES:  # a local article written in one language only
            if language not in texts and texts:
                texts[language] = next(iter(texts.values()))
        if not texts:
            continue
        bank[slug] = EffectiveArticle(
            slug=slug,
            category=row.category if row else default.category if default else "",
            audience=row.audience if row else default.audience if default else "member",
            hidden=row.hidden if row else False,
            source=ArticleSource(row.source) if row else ArticleSource.default,
            related=tuple(json.loads(row.related)) if row else default.related if default else (),
            texts=texts,
            edited=frozenset(edited),
        )
    return bank


def facts_on(session: Session, day: date) -> dict[str, facts_module.Fact]:
    """The insertable facts in force on ``day``, from the dated parameters (one query)."""
    rows = session.execute(
        select(ParameterValue.key, ParameterValue.value, ParameterValue.valid_from)
        .where(ParameterValue.key.in_(facts_module.PARAMETER_KEYS), ParameterValue.valid_from <= day)
        .order_by(ParameterValue.key, ParameterValue.valid_from)
    )
    in_force = {key: (value, valid_from) for key, value, valid_from in rows}  # the last one per key wins
    return facts_module.facts_from(in_force)


def shown(
    article: EffectiveArticle,
    language: str,
    facts: dict[str, facts_module.Fact],
    slugs: Collection[str] | None,
) -> ShownArticle:
    """The article for a page; without ``slugs`` only its title and summary (a list needs no body)."""
    text = article.texts[language]
    html = ""
    if slugs is not None:
        html = to_html(facts_module.insert(text.body, facts, language, markdown=True), slugs=slugs)
    return ShownArticle(
        article=article,
        title=facts_module.insert(text.title, facts, language),
        summary=facts_module.insert(text.summary, facts, language),
        html=html,
    )


def visible(article: EffectiveArticle, *, sees_office: bool, sees_hidden: bool) -> bool:
    """Members read the members' articles; the office and the board also read the office routines."""
    if article.hidden and not sees_hidden:
        return False
    return sees_office or article.audience == "member"


def matches(article: EffectiveArticle, language: str, query: str, category: str | None) -> bool:
    """Case-insensitive search in the title, summary and body of the reader's language."""
    if category and article.category != category:
        return False
    if not query:
        return True
    text = article.texts[language]
    needle = query.casefold()
    return any(needle in part.casefold() for part in (text.title, text.summary, text.body))
