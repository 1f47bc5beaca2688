"""Sharing a bank between cooperatives: a bundle out, another cooperative's bundle in, diff and take.

A bundle is one JSON document: every chosen article with its text in each language as the exporting
cooperative has it, every version it saved (authors by name: ids mean nothing elsewhere), its sources and
the bank format version. An imported bundle is kept whole as proposals; nothing changes the importer's own
articles until someone takes a text, which becomes a new version noting where it came from.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.auth.models import User
from kooperativet.errors import NotFound, RuleViolation
from kooperativet.knowledge.bank import FORMAT_VERSION, LANGUAGES, Text, default_bank, sources_from
from kooperativet.knowledge.editing import SLUG, add_version, article_row, check_details, check_text, own_row
from kooperativet.knowledge.models import (
    Article,
    ArticleSource,
    ArticleVersion,
    BankImport,
    Proposal,
    VersionKind,
)
from kooperativet.knowledge.reads import EffectiveArticle, effective_bank
from kooperativet.parties.models import Cooperative

BUNDLE_FORMAT = "kooperativet-knowledge-bundle"


def cooperative_name(session: Session) -> str:
    return session.scalar(select(Cooperative.name).limit(1)) or "kooperativet"


def _version_document(version: ArticleVersion) -> dict[str, Any]:
    return {
        "language": version.language,
        "kind": str(version.kind),
        "title": version.title,
        "summary": version.summary,
        "body": version.body,
        "sources": json.loads(version.sources),
        "author": version.author_name,
        "created_at": version.created_at.isoformat(),
        "based_on": version.based_on,
        "note": version.note,
    }


def _article_document(article: EffectiveArticle, versions: list[ArticleVersion]) -> dict[str, Any]:
    default = default_bank().get(article.slug)
    return {
        "slug": article.slug,
        "category": article.category,
        "audience": article.audience,
        "hidden": article.hidden,
        "source": str(article.source),
        "related": list(article.related),
        "texts": {language: article.texts[language].as_dict() for language in LANGUAGES},
        "edited": sorted(article.edited),
        "default_fingerprints": (
            {language: default.texts[language].fingerprint() for language in LANGUAGES} if default else {}
        ),
        "versions": [_version_document(v) for v in versions],
    }


def export_bundle(session: Session, *, slugs: Collection[str] | None, now: datetime) -> dict[str, Any]:
    """The chosen articles (all when ``slugs`` is None) as one bundle (three queries)."""
    bank = effective_bank(session)
    chosen = sorted(bank) if slugs is None else sorted(set(slugs))
    missing = [slug for slug in chosen if slug not in bank]
    if missing:
        raise NotFound(f"there is no article {', '.join(missing)}")
    ids = {row.slug: row.id for row in session.scalars(select(Article).where(Article.slug.in_(chosen)))}
    by_article: dict[int, list[ArticleVersion]] = {}
    for version in session.scalars(
        select(ArticleVersion).where(ArticleVersion.article_id.in_(ids.values())).order_by(ArticleVersion.id)
    ):
        by_article.setdefault(version.article_id, []).append(version)
    return {
        "format": BUNDLE_FORMAT,
        "format_version": FORMAT_VERSION,
        "origin": cooperative_name(session),
        "exported_at": now.isoformat(),
        "articles": [_article_document(bank[s], by_article.get(ids.get(s, -1), [])) for s in chosen],
    }


def _refuse(detail: str) -> RuleViolation:
    return RuleViolation(detail, code="knowledge_bundle_invalid", field="bundle")


def _check_slug(slug: str) -> None:
    """An address one of our own articles could have (``editing.add`` holds a new one to the same rule):
    taking the article makes it ours."""
    if not SLUG.match(slug):
        raise _refuse(f"{slug!r}: an article's address holds lower-case letters, digits and hyphens (3–80)")


def _checked_article(document: Any) -> dict[str, Any]:
    if not isinstance(document, dict) or not isinstance(document.get("slug"), str):
        raise _refuse("every article in the bundle needs a slug")
    _check_slug(document["slug"])
    texts = document.get("texts")
    if not isinstance(texts, dict) or not all(language in texts for language in LANGUAGES):
        raise _refuse(f"{document['slug']}: the bundle must hold the text in {' and '.join(LANGUAGES)}")
    for language in LANGUAGES:
        text_from(texts[language])
    if not isinstance(document.get("versions", []), list):
        raise _refuse(f"{document['slug']}: versions must be a list")
    return document


def text_from(document: Any) -> Text:
    if not isinstance(document, dict):
        raise _refuse("a text in the bundle must be an object")
    try:
        return Text(
            title=str(document["title"]),
            summary=str(document.get("summary", "")),
            body=str(document.get("body", "")),
            sources=sources_from(document.get("sources")),
        )
    except (KeyError, ValueError) as exc:
        raise _refuse(f"a text in the bundle is incomplete: {exc}") from exc


def import_bundle(session: Session, bundle: Any, *, importer: User | None, importer_name: str) -> BankImport:
    """Keep another cooperative's bundle as proposals; the cooperative's own articles stay as they are."""
    if not isinstance(bundle, dict) or bundle.get("format") != BUNDLE_FORMAT:
        raise _refuse("this is not a knowledge bank bundle")
    if bundle.get("format_version") != FORMAT_VERSION:
        raise _refuse(f"bundle format {bundle.get('format_version')!r}; this version reads {FORMAT_VERSION}")
    articles = bundle.get("articles")
    if not isinstance(articles, list):
        raise _refuse("the bundle has no list of articles")
    checked = [_checked_article(a) for a in articles]
    slugs = [a["slug"] for a in checked]
    if len(set(slugs)) != len(slugs):
        raise _refuse("the bundle holds an article twice")
    row = BankImport(
        origin=str(bundle.get("origin") or "?")[:200],
        format_version=FORMAT_VERSION,
        exported_at=str(bundle.get("exported_at") or "")[:40],
        imported_by_id=importer.id if importer else None,
        imported_by_name=importer_name,
    )
    session.add(row)
    session.flush()
    for document in checked:
        session.add(
            Proposal(
                import_id=row.id,
                slug=document["slug"],
                document=json.dumps(document, ensure_ascii=False, sort_keys=True),
            )
        )
    session.flush()
    return row


def bundle_of_import(session: Session, import_id: int) -> dict[str, Any]:
    """An imported bundle as it came: proof that an import keeps everything."""
    row = session.get(BankImport, import_id)
    if row is None:
        raise NotFound(f"there is no import {import_id}")
    proposals = session.scalars(select(Proposal).where(Proposal.import_id == import_id).order_by(Proposal.id))
    return {
        "format": BUNDLE_FORMAT,
        "format_version": row.format_version,
        "origin": row.origin,
        "exported_at": row.exported_at,
        "articles": [json.loads(p.document) for p in proposals],
    }


def proposal(session: Session, proposal_id: int) -> tuple[Proposal, BankImport, dict[str, Any]]:
    row = session.get(Proposal, proposal_id)
    if row is None:
        raise NotFound(f"there is no proposal {proposal_id}")
    bank_import = session.get(BankImport, row.import_id)
    assert bank_import is not None  # the foreign key says so
    return row, bank_import, json.loads(row.document)


def _lines(text: Text) -> list[str]:
    sources = [f"- {s.title} <{s.url}>" for s in text.sources]
    return [f"# {text.title}", "", text.summary, "", *text.body.splitlines(), "", *sources]


def differences(
    ours: EffectiveArticle | None, theirs: Mapping[str, Any], *, origin: str
) -> dict[str, list[str]]:
    """Per language, a unified diff from our text to theirs (empty when they are the same)."""
    found = {}
    for language in LANGUAGES:
        mine = _lines(ours.texts[language]) if ours else []
        other = _lines(text_from(theirs["texts"][language]))
        found[language] = list(
            difflib.unified_diff(mine, other, fromfile="vår", tofile=origin, lineterm="", n=2)
        )
    return found


def take(
    session: Session, *, proposal_id: int, languages: Collection[str], importer: User
) -> list[ArticleVersion]:
    """Their text becomes a new version of ours in each chosen language (a new article if we had none)."""
    row, bank_import, document = proposal(session, proposal_id)
    chosen = [language for language in LANGUAGES if language in languages]
    if not chosen:
        raise RuleViolation("choose a language to take", code="knowledge_no_language", field="languages")
    article = _ours_to_take_into(session, row.slug, document)
    note = f"from {bank_import.origin} (import {bank_import.id}, {bank_import.exported_at[:10]})"
    versions = []
    for language in chosen:
        text = text_from(document["texts"][language])
        check_text(text)
        versions.append(
            add_version(
                session,
                article,
                language=language,
                text=text,
                author=importer,
                kind=VersionKind.take,
                note=note,
            )
        )
    return versions


def _ours_to_take_into(session: Session, slug: str, document: Mapping[str, Any]) -> Article:
    """The article their text becomes a version of. One of the default bank keeps our category, audience
    and related articles, even never edited here: they only send a text, and an office routine must not
    open to every member because their bundle says ``audience: member``."""
    if slug in default_bank():
        return own_row(session, slug)
    return article_row(session, slug) or _new_from(session, document)


def _new_from(session: Session, document: Mapping[str, Any]) -> Article:
    """An article we did not have, from the bundle: theirs, marked imported."""
    slug = document["slug"]
    _check_slug(slug)  # again for a proposal kept before imports checked it
    category, audience = str(document.get("category")), str(document.get("audience"))
    check_details(category, audience)
    article = Article(
        slug=slug,
        category=category,
        audience=audience,
        hidden=False,
        source=ArticleSource.imported,
        related=json.dumps([str(s) for s in document.get("related") or []]),
    )
    session.add(article)
    session.flush()
    return article


def imports(session: Session) -> list[BankImport]:
    return list(session.scalars(select(BankImport).order_by(BankImport.id.desc())))


def proposals_of(session: Session, import_id: int) -> list[Proposal]:
    return list(
        session.scalars(select(Proposal).where(Proposal.import_id == import_id).order_by(Proposal.slug))
    )
