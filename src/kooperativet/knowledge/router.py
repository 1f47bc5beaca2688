"""The knowledge bank over the API: everyone signed in reads; the board and the admin change and share."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, status

from kooperativet.api.dependencies import DbSession, Now, Today
from kooperativet.api.problems import problem_responses
from kooperativet.auth import policy
from kooperativet.auth.dependencies import CurrentUser, require_roles
from kooperativet.auth.models import User
from kooperativet.errors import NotFound
from kooperativet.knowledge import editing, sharing
from kooperativet.knowledge.bank import LANGUAGES
from kooperativet.knowledge.models import BankImport
from kooperativet.knowledge.reads import effective_bank, facts_on, shown, visible
from kooperativet.knowledge.schemas import (
    ArticleCreate,
    ArticleRead,
    ArticleSummary,
    DiffRead,
    Hidden,
    ImportRead,
    TakeBody,
    TextBody,
    VersionRead,
)

router = APIRouter(prefix="/api/v1/knowledge", tags=["knowledge"])
Editor = Annotated[User, Depends(require_roles(*editing.EDITORS))]
Language = Annotated[str, Query(pattern="^(sv|en)$")]


def _sees_office(user: User) -> bool:
    return user.has_any_role(*policy.OFFICE_READERS, *editing.EDITORS)


@router.get("/articles", responses=problem_responses(401))
def list_articles(user: CurrentUser, session: DbSession, language: Language = "sv") -> list[ArticleSummary]:
    """The bank as the cooperative has it: hidden articles only for the board and the admin."""
    bank = effective_bank(session)
    return [
        ArticleSummary(
            slug=a.slug,
            category=a.category,
            audience=a.audience,
            hidden=a.hidden,
            source=str(a.source),
            title=a.texts[language].title,
            summary=a.texts[language].summary,
        )
        for a in bank.values()
        if visible(a, sees_office=_sees_office(user), sees_hidden=editing.may_edit(user))
    ]


@router.get("/articles/{slug}", responses=problem_responses(401, 404))
def get_article(
    slug: str, user: CurrentUser, session: DbSession, today: Today, language: Language = "sv"
) -> ArticleRead:
    """One article with today's parameter values inserted and its body as safe HTML."""
    bank = effective_bank(session)
    article = bank.get(slug)
    if article is None or not visible(
        article, sees_office=_sees_office(user), sees_hidden=editing.may_edit(user)
    ):
        raise NotFound(f"there is no article {slug!r}")
    page = shown(article, language, facts_on(session, today), bank)
    text = article.texts[language]
    return ArticleRead(
        slug=slug,
        category=article.category,
        audience=article.audience,
        hidden=article.hidden,
        source=str(article.source),
        title=page.title,
        summary=page.summary,
        language=language,
        html=page.html,
        markdown=text.body,
        sources=text.as_dict()["sources"],
        related=list(article.related),
        edited_languages=sorted(article.edited),
    )


@router.put("/articles/{slug}/texts/{language}", responses=problem_responses(401, 403, 404, 422))
def edit_article(slug: str, language: str, body: TextBody, editor: Editor, session: DbSession) -> VersionRead:
    """A new version of one language of an article (board or admin)."""
    version = editing.edit(session, slug=slug, language=language, text=body.as_text(), author=editor)
    return VersionRead.model_validate(version, from_attributes=True)


@router.post(
    "/articles", status_code=status.HTTP_201_CREATED, responses=problem_responses(401, 403, 409, 422)
)
def add_article(body: ArticleCreate, editor: Editor, session: DbSession) -> dict[str, str]:
    """A new article of the cooperative's own."""
    editing.add(
        session,
        slug=body.slug,
        category=body.category,
        audience=body.audience,
        texts={language: text.as_text() for language, text in body.texts.items()},
        author=editor,
    )
    return {"slug": body.slug}


@router.put("/articles/{slug}/hidden", responses=problem_responses(401, 403, 404, 422))
def hide_article(slug: str, body: Hidden, editor: Editor, session: DbSession) -> dict[str, bool]:
    """Hide an article from the cooperative's bank (``true``) or show it again; its texts and history stay."""
    editing.set_hidden(session, slug=slug, hidden=body.hidden)
    return {"hidden": body.hidden}


@router.post("/articles/{slug}/texts/{language}/reset", responses=problem_responses(401, 403, 404, 422))
def reset_article(slug: str, language: str, editor: Editor, session: DbSession) -> VersionRead:
    """Back to the default text in one language; the history stays."""
    version = editing.reset(session, slug=slug, language=language, author=editor)
    return VersionRead.model_validate(version, from_attributes=True)


@router.get("/articles/{slug}/versions", responses=problem_responses(401, 403, 404))
def article_history(slug: str, editor: Editor, session: DbSession) -> list[VersionRead]:
    """Every edited version of the article, newest first, with its language, author and date (an unedited
    default article has none)."""
    return [VersionRead.model_validate(v, from_attributes=True) for v in editing.history(session, slug=slug)]


@router.get("/bundle", responses=problem_responses(401, 403, 404))
def export_bundle(
    editor: Editor, session: DbSession, now: Now, slug: Annotated[list[str] | None, Query()] = None
) -> dict[str, Any]:
    """The chosen articles (all without ``slug``) with every version and source, as one bundle."""
    return sharing.export_bundle(session, slugs=slug, now=now)


@router.post("/imports", status_code=status.HTTP_201_CREATED, responses=problem_responses(401, 403, 422))
def import_bundle(
    editor: Editor, session: DbSession, bundle: Annotated[dict[str, Any], Body()]
) -> ImportRead:
    """Keep another cooperative's bundle as proposals; nothing of ours changes until a text is taken."""
    row = sharing.import_bundle(session, bundle, importer=editor, importer_name=editor.full_name)
    return _import_read(session, row.id)


def _import_read(session: DbSession, import_id: int) -> ImportRead:
    found = session.get(BankImport, import_id)
    if found is None:
        raise NotFound(f"there is no import {import_id}")
    return ImportRead(
        id=found.id,
        origin=found.origin,
        exported_at=found.exported_at,
        imported_by_name=found.imported_by_name,
        proposals=[{"id": p.id, "slug": p.slug} for p in sharing.proposals_of(session, import_id)],
    )


@router.get("/imports/{import_id}", responses=problem_responses(401, 403, 404))
def get_import(import_id: int, editor: Editor, session: DbSession) -> ImportRead:
    """An imported bundle: where it came from, when it was exported, who imported it, and what each of its
    articles proposes against our own."""
    return _import_read(session, import_id)


@router.get("/proposals/{proposal_id}/diff", responses=problem_responses(401, 403, 404))
def proposal_diff(proposal_id: int, editor: Editor, session: DbSession) -> DiffRead:
    """Per language, what differs between our text and theirs (a unified diff)."""
    row, bank_import, document = sharing.proposal(session, proposal_id)
    ours = effective_bank(session).get(row.slug)
    return DiffRead(
        slug=row.slug,
        origin=bank_import.origin,
        differences=sharing.differences(ours, document, origin=bank_import.origin),
    )


@router.post("/proposals/{proposal_id}/take", responses=problem_responses(401, 403, 404, 422))
def take_proposal(proposal_id: int, body: TakeBody, editor: Editor, session: DbSession) -> list[VersionRead]:
    """Their text becomes our new version in the chosen languages (author: the one who takes it)."""
    languages = [language for language in body.languages if language in LANGUAGES]
    versions = sharing.take(session, proposal_id=proposal_id, languages=languages, importer=editor)
    return [VersionRead.model_validate(v, from_attributes=True) for v in versions]
