"""The knowledge bank for everyone signed in: search and categories, and an article with today's values.

Members read the members' articles; the office and the board also read the office routines; the board and
the admin also see hidden articles, marked as hidden (they change them in ``knowledge_edit``).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from kooperativet.api.dependencies import DbSession, Today
from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.errors import NotFound
from kooperativet.knowledge.bank import CATEGORIES
from kooperativet.knowledge.editing import EDITORS, may_edit
from kooperativet.knowledge.reads import effective_bank, facts_on, matches, shown, visible
from kooperativet.web.dependencies import WebUser
from kooperativet.web.forms import PageRoute
from kooperativet.web.i18n import request_language
from kooperativet.web.knowledge_words import CATEGORY_NAMES, SOURCE_NAMES, WRITTEN_FOR
from kooperativet.web.templating import render

router = APIRouter(include_in_schema=False, route_class=PageRoute)


def sees_office(user: User) -> bool:
    return user.has_any_role(*policy.OFFICE_READERS, *EDITORS)


@router.get("/kb")
def bank_page(
    request: Request, user: WebUser, session: DbSession, today: Today, q: str = "", category: str = ""
) -> Response:
    language = request_language(request)
    bank = effective_bank(session)
    facts = facts_on(session, today)
    chosen = category if category in CATEGORIES else ""
    query = q.strip()[:200]
    readable = [
        a for a in bank.values() if visible(a, sees_office=sees_office(user), sees_hidden=may_edit(user))
    ]
    found = [shown(a, language, facts, None) for a in readable if matches(a, language, query, chosen or None)]
    found.sort(key=lambda page: page.title.casefold())
    present = {a.category for a in readable}
    return render(
        request,
        "knowledge/list.html",
        {
            "articles": found,
            "query": query,
            "category": chosen,
            "categories": [c for c in CATEGORIES if c in present],
            "category_names": CATEGORY_NAMES,
            "may_edit": may_edit(user),
        },
    )


@router.get("/kb/{slug}")
def article_page(request: Request, slug: str, user: WebUser, session: DbSession, today: Today) -> Response:
    language = request_language(request)
    bank = effective_bank(session)
    article = bank.get(slug)
    if article is None or not visible(article, sees_office=sees_office(user), sees_hidden=may_edit(user)):
        raise NotFound(f"there is no article {slug!r}")
    facts = facts_on(session, today)
    related = [
        shown(bank[s], language, facts, None)
        for s in article.related
        if s in bank and visible(bank[s], sees_office=sees_office(user), sees_hidden=may_edit(user))
    ]
    return render(
        request,
        "knowledge/article.html",
        {
            "page": shown(article, language, facts, bank),
            "sources": article.texts[language].sources,
            "related": related,
            "category_names": CATEGORY_NAMES,
            "written_for": WRITTEN_FOR,
            "source_names": SOURCE_NAMES,
            "may_edit": may_edit(user),
            "language_code": language,
        },
    )


@router.get("/pay/calculator")
def calculator_link() -> Response:
    """Articles link the calculator as ``/pay/calculator``; it lives at ``/calculator``."""
    return RedirectResponse("/calculator", status_code=307)
