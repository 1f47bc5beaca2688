"""Administration: users and their roles, and the cooperative's identity. Through the same services as the
API: the last active administrator cannot lose the role or be disabled, and a stale form is refused."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from kooperativet.api.dependencies import DbSession, Now
from kooperativet.auth import service as users
from kooperativet.auth.models import Role, User
from kooperativet.auth.schemas import UserCreate, UserUpdate
from kooperativet.parties.schemas import CooperativeUpdate
from kooperativet.parties.service import cooperative as identity
from kooperativet.web.dependencies import CheckedForm, require_web_roles
from kooperativet.web.form_attempt import attempt
from kooperativet.web.forms import PageRoute, Posted
from kooperativet.web.meeting_words import ROLES
from kooperativet.web.notices import done
from kooperativet.web.paging import page_count
from kooperativet.web.templating import render
from kooperativet.workflows.logins import change_login, create_login

router = APIRouter(include_in_schema=False, route_class=PageRoute)
Admin = Annotated[User, Depends(require_web_roles(Role.admin))]
PAGE_SIZE = 50
USER_FIELDS = ("email", "full_name", "password", "roles", "is_active")
COOPERATIVE_FIELDS = (
    "name",
    "organisation_number",
    "vat_number",
    "street",
    "postal_code",
    "city",
    "country",
    "bankgiro",
    "iban",
    "bic",
    "contact_name",
    "contact_email",
    "contact_phone",
)
#: The cooperative's yes-or-no settings, checkboxes on its form (an unticked box is not posted at all).
COOPERATIVE_FLAGS = ("f_tax_approved", "vat_base_above_40_million")


def _show(request: Request, template: str, context: dict[str, Any], *, status: int = 200) -> Response:
    return render(
        request,
        template,
        {"role_words": ROLES, "all_roles": list(Role), **context},
        status=status,
    )


def _role_list(roles: list[str] | None) -> list[str]:
    """The roles ticked, as the form shows them again; the schema reads (and refuses) what was posted."""
    return [r for r in roles or [] if r in set(Role)]


@router.get("/admin")
def user_list(
    request: Request, user: Admin, session: DbSession, q: str = "", role: str = "", page: int = 1
) -> Response:
    page = max(page, 1)
    chosen = Role(role) if role in set(Role) else None
    rows, total = users.list_users(
        session, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, role=chosen, q=q.strip() or None
    )
    context = {
        "users": rows,
        "total": total,
        "q": q,
        "role": role,
        "page": page,
        "pages": page_count(total, PAGE_SIZE),
    }
    return _show(request, "admin/users.html", context)


@router.get("/admin/users/new")
def new_user_form(request: Request, user: Admin) -> Response:
    values = {"email": "", "full_name": "", "roles": [Role.member.value], "is_active": True}
    return _show(request, "admin/user.html", {"account": None, "values": values, "errors": {}})


@router.post("/admin/users/new", dependencies=[CheckedForm])
def create_user(
    request: Request,
    user: Admin,
    session: DbSession,
    now: Now,
    email: Annotated[str, Form()] = "",
    full_name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    roles: Annotated[list[str] | None, Form()] = None,
    is_active: Annotated[str, Form()] = "",
) -> Response:
    values = {
        "email": email,
        "full_name": full_name,
        "roles": _role_list(roles),
        "is_active": bool(is_active),
    }

    def create() -> User:
        data = UserCreate.model_validate({**values, "roles": roles or [], "password": password})
        return create_login(
            session,
            email=data.email,
            full_name=data.full_name,
            password=data.password,
            roles=data.roles,
            is_active=data.is_active,
            by_user_id=user.id,
            now=now,
        )

    created = attempt(
        request,
        create,
        fields=USER_FIELDS,
        page=lambda errors: _show(
            request, "admin/user.html", {"account": None, "values": values, "errors": errors}, status=422
        ),
    )
    return RedirectResponse(done(f"/admin/users/{created.id}", "user_created"), status_code=303)


@router.get("/admin/users/{user_id:int}")
def user_form(request: Request, user_id: int, user: Admin, session: DbSession) -> Response:
    account = users.get_user(session, user_id=user_id)
    values = {
        "full_name": account.full_name,
        "roles": sorted(account.roles),
        "is_active": account.is_active,
        "version": account.version,
    }
    context = {"account": account, "values": values, "errors": {}}
    return _show(request, "admin/user.html", context)


@router.post("/admin/users/{user_id:int}", dependencies=[CheckedForm])
def update_user(
    request: Request,
    user_id: int,
    user: Admin,
    session: DbSession,
    now: Now,
    version: Annotated[str, Form()] = "",
    full_name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    roles: Annotated[list[str] | None, Form()] = None,
    is_active: Annotated[str, Form()] = "",
) -> Response:
    account = users.get_user(session, user_id=user_id)
    values = {
        "full_name": full_name,
        "roles": _role_list(roles),
        "is_active": bool(is_active),
        "version": version,
    }

    def update() -> None:
        data = UserUpdate.model_validate({**values, "roles": roles or [], "password": password or None})
        change_login(
            session,
            user=account,
            version=data.version,
            by_user_id=user.id,
            now=now,
            full_name=data.full_name,
            roles=data.roles,
            is_active=data.is_active,
            password=data.password,
        )

    attempt(
        request,
        update,
        fields=USER_FIELDS,
        code_fields={"last_admin": "roles"},
        page=lambda errors: _show(
            request,
            "admin/user.html",
            {"account": account, "values": values, "errors": errors},
            status=422,
        ),
    )
    return RedirectResponse(done(f"/admin/users/{account.id}", "user_saved"), status_code=303)


@router.get("/admin/cooperative")
def cooperative_form(request: Request, user: Admin, session: DbSession) -> Response:
    cooperative = identity.get_cooperative(session)
    values: dict[str, Any] = {name: getattr(cooperative, name) or "" for name in COOPERATIVE_FIELDS}
    for name in COOPERATIVE_FLAGS:
        values[name] = getattr(cooperative, name)
    values["version"] = cooperative.version
    context = {"values": values, "errors": {}, "fields": COOPERATIVE_FIELDS}
    return _show(request, "admin/cooperative.html", context)


@router.post("/admin/cooperative", dependencies=[CheckedForm])
def update_cooperative(request: Request, user: Admin, session: DbSession, form: Posted, now: Now) -> Response:
    values: dict[str, Any] = {name: str(form.get(name) or "") for name in COOPERATIVE_FIELDS}
    flags = {name: bool(form.get(name)) for name in COOPERATIVE_FLAGS}
    values.update(flags)
    values["version"] = str(form.get("version") or "")

    def update() -> None:
        changes = {name: (values[name].strip() or None) for name in COOPERATIVE_FIELDS}
        data = CooperativeUpdate.model_validate({**changes, **flags, "version": values["version"]})
        identity.update_cooperative(session, update=data, actor=user, now=now)

    attempt(
        request,
        update,
        fields=(*COOPERATIVE_FIELDS, *COOPERATIVE_FLAGS),
        page=lambda errors: _show(
            request,
            "admin/cooperative.html",
            {"values": values, "errors": errors, "fields": COOPERATIVE_FIELDS},
            status=422,
        ),
    )
    return RedirectResponse(done("/admin/cooperative", "cooperative_saved"), status_code=303)
