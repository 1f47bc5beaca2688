"""Sharing the bank with other cooperatives: export a bundle, import one, see what differs, take a text."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from kooperativet.api.dependencies import DbSession, Now
from kooperativet.auth.models import User
from kooperativet.errors import DomainError, RuleViolation
from kooperativet.knowledge import editing, sharing
from kooperativet.knowledge.bank import LANGUAGES
from kooperativet.knowledge.reads import effective_bank
from kooperativet.web.dependencies import CheckedForm, require_web_roles
from kooperativet.web.forms import FormRejected, PageRoute, Posted
from kooperativet.web.i18n import request_language
from kooperativet.web.knowledge_words import CATEGORY_NAMES, SOURCE_NAMES
from kooperativet.web.notices import done
from kooperativet.web.refusals import refusal_errors
from kooperativet.web.templating import render

router = APIRouter(include_in_schema=False, route_class=PageRoute)
Editor = Annotated[User, Depends(require_web_roles(*editing.EDITORS))]
#: A bundle of the whole bank is well under a megabyte; anything far larger is not one.
MAX_BUNDLE_BYTES = 5_000_000


def _share_page(request: Request, session: Session, errors: dict[str, str], status: int = 200) -> Response:
    language = request_language(request)
    bank = effective_bank(session)
    return render(
        request,
        "knowledge/share.html",
        {
            "articles": [(a, a.texts[language].title) for a in bank.values()],
            "imports": sharing.imports(session),
            "category_names": CATEGORY_NAMES,
            "source_names": SOURCE_NAMES,
            "errors": errors,
        },
        status=status,
    )


@router.get("/kb/share")
def share_page(request: Request, user: Editor, session: DbSession) -> Response:
    return _share_page(request, session, {})


@router.post("/kb/share/export", dependencies=[CheckedForm])
def export(user: Editor, session: DbSession, now: Now, form: Posted) -> Response:
    slugs = [str(s) for s in form.getlist("slug")]
    bundle = sharing.export_bundle(session, slugs=slugs or None, now=now)
    name = f"kunskapsbank-{now.date().isoformat()}.json"
    return Response(
        json.dumps(bundle, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/kb/share/import", dependencies=[CheckedForm])
def import_bundle(request: Request, user: Editor, session: DbSession, form: Posted) -> Response:
    upload = form.get("bundle")
    try:
        if not isinstance(upload, UploadFile):
            raise RuleViolation("choose a bundle file", code="knowledge_no_bundle", field="bundle")
        content = upload.file.read(MAX_BUNDLE_BYTES + 1)
        if len(content) > MAX_BUNDLE_BYTES:
            raise RuleViolation(
                "the file is too large to be a bundle", code="knowledge_bundle_too_large", field="bundle"
            )
        try:
            document = json.loads(content.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RuleViolation(
                "this is not a knowledge bank bundle", code="knowledge_bundle_invalid", field="bundle"
            ) from exc
        row = sharing.import_bundle(session, document, importer=user, importer_name=user.full_name)
    except DomainError as exc:
        session.rollback()
        raise FormRejected(_share_page(request, session, refusal_errors(request, exc), status=422)) from exc
    return RedirectResponse(f"/kb/share/imports/{row.id}", status_code=303)


@router.get("/kb/share/imports/{import_id}")
def import_page(request: Request, import_id: int, user: Editor, session: DbSession) -> Response:
    bundle = sharing.bundle_of_import(session, import_id)
    bank = effective_bank(session)
    language = request_language(request)
    rows = []
    for proposal in sharing.proposals_of(session, import_id):
        document = next(a for a in bundle["articles"] if a["slug"] == proposal.slug)
        ours = bank.get(proposal.slug)
        differs = sharing.differences(ours, document, origin=bundle["origin"])
        rows.append(
            {
                "proposal": proposal,
                "title": document["texts"][language]["title"],
                "ours": ours is not None,
                "differs": [lang for lang in LANGUAGES if differs[lang]],
            }
        )
    return render(request, "knowledge/import.html", {"bundle": bundle, "import_id": import_id, "rows": rows})


@router.get("/kb/share/proposals/{proposal_id}")
def proposal_page(request: Request, proposal_id: int, user: Editor, session: DbSession) -> Response:
    proposal, bank_import, document = sharing.proposal(session, proposal_id)
    ours = effective_bank(session).get(proposal.slug)
    return render(
        request,
        "knowledge/diff.html",
        {
            "proposal": proposal,
            "origin": bank_import.origin,
            "import_id": bank_import.id,
            "ours": ours,
            "differences": sharing.differences(ours, document, origin=bank_import.origin),
        },
    )


@router.post("/kb/share/proposals/{proposal_id}/take", dependencies=[CheckedForm])
def take(proposal_id: int, user: Editor, session: DbSession, form: Posted) -> Response:
    languages = [str(lang) for lang in form.getlist("lang")]
    sharing.take(session, proposal_id=proposal_id, languages=languages, importer=user)
    proposal, _, _ = sharing.proposal(session, proposal_id)
    return RedirectResponse(done(f"/kb/{proposal.slug}", "article_saved"), status_code=303)
