"""The board and the admin adapt the bank: edit a text, write a new article, hide, reset, read the history.

Each save is a new version with its author and date (``knowledge.editing``); the default files never change.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from kooperativet.api.dependencies import DbSession
from kooperativet.auth.models import User
from kooperativet.errors import DomainError, NotFound
from kooperativet.knowledge import editing
from kooperativet.knowledge.bank import AUDIENCES, CATEGORIES, LANGUAGES, Source, Text
from kooperativet.knowledge.reads import effective_bank
from kooperativet.web.dependencies import CheckedForm, require_web_roles
from kooperativet.web.forms import FormRejected, PageRoute, Posted
from kooperativet.web.knowledge_words import AUDIENCE_NAMES, CATEGORY_NAMES, KIND_NAMES
from kooperativet.web.notices import done
from kooperativet.web.refusals import refusal_errors
from kooperativet.web.templating import render

router = APIRouter(include_in_schema=False, route_class=PageRoute)
Editor = Annotated[User, Depends(require_web_roles(*editing.EDITORS))]


def sources_text(sources: tuple[Source, ...]) -> str:
    return "\n".join(f"{s.title} | {s.url}" if s.url else s.title for s in sources)


def sources_from_text(text: str) -> tuple[Source, ...]:
    """One source a line: ``title | address`` (the address may be left out)."""
    found = []
    for line in text.splitlines():
        title, _, url = line.partition("|")
        if title.strip():
            found.append(Source(title=title.strip(), url=url.strip()))
    return tuple(found)


def _text_from(form: Posted) -> Text:
    return Text(
        title=str(form.get("title", "")).strip(),
        summary=str(form.get("summary", "")).strip(),
        body=str(form.get("body", "")),
        sources=sources_from_text(str(form.get("sources", ""))),
    )


def _language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise NotFound(f"there is no language {lang!r}")
    return lang


def _edit_page(
    request: Request,
    session: Session,
    *,
    slug: str,
    lang: str,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    article = effective_bank(session).get(slug)
    if article is None:
        raise NotFound(f"there is no article {slug!r}")
    text = article.texts[lang]
    shown = values or {
        "title": text.title,
        "summary": text.summary,
        "body": text.body,
        "sources": sources_text(text.sources),
    }
    return render(
        request,
        "knowledge/edit.html",
        {"article": article, "lang": lang, "values": shown, "errors": errors or {}},
        status=status,
    )


@router.get("/kb/{slug}/edit")
def edit_page(request: Request, slug: str, user: Editor, session: DbSession, lang: str = "sv") -> Response:
    return _edit_page(request, session, slug=slug, lang=_language(lang))


@router.post("/kb/{slug}/edit", dependencies=[CheckedForm])
def save_edit(
    request: Request, slug: str, user: Editor, session: DbSession, form: Posted, lang: str = "sv"
) -> Response:
    language = _language(lang)
    try:
        editing.edit(session, slug=slug, language=language, text=_text_from(form), author=user)
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        session.rollback()
        values = {key: str(form.get(key, "")) for key in ("title", "summary", "body", "sources")}
        page = _edit_page(
            request,
            session,
            slug=slug,
            lang=language,
            values=values,
            errors=refusal_errors(request, exc),
            status=422,
        )
        raise FormRejected(page) from exc
    return RedirectResponse(done(f"/kb/{slug}", "article_saved"), status_code=303)


def _new_page(
    request: Request, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    return render(
        request,
        "knowledge/new.html",
        {
            "values": values,
            "errors": errors,
            "categories": CATEGORIES,
            "category_names": CATEGORY_NAMES,
            "audiences": AUDIENCES,
            "audience_names": AUDIENCE_NAMES,
        },
        status=status,
    )


@router.get("/kb/new")
def new_page(request: Request, user: Editor) -> Response:
    return _new_page(request, {"category": "office-routines", "audience": "member"}, {})


@router.post("/kb/new", dependencies=[CheckedForm])
def add_article(request: Request, user: Editor, session: DbSession, form: Posted) -> Response:
    slug = str(form.get("slug", "")).strip()
    text = _text_from(form)
    try:
        editing.add(
            session,
            slug=slug,
            category=str(form.get("category", "")),
            audience=str(form.get("audience", "")),
            texts={str(form.get("lang", "sv")) if form.get("lang") in LANGUAGES else "sv": text},
            author=user,
        )
    except DomainError as exc:
        session.rollback()
        values = {k: str(form.get(k, "")) for k in ("slug", "category", "audience", "lang", "title")}
        values.update({k: str(form.get(k, "")) for k in ("summary", "body", "sources")})
        raise FormRejected(_new_page(request, values, refusal_errors(request, exc), status=422)) from exc
    return RedirectResponse(done(f"/kb/{slug}", "article_saved"), status_code=303)


@router.post("/kb/{slug}/hide", dependencies=[CheckedForm])
def hide(slug: str, user: Editor, session: DbSession) -> Response:
    editing.set_hidden(session, slug=slug, hidden=True)
    return RedirectResponse(f"/kb/{slug}", status_code=303)


@router.post("/kb/{slug}/show", dependencies=[CheckedForm])
def show(slug: str, user: Editor, session: DbSession) -> Response:
    editing.set_hidden(session, slug=slug, hidden=False)
    return RedirectResponse(f"/kb/{slug}", status_code=303)


@router.post("/kb/{slug}/reset", dependencies=[CheckedForm])
def reset(slug: str, user: Editor, session: DbSession, form: Posted) -> Response:
    editing.reset(session, slug=slug, language=_language(str(form.get("lang", ""))), author=user)
    return RedirectResponse(done(f"/kb/{slug}", "article_saved"), status_code=303)


@router.get("/kb/{slug}/history")
def history_page(request: Request, slug: str, user: Editor, session: DbSession) -> Response:
    article = effective_bank(session).get(slug)
    if article is None:
        raise NotFound(f"there is no article {slug!r}")
    return render(
        request,
        "knowledge/history.html",
        {"article": article, "versions": editing.history(session, slug=slug), "kind_names": KIND_NAMES},
    )
