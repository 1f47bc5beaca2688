"""Members, clients and the cooperative's identity. Services flush; the caller's transaction commits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.auth.service import check_version
from kooperativet.config import Settings
from kooperativet.core import identifiers as ids
from kooperativet.db import fetch_page, is_unique_violation
from kooperativet.encryption import blind_index
from kooperativet.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from kooperativet.parties.models import (
    PERSONAL_IDENTITY_INDEX,
    Client,
    ClientKind,
    Cooperative,
    Member,
    MemberTaxSetting,
    TaxMode,
)
from kooperativet.parties.schemas import (
    ClientCreate,
    ClientUpdate,
    CooperativeUpdate,
    MemberCreate,
    MemberUpdate,
    TaxSettingCreate,
)

T = TypeVar("T")

DEFAULT_FLAT_TAX_PERCENT = Decimal("30")
MEMBER_CONTACT_FIELDS = frozenset({"street", "postal_code", "city", "country", "email", "phone"})
MEMBER_REQUIRED_FIELDS = frozenset(
    {"first_name", "last_name", "personal_identity_number", "joined_on", "country", "language"}
)
MEMBER_IDENTITY_FIELDS = ("first_name", "last_name", "personal_identity_number")
#: A member resident abroad: citizenship and TIN for the AGI (docs/exports.md); set by the staff.
MEMBER_ABROAD_FIELDS = frozenset({"citizenship", "tax_identification_number", "tax_identification_country"})
CLIENT_REQUIRED_FIELDS = frozenset(
    {"name", "kind", "country", "language", "payment_terms_days", "public_sector"}
)


def validated(field: str, parse: Callable[[str], T], value: str) -> T:
    """Parse an identifier; a bad one becomes a 422 naming the field and the reason."""
    try:
        return parse(value)
    except ids.InvalidIdentifier as exc:
        raise RuleViolation(f"{field}: {exc}", code="invalid_identifier", field=field) from exc


# --- the cooperative ---------------------------------------------------------------------------------


def get_cooperative(session: Session) -> Cooperative:
    cooperative = session.scalar(select(Cooperative).order_by(Cooperative.id).limit(1))
    if cooperative is None:
        raise NotFound("the cooperative has not been set up; run `kooperativet db upgrade`")
    return cooperative


def seed_cooperative(session: Session, *, settings: Settings) -> Cooperative | None:
    """Create the cooperative's row from settings on an empty database; afterwards the database rules."""
    if session.scalar(select(func.count(Cooperative.id))):
        return None
    cooperative = Cooperative(name=settings.cooperative_name, f_tax_approved=settings.cooperative_f_tax)
    _apply_cooperative(
        cooperative,
        {
            "organisation_number": settings.cooperative_organisation_number,
            "vat_number": settings.cooperative_vat_number,
            "street": settings.cooperative_street,
            "postal_code": settings.cooperative_postal_code,
            "city": settings.cooperative_city,
            "bankgiro": settings.cooperative_bankgiro,
            "iban": settings.cooperative_iban,
            "bic": settings.cooperative_bic,
            "contact_name": settings.cooperative_contact_name,
            "contact_email": settings.cooperative_contact_email,
            "contact_phone": settings.cooperative_contact_phone,
        },
    )
    session.add(cooperative)
    session.flush()
    return cooperative


def update_cooperative(session: Session, *, update: CooperativeUpdate) -> Cooperative:
    cooperative = get_cooperative(session)
    check_version(cooperative.version, update.version, what="the cooperative's settings")
    changes = update.model_dump(exclude_unset=True, exclude={"version"})
    for field in ("name", "f_tax_approved", "country"):
        if field in changes and changes[field] is None:
            raise RuleViolation(f"{field} cannot be empty", field=field)
    _apply_cooperative(cooperative, changes)
    cooperative.version += 1
    session.flush()
    return cooperative


_COOPERATIVE_PARSERS: dict[str, Callable[[str], str]] = {
    "organisation_number": ids.normalise_organisation_number,
    "vat_number": ids.normalise_vat_number,
    "bankgiro": ids.normalise_bankgiro,
    "iban": ids.normalise_iban,
    "bic": ids.normalise_bic,
}


def _apply_cooperative(cooperative: Cooperative, changes: dict[str, Any]) -> None:
    for field, value in changes.items():
        parse = _COOPERATIVE_PARSERS.get(field)
        if parse is not None and value is not None:
            value = validated(field, parse, value)
        setattr(cooperative, field, value)


# --- members -----------------------------------------------------------------------------------------


def create_member(session: Session, *, data: MemberCreate) -> Member:
    identity = validated(
        "personal_identity_number", ids.parse_personal_identity, data.personal_identity_number
    )
    _refuse_duplicate_person(session, identity.number)
    member = Member(
        first_name=data.first_name.strip(),
        last_name=data.last_name.strip(),
        personal_identity_number=identity.number,
        is_coordination_number=identity.is_coordination_number,
        birth_date=identity.birth_date,
        joined_on=data.joined_on,
        left_on=data.left_on,
        language=data.language,
        **data.model_dump(include=set(MEMBER_CONTACT_FIELDS | MEMBER_ABROAD_FIELDS)),
    )
    _check_membership_dates(member)
    _check_tax_identification(member)
    member.bank_clearing_number, member.bank_account_number, member.bank_iban = _payout_account(
        data.bank_clearing_number, data.bank_account_number, data.bank_iban
    )
    if data.user_id is not None:
        _link_user(session, member, data.user_id)
    tax = data.tax or TaxSettingCreate(valid_from=data.joined_on)
    member.tax_settings = [_tax_setting(tax)]
    session.add(member)
    _flush_unique(session, "a member with this personnummer already exists", "personal_identity_number")
    return member


def _check_tax_identification(member: Member) -> None:
    """A TIN is only useful with the country that issued it (the AGI writes FK252 with FK076)."""
    if bool(member.tax_identification_number) != bool(member.tax_identification_country):
        raise RuleViolation(
            "tax_identification_number and tax_identification_country are given together",
            field="tax_identification_country",
        )


@dataclass(frozen=True)
class MemberChange:
    """What an update changed that the member must be told about (identity fields, a new bank account)."""

    member: Member
    identity_fields: tuple[str, ...]
    bank_account_changed: bool

    @property
    def tells_the_member(self) -> bool:
        return bool(self.identity_fields) or self.bank_account_changed


def update_member(
    session: Session, *, member: Member, update: MemberUpdate, actor: User, now: datetime
) -> MemberChange:
    """Change a member's record. A change of identity (name, personnummer) or bank account is an audit event
    with the old and new values masked; a new bank account waits for a second person's confirmation."""
    check_version(member.version, update.version, what=f"member {member.id}")
    changes = update.model_dump(exclude_unset=True, exclude={"version"})
    if not policy.sees_everything(actor):
        refused = sorted(set(changes) - MEMBER_CONTACT_FIELDS)
        if refused:
            raise PermissionDenied(
                "members may change only their contact fields; "
                f"ask the treasurer to change {', '.join(refused)}"
            )
    for field in MEMBER_REQUIRED_FIELDS & set(changes):
        if changes[field] is None:
            raise RuleViolation(f"{field} cannot be empty", field=field)
    identity_before = _identity(member)
    if "personal_identity_number" in changes:
        identity = validated(
            "personal_identity_number", ids.parse_personal_identity, changes.pop("personal_identity_number")
        )
        if identity.number != member.personal_identity_number:
            _refuse_duplicate_person(session, identity.number)
        member.personal_identity_number = identity.number
        member.birth_date = identity.birth_date
        member.is_coordination_number = identity.is_coordination_number
    bank_account_changed = False
    if {"bank_clearing_number", "bank_account_number", "bank_iban"} & set(changes):
        bank_account_changed = _change_bank_account(
            session,
            member,
            changes.pop("bank_clearing_number", member.bank_clearing_number),
            changes.pop("bank_account_number", member.bank_account_number),
            changes.pop("bank_iban", member.bank_iban),
            actor=actor,
            now=now,
        )
    if "user_id" in changes:
        user_id = changes.pop("user_id")
        if user_id is None:
            member.user_id = None
        elif user_id != member.user_id:
            _link_user(session, member, user_id)
    for field, value in changes.items():
        setattr(member, field, value.strip() if isinstance(value, str) else value)
    _check_membership_dates(member)
    _check_tax_identification(member)
    identity_fields = _record_identity_change(session, member, identity_before, actor=actor, now=now)
    member.version += 1
    _flush_unique(session, "a member with this personnummer already exists", "personal_identity_number")
    return MemberChange(
        member=member, identity_fields=identity_fields, bank_account_changed=bank_account_changed
    )


def confirm_bank_account(session: Session, *, member: Member, actor: User, now: datetime) -> Member:
    """Make a member's new bank account the one salary is paid to. A second person must confirm: another
    treasurer or admin than the one who entered it, or the member herself."""
    if not member.has_pending_bank_account:
        raise Conflict(
            f"member {member.id} has no bank account waiting for confirmation", code="nothing_to_confirm"
        )
    if actor.id == member.bank_account_changed_by_id:
        raise PermissionDenied(
            "you entered this bank account; another treasurer or admin, or the member, must confirm it"
        )
    if not policy.may_see(actor, owner_user_id=member.user_id):
        raise PermissionDenied("only the treasurer, an admin or the member can confirm a bank account")
    append_event(
        session,
        kind="member_bank_account_confirmed",
        payload={
            "member_id": member.id,
            "confirmed_by_user_id": actor.id,
            "account": _masked_account(
                member.pending_clearing_number, member.pending_account_number, member.pending_iban
            ),
        },
        now=now,
    )
    member.bank_clearing_number = member.pending_clearing_number
    member.bank_account_number = member.pending_account_number
    member.bank_iban = member.pending_iban
    member.pending_clearing_number = member.pending_account_number = member.pending_iban = None
    member.bank_account_confirmed_at = now
    member.version += 1
    session.flush()
    return member


def _change_bank_account(
    session: Session,
    member: Member,
    clearing: str | None,
    account: str | None,
    iban: str | None,
    *,
    actor: User,
    now: datetime,
) -> bool:
    """Enter a changed account (clearing and account number, IBAN) as pending; returns whether it changed.
    The account already paid to stays in use until the change is confirmed, so one person alone can never
    redirect a salary — a new or removed IBAN redirects it as much as a new account number does."""
    confirmed = (member.bank_clearing_number, member.bank_account_number, member.bank_iban)
    new = _payout_account(clearing, account, iban)
    pending = (member.pending_clearing_number, member.pending_account_number, member.pending_iban)
    if new == (pending if member.has_pending_bank_account else confirmed):
        return False
    append_event(
        session,
        kind="member_bank_account_changed",
        payload={
            "member_id": member.id,
            "changed_by_user_id": actor.id,
            "old": _masked_account(*confirmed),
            "new": _masked_account(*new),
        },
        now=now,
    )
    member.bank_account_changed_at = now
    member.bank_account_changed_by_id = actor.id
    if new == confirmed or new == (None, None, None):
        # Back to the confirmed account, or no account: nothing to redirect, nothing to confirm.
        member.bank_clearing_number, member.bank_account_number, member.bank_iban = new
        member.pending_clearing_number = member.pending_account_number = member.pending_iban = None
    else:
        member.pending_clearing_number, member.pending_account_number, member.pending_iban = new
    return True


def change_notice(change: MemberChange) -> tuple[str, str]:
    """The e-mail (subject, body, in Swedish) telling a member what was changed in their record."""
    what = [_IDENTITY_LABELS[field] for field in change.identity_fields]
    if change.bank_account_changed:
        what.append("bankkonto för lön")
    lines = [
        "Hej,",
        "",
        f"Följande uppgifter i ditt medlemsregister har ändrats: {', '.join(what)}.",
    ]
    if change.member.has_pending_bank_account:
        lines += [
            "",
            "Det nya bankkontot används för lön först när du eller en annan person på kontoret har",
            "bekräftat det.",
            "Lönen betalas till det tidigare bekräftade kontot tills dess.",
        ]
    lines += ["", "Om du inte känner igen ändringen, kontakta kassören genast.", ""]
    return "Ändrade uppgifter i medlemsregistret", "\n".join(lines)


_IDENTITY_LABELS = {
    "first_name": "förnamn",
    "last_name": "efternamn",
    "personal_identity_number": "personnummer",
}


def _identity(member: Member) -> dict[str, str]:
    return {field: getattr(member, field) for field in MEMBER_IDENTITY_FIELDS}


def _masked(field: str, value: str) -> str:
    if field == "personal_identity_number":
        return ids.mask_personal_identity(value)
    return ids.mask_name(value)


def _record_identity_change(
    session: Session, member: Member, before: dict[str, str], *, actor: User, now: datetime
) -> tuple[str, ...]:
    """Append an audit event naming who changed which identity fields, old and new values masked."""
    after = _identity(member)
    changed = tuple(field for field in MEMBER_IDENTITY_FIELDS if after[field] != before[field])
    if changed:
        append_event(
            session,
            kind="member_identity_changed",
            payload={
                "member_id": member.id,
                "changed_by_user_id": actor.id,
                "changes": {
                    field: {"old": _masked(field, before[field]), "new": _masked(field, after[field])}
                    for field in changed
                },
            },
            now=now,
        )
    return changed


def _masked_account(clearing: str | None, account: str | None, iban: str | None = None) -> str | None:
    """``6000-****6789``, ``6000-****6789, IBAN SE35****0003``; ``None`` for no account."""
    parts = [] if clearing is None or account is None else [f"{clearing}-{ids.mask_account(account)}"]
    if iban is not None:
        parts.append(f"IBAN {ids.mask_iban(iban)}")
    return ", ".join(parts) or None


def get_member(session: Session, *, member_id: int, actor: User) -> Member:
    """A member's record. Others' records are 404 to a member, not 403: existence is not disclosed."""
    member = session.get(Member, member_id)
    if member is None or not policy.may_see(actor, owner_user_id=member.user_id):
        raise NotFound(f"member {member_id} does not exist")
    return member


def get_own_member(session: Session, *, actor: User) -> Member:
    member = session.scalar(select(Member).where(Member.user_id == actor.id))
    if member is None:
        raise NotFound("no member record is linked to your user")
    return member


def list_members(
    session: Session,
    *,
    limit: int,
    offset: int,
    q: str | None = None,
    current_on: date | None = None,
    user_id: int | None = None,
) -> tuple[list[Member], int]:
    """Members matching the filters; ``user_id`` narrows the list to the member linked to that user."""
    query = select(Member)
    if user_id is not None:
        query = query.where(Member.user_id == user_id)
    if q:
        pattern = f"%{q.strip().lower()}%"
        query = query.where(
            or_(func.lower(Member.first_name).like(pattern), func.lower(Member.last_name).like(pattern))
        )
    if current_on is not None:
        query = query.where(
            Member.joined_on <= current_on, or_(Member.left_on.is_(None), Member.left_on > current_on)
        )
    order = [Member.last_name, Member.first_name]
    return fetch_page(session, query, limit=limit, offset=offset, order=order, tiebreak=Member.id)


def add_tax_setting(session: Session, *, member: Member, data: TaxSettingCreate) -> MemberTaxSetting:
    if any(existing.valid_from == data.valid_from for existing in member.tax_settings):
        raise Conflict(
            f"member {member.id} already has a tax setting valid from {data.valid_from}; add a later date",
            code="overlapping_valid_from",
            field="valid_from",
        )
    setting = _tax_setting(data)
    member.tax_settings.append(setting)
    member.version += 1
    session.flush()
    return setting


def _tax_setting(data: TaxSettingCreate) -> MemberTaxSetting:
    percent = data.percent
    if data.mode is TaxMode.flat:
        percent = percent if percent is not None else DEFAULT_FLAT_TAX_PERCENT
    elif percent is not None:
        raise RuleViolation(
            f"percent applies to flat mode only; {data.mode} takes its rate from the dated parameters",
            field="percent",
        )
    if data.mode is TaxMode.table and (data.table_number is None or data.table_column is None):
        raise RuleViolation(
            "table mode needs table_number (29–42) and table_column (1–6)", field="table_number"
        )
    if data.mode is not TaxMode.table and (data.table_number is not None or data.table_column is not None):
        raise RuleViolation("table_number and table_column apply to table mode only", field="table_number")
    return MemberTaxSetting(
        valid_from=data.valid_from,
        mode=data.mode,
        percent=percent,
        table_number=data.table_number,
        table_column=data.table_column,
        tax_information_missing=data.tax_information_missing,
        note=data.note,
    )


def _refuse_duplicate_person(session: Session, number: str) -> None:
    index = blind_index(number, context=PERSONAL_IDENTITY_INDEX)
    if session.scalar(select(Member.id).where(Member.personal_identity_number_index == index)) is not None:
        raise Conflict(
            "a member with this personnummer already exists",
            code="duplicate_personal_identity_number",
            field="personal_identity_number",
        )


def _bank_account(clearing: str | None, account: str | None) -> tuple[str | None, str | None]:
    """The normalised (clearing, account) pair, or (None, None); half an account or a bad one is a 422."""
    if clearing is None and account is None:
        return None, None
    if clearing is None or account is None:
        field = "bank_clearing_number" if clearing is None else "bank_account_number"
        raise RuleViolation("give both the clearing number and the account number", field=field)
    bank_account = validated(
        "bank_account_number",
        lambda _: ids.parse_bank_account(clearing_number=clearing, account_number=account),
        account,
    )
    return bank_account.clearing_number, bank_account.account_number


def _payout_account(
    clearing: str | None, account: str | None, iban: str | None
) -> tuple[str | None, str | None, str | None]:
    """The normalised (clearing, account, IBAN), or all ``None``. A member gives a clearing and account
    number, a Swedish IBAN instead, or both; salary then goes to the IBAN (payroll.md §5, exports.md)."""
    clearing, account = _bank_account(clearing, account)
    if iban is None:
        return clearing, account, None
    return clearing, account, validated("bank_iban", ids.parse_salary_iban, iban)


def _link_user(session: Session, member: Member, user_id: int) -> None:
    if session.get(User, user_id) is None:
        raise RuleViolation(f"user {user_id} does not exist", field="user_id")
    linked = session.scalar(select(Member.id).where(Member.user_id == user_id, Member.id != member.id))
    if linked is not None:
        raise Conflict(
            f"user {user_id} is already linked to member {linked}",
            code="user_already_linked",
            field="user_id",
        )
    member.user_id = user_id


def _check_membership_dates(member: Member) -> None:
    if member.left_on is not None and member.left_on < member.joined_on:
        raise RuleViolation("left_on cannot be before joined_on", field="left_on")


# --- clients -----------------------------------------------------------------------------------------


def create_client(session: Session, *, data: ClientCreate) -> Client:
    client = Client()
    _apply_client(session, client, data.model_dump())
    session.add(client)
    _flush_unique(
        session, "a client with this organisation or VAT number already exists", "organisation_number"
    )
    return client


def update_client(session: Session, *, client: Client, update: ClientUpdate) -> Client:
    check_version(client.version, update.version, what=f"client {client.id}")
    changes = update.model_dump(exclude_unset=True, exclude={"version"})
    for field in CLIENT_REQUIRED_FIELDS & set(changes):
        if changes[field] is None:
            raise RuleViolation(f"{field} cannot be empty", field=field)
    _apply_client(session, client, changes)
    client.version += 1
    _flush_unique(
        session, "a client with this organisation or VAT number already exists", "organisation_number"
    )
    return client


def client_visibility(worked_for: Select[int] | None) -> ColumnElement[bool]:
    """Which clients the asker may see. A private person (kind ``person``) is personal data about someone who
    is not a member (GDPR art. 5(1)(c), data minimisation): only the office (``worked_for`` None) and the
    members who work for her (``worked_for``: the ids of the clients the asking member has assignments for)
    see her. Organisations are visible to every user."""
    if worked_for is None:
        return true()
    return or_(Client.kind != ClientKind.person, Client.id.in_(worked_for))


def get_client(session: Session, *, client_id: int, worked_for: Select[int] | None) -> Client:
    """One client; a private person the asker may not see is 404, as if she did not exist."""
    client = session.scalar(select(Client).where(Client.id == client_id, client_visibility(worked_for)))
    if client is None:
        raise NotFound(f"client {client_id} does not exist")
    return client


def list_clients(
    session: Session,
    *,
    worked_for: Select[int] | None,
    limit: int,
    offset: int,
    q: str | None = None,
    public_sector: bool | None = None,
    country: str | None = None,
) -> tuple[list[Client], int]:
    """Clients matching the filters, among those the asker may see (:func:`client_visibility`)."""
    query = select(Client).where(client_visibility(worked_for))
    if q:
        query = query.where(func.lower(Client.name).like(f"%{q.strip().lower()}%"))
    if public_sector is not None:
        query = query.where(Client.public_sector == public_sector)
    if country:
        query = query.where(Client.country == country.upper())
    return fetch_page(session, query, limit=limit, offset=offset, order=[Client.name], tiebreak=Client.id)


def _apply_client(session: Session, client: Client, changes: dict[str, Any]) -> None:
    if changes.get("organisation_number") is not None:
        number = validated(
            "organisation_number", ids.normalise_organisation_number, changes["organisation_number"]
        )
        other = session.scalar(
            select(Client.id).where(Client.organisation_number == number, Client.id != client.id)
        )
        if other is not None:
            raise Conflict(
                f"client {other} already has organisation number {number}",
                code="duplicate_organisation_number",
                field="organisation_number",
            )
        changes["organisation_number"] = number
    if changes.get("vat_number") is not None:
        number = validated("vat_number", ids.normalise_vat_number, changes["vat_number"])
        other = session.scalar(select(Client.id).where(Client.vat_number == number, Client.id != client.id))
        if other is not None:
            raise Conflict(
                f"client {other} already has VAT number {number}",
                code="duplicate_vat_number",
                field="vat_number",
            )
        changes["vat_number"] = number
    if changes.get("personal_identity_number") is not None:
        identity = validated(
            "personal_identity_number", ids.parse_personal_identity, changes["personal_identity_number"]
        )
        changes["personal_identity_number"] = identity.number
    for field, value in changes.items():
        setattr(client, field, value.strip() if isinstance(value, str) else value)
    _check_client(client)


def _check_client(client: Client) -> None:
    if client.peppol_scheme == "0007" and client.peppol_id is not None:
        client.peppol_id = validated(
            "peppol_id", ids.normalise_organisation_number, client.peppol_id
        ).replace("-", "")
    if (client.peppol_scheme is None) != (client.peppol_id is None):
        raise RuleViolation("give both peppol_scheme and peppol_id, or neither", field="peppol_id")
    if client.kind == ClientKind.person and client.organisation_number is not None:
        raise RuleViolation("a private person has no organisation number", field="organisation_number")
    vat_prefix = "EL" if client.country == "GR" else client.country  # Greece uses EL in VAT numbers
    if client.vat_number is not None and not client.vat_number.startswith(vat_prefix):
        raise RuleViolation(
            f"the VAT number {client.vat_number} does not belong to country {client.country}",
            field="vat_number",
        )


def _flush_unique(session: Session, message: str, field: str) -> None:
    """Flush, turning a unique-constraint race into the same 409 the pre-checks give."""
    try:
        session.flush()
    except IntegrityError as exc:
        if is_unique_violation(exc):
            raise Conflict(message, code="duplicate", field=field) from exc
        raise
