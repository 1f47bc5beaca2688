"""Register a new member: the personal record (``MemberCreate``, through ``parties.service.create_member`` as
the API does) and her login: by default an invitation e-mailed to her to choose her own password (as
``POST /members/invitations`` does, docs/accounts.md), else a login with an initial password made in the same
form, or one chosen among the logins that have no member record.

Every mistake is said in one go, each by its field: what the schemas refuse (a name left empty, a date that is
no date), and what the record's rules refuse (a wrong check digit, half a bank account, a taken e-mail), the
rules run on every value the schemas read (``service.new_member_refusals``) rather than only once the whole
form has passed them, so that a form with four mistakes needs one correction, not four. What was typed is
shown again, the password excepted. The request's transaction rolls back, so a refused form saves neither
the login nor the record.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from kooperativet.api.dependencies import AppSettings, DbSession, Now, Today
from kooperativet.auth import policy
from kooperativet.auth import service as users
from kooperativet.auth.models import Role, User
from kooperativet.auth.passwords import MIN_PASSWORD_LENGTH
from kooperativet.auth.schemas import UserCreate
from kooperativet.errors import DomainError
from kooperativet.parties import service
from kooperativet.parties.schemas import MemberCreate, TaxSettingCreate
from kooperativet.web.dependencies import CheckedForm, require_web_roles
from kooperativet.web.forms import FormRejected, PageRoute, Posted, decimal_text, field_errors
from kooperativet.web.i18n import N_, request_language
from kooperativet.web.notices import done
from kooperativet.web.pages.office_members import LANGUAGES
from kooperativet.web.reads.office_members import logins_without_member
from kooperativet.web.refusals import refusal_text
from kooperativet.web.templating import gettext, render
from kooperativet.workflows import invitations
from kooperativet.workflows.logins import create_login

router = APIRouter(include_in_schema=False, route_class=PageRoute)
Office = Annotated[User, Depends(require_web_roles(*policy.OFFICE))]

#: The record's fields as typed, in the order of the form.
RECORD = (
    "first_name", "last_name", "personal_identity_number", "email", "phone", "street", "postal_code", "city",
    "country", "bank_clearing_number", "bank_account_number", "bank_iban", "joined_on", "language",
)  # fmt: skip
TAX = ("tax_mode", "tax_percent", "tax_table_number", "tax_table_column")
LOGIN = ("login", "user_id", "password")
TAX_CHOICES = {"flat": N_("flat percent"), "table": N_("tax table")}
LOGIN_CHOICES = {
    "invite": N_("E-mail her an invitation to choose her own password"),
    "new": N_("Create a login with the e-mail above"),
    "existing": N_("Link a login that has no member record"),
    "none": N_("No login now"),
}
#: What the member's page says after registering her, by how she signs in (``web.notices``).
REGISTERED = {
    "invite": "member_invited",
    "new": "member_given_password",
    "existing": "member_given_login",
    "none": "member_registered",
}
#: Where a schema's error on the tax setting or the new login is shown.
ERROR_FIELDS = {
    "tax.percent": "tax_percent",
    "tax.table_number": "tax_table_number",
    "tax.table_column": "tax_table_column",
    "tax.mode": "tax_mode",
    "tax.valid_from": "joined_on",
}
#: Why an identifier is refused, in words (the services' reasons are English, for the API).
IDENTIFIER_WORDS = {
    "personal_identity_number": N_(
        "This is not a valid personal identity number: write all twelve digits, YYYYMMDD-NNNN."
    ),
    "bank_account_number": N_(
        "This is not a valid Swedish bank account: check the clearing and account number."
    ),
    "bank_iban": N_("This is not a valid Swedish IBAN (SE followed by 22 digits)."),
}
WRONG_CHECK_DIGIT = N_("The check digit is wrong: check the last digit of the personal identity number.")
#: What this form's reader needs to hear for these codes: a login may be linked instead of made anew.
CODE_WORDS = {
    "duplicate_email": N_("A login with this e-mail already exists: link it instead, or use another e-mail."),
    "user_already_linked": N_("This login already belongs to another member."),
    "duplicate_personal_identity_number": N_("A member with this personal identity number already exists."),
    "duplicate": N_("A member with this personal identity number already exists."),
}
#: The tax setting's rules name the schema's fields; the form's have a prefix.
TAX_FIELDS = {
    "table_number": "tax_table_number",
    "table_column": "tax_table_column",
    "percent": "tax_percent",
}
TABLE_NEEDED = N_("Give the tax table (29–42) and the column (1–6).")
HALF_AN_ACCOUNT = N_("Give both the clearing number and the account number.")
LOGIN_NEEDS_EMAIL = N_("A new login needs the member's e-mail.")
CHOOSE_A_LOGIN = N_("Choose a login from the list.")


@router.get("/office/members/new")
def new_member_form(request: Request, user: Office, session: DbSession, today: Today) -> Response:
    values = dict.fromkeys((*RECORD, *TAX, *LOGIN), "")
    values.update(country="SE", language="sv", joined_on=today.isoformat(), tax_mode="flat", tax_percent="30")
    values["login"] = "invite"
    return _page(request, values=values, errors={}, logins=logins_without_member(session))


@router.post("/office/members/new", dependencies=[CheckedForm])
def register_member(
    request: Request,
    user: Office,
    session: DbSession,
    form: Posted,
    settings: AppSettings,
    now: Now,
    today: Today,
) -> Response:
    values = _typed(form)
    logins = logins_without_member(session)  # read before any change: a refused flush ends the transaction
    errors: dict[str, str] = {}
    data = _record(request, values, errors)
    new_login = _new_login(request, session, values, errors, logins=logins)
    _check_rules(request, session, values, errors, today=today)
    if data is not None and not errors:
        member_id = _register(
            request,
            session,
            data=data,
            values=values,
            new_login=new_login,
            errors=errors,
            actor=user,
            now=now,
        )
        if member_id is not None and values["login"] == "invite":
            _invite(session, member_id=member_id, actor=user, settings=settings, now=now)
        if member_id is not None:
            said = REGISTERED.get(values["login"], "member_registered")
            return RedirectResponse(done(f"/office/members/{member_id}", said), status_code=303)
    raise FormRejected(_page(request, values=values, errors=errors, logins=logins, status=422))


def _typed(form: FormData) -> dict[str, str]:
    values = {name: str(form.get(name) or "").strip() for name in (*RECORD, *TAX, *LOGIN)}
    values["password"] = str(form.get("password") or "")  # a password is taken as typed
    return values


def _record(request: Request, values: dict[str, str], errors: dict[str, str]) -> MemberCreate | None:
    """The API's schema from the form; its errors by their fields."""
    tax = {"valid_from": values["joined_on"] or None, **_tax(request, values)}
    record = {name: values[name] for name in RECORD if values[name]}  # empty is left out: "fill in"
    record["country"] = _country(values)
    try:
        return MemberCreate.model_validate({**record, "tax": tax})
    except ValidationError as exc:
        for key, message in field_errors(request, exc, units={"tax.percent": "%"}).items():
            name = ERROR_FIELDS.get(key, key.split(".")[0])
            errors.setdefault(name if name in values else "form", message)
        return None


def _tax(request: Request, values: dict[str, str]) -> dict[str, object]:
    """The tax setting's fields as typed, without its date (the day of joining)."""
    if values["tax_mode"] != "flat":
        return {
            "mode": values["tax_mode"],
            "table_number": values["tax_table_number"] or None,
            "table_column": values["tax_table_column"] or None,
        }
    return {"mode": "flat", "percent": decimal_text(values["tax_percent"], request_language(request)) or None}


def _country(values: dict[str, str]) -> str:
    return values["country"].upper() or "SE"


def _check_rules(
    request: Request, session: Session, values: dict[str, str], errors: dict[str, str], *, today: date
) -> None:
    """The record's rules on every value the schema read, each refusal by its field: the rules are run
    whether or not other fields were refused, so that every mistake is said at once."""

    def read(name: str) -> str | None:
        return None if name in errors else values[name] or None

    joined_on = None if "joined_on" in errors else _day(values["joined_on"])
    try:
        # The tax setting's rules (its mode and what the mode needs) do not read its date: when the day of
        # joining is missing or refused, today stands in, so that the rules are still checked.
        tax = TaxSettingCreate.model_validate({"valid_from": joined_on or today, **_tax(request, values)})
    except ValidationError:
        tax = None  # the schema has said what is wrong with it
    refusals = service.new_member_refusals(
        session,
        personal_identity_number=read("personal_identity_number"),
        joined_on=joined_on,
        country=None if "country" in errors else _country(values),
        postal_code=read("postal_code"),
        bank_clearing_number=read("bank_clearing_number"),
        bank_account_number=read("bank_account_number"),
        bank_iban=read("bank_iban"),
        tax=tax,
    )
    for exc in refusals:
        field = TAX_FIELDS.get(str(exc.extra.get("field")), str(exc.extra.get("field") or "form"))
        errors.setdefault(field if field in values else "form", _refusal(request, exc))


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _new_login(
    request: Request,
    session: Session,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    logins: list[User],
) -> UserCreate | None:
    """The login to create with the record, when the form asks for one; the chosen one is checked here."""
    if values["login"] == "existing":
        if values["user_id"] not in {str(login.id) for login in logins}:
            errors["user_id"] = gettext(request, CHOOSE_A_LOGIN)
        return None
    if values["login"] in ("new", "invite") and not values["email"]:
        errors.setdefault("email", gettext(request, LOGIN_NEEDS_EMAIL))
    elif values["login"] in ("new", "invite"):
        try:
            users.refuse_taken_email(session, values["email"])
        except DomainError as exc:
            errors.setdefault("email", _refusal(request, exc))
    if values["login"] != "new":
        return None
    full_name = f"{values['first_name']} {values['last_name']}".strip() or "-"
    try:
        return UserCreate.model_validate(
            {
                "email": values["email"],
                "full_name": full_name,
                "password": values["password"],
                "roles": [Role.member],
            }
        )
    except ValidationError as exc:
        for key, message in field_errors(request, exc).items():
            if key in ("email", "password"):
                errors.setdefault(key, message)
        return None


def _register(
    request: Request,
    session: Session,
    *,
    data: MemberCreate,
    values: dict[str, str],
    new_login: UserCreate | None,
    errors: dict[str, str],
    actor: User,
    now: datetime,
) -> int | None:
    """The new member's id; or ``None`` with every refusal in ``errors`` (the caller rolls back)."""
    user_id = int(values["user_id"]) if values["login"] == "existing" else None
    if values["login"] == "invite" and not errors:
        try:
            user_id = invitations.create_invited_login(
                session, email=values["email"], first_name=data.first_name, last_name=data.last_name
            ).id
        except DomainError as exc:
            errors["email"] = _refusal(request, exc)
    if new_login is not None:
        try:
            login = create_login(
                session,
                email=new_login.email,
                full_name=new_login.full_name,
                password=new_login.password,
                roles=new_login.roles,
                by_user_id=actor.id,
                now=now,
            )
            user_id = login.id
        except DomainError as exc:
            errors["email"] = _refusal(request, exc)
    try:
        member = service.create_member(session, data=data.model_copy(update={"user_id": user_id}))
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        field = TAX_FIELDS.get(str(exc.extra.get("field")), str(exc.extra.get("field") or "form"))
        errors.setdefault(field if field in values else "form", _refusal(request, exc))
        return None
    return None if errors else member.id


def _invite(session: Session, *, member_id: int, actor: User, settings: AppSettings, now: Now) -> None:
    """E-mail the new login its invitation, in the same transaction as the record and the login."""
    member = service.get_member(session, member_id=member_id, actor=actor)
    assert member.user_id is not None  # made above, with the record
    login = users.get_user(session, user_id=member.user_id)
    invitations.send_invitation(session, user=login, actor=actor, now=now, settings=settings)


def _refusal(request: Request, exc: DomainError) -> str:
    field = str(exc.extra.get("field") or "")
    if exc.code == "invalid_identifier":
        if exc.detail.endswith("the check digit is wrong"):
            return gettext(request, WRONG_CHECK_DIGIT)
        return gettext(request, IDENTIFIER_WORDS.get(field, IDENTIFIER_WORDS["personal_identity_number"]))
    if exc.detail.startswith("table mode needs"):
        return gettext(request, TABLE_NEEDED)
    if exc.detail == "give both the clearing number and the account number":
        return gettext(request, HALF_AN_ACCOUNT)
    return refusal_text(request, exc, own=CODE_WORDS)


def _page(
    request: Request,
    *,
    values: dict[str, str],
    errors: dict[str, str],
    logins: list[User],
    status: int = 200,
) -> Response:
    return render(
        request,
        "office_members/new.html",
        {
            "values": values,
            "errors": errors,
            "logins": logins,
            "languages": LANGUAGES,
            "tax_choices": TAX_CHOICES,
            "login_choices": LOGIN_CHOICES,
            "min_password": MIN_PASSWORD_LENGTH,
        },
        status=status,
    )
