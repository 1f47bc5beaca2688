"""Members' records: register, change (identity changes audited, masked), read one, read your own, list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.auth.service import check_version
from kooperativet.core import agi_formats
from kooperativet.core import identifiers as ids
from kooperativet.core.calendar import swedish_day
from kooperativet.db import contains_text, fetch_page
from kooperativet.encryption import blind_index
from kooperativet.errors import Conflict, DomainError, NotFound, PermissionDenied, RuleViolation
from kooperativet.parties.models import PERSONAL_IDENTITY_INDEX, Member
from kooperativet.parties.schemas import MemberCreate, MemberUpdate, TaxSettingCreate
from kooperativet.parties.service.bank_accounts import (
    bank_account,
    change_bank_account,
    payout_account,
    salary_iban,
)
from kooperativet.parties.service.checks import postal_code_for, unique_rows, validated
from kooperativet.parties.service.notice import MemberChange
from kooperativet.parties.service.tax_settings import new_tax_setting

T = TypeVar("T")
MEMBER_CONTACT_FIELDS = frozenset({"street", "postal_code", "city", "country", "email", "phone"})
MEMBER_REQUIRED_FIELDS = frozenset(
    {"first_name", "last_name", "personal_identity_number", "joined_on", "country", "language"}
)
MEMBER_IDENTITY_FIELDS = ("first_name", "last_name", "personal_identity_number")
#: A member resident abroad: citizenship and TIN for the AGI (docs/exports.md); set by the staff.
MEMBER_ABROAD_FIELDS = frozenset({"citizenship", "tax_identification_number", "tax_identification_country"})


DUPLICATE_PERSON = "a member with this personnummer already exists"


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
    member.postal_code = postal_code_for(member.country, member.postal_code)
    _check_membership_dates(member)
    _check_tax_identification(member)
    _check_tin_format(member.tax_identification_number)
    member.bank_clearing_number, member.bank_account_number, member.bank_iban = payout_account(
        data.bank_clearing_number, data.bank_account_number, data.bank_iban
    )
    if data.user_id is not None:
        _link_user(session, member, data.user_id)
    tax = data.tax or TaxSettingCreate(valid_from=data.joined_on)
    member.tax_settings = [new_tax_setting(tax)]
    with unique_rows(session, DUPLICATE_PERSON, "personal_identity_number"):
        session.add(member)
    return member


def new_member_refusals(
    session: Session,
    *,
    personal_identity_number: str | None = None,
    joined_on: date | None = None,
    country: str | None = None,
    postal_code: str | None = None,
    bank_clearing_number: str | None = None,
    bank_account_number: str | None = None,
    bank_iban: str | None = None,
    tax: TaxSettingCreate | None = None,
) -> list[DomainError]:
    """Every refusal ``create_member``'s rules give for these values, each rule run on its own. A form says
    them all at once, beside what its schema refused, instead of one refusal a sending (``create_member``
    stops at the first). A value left out (``None``: not typed, or refused by the schema already) is not
    checked; ``create_member`` still checks everything when it writes."""
    refusals: list[DomainError] = []

    def check(rule: Callable[[], T]) -> T | None:
        try:
            return rule()
        except DomainError as exc:
            refusals.append(exc)
            return None

    if personal_identity_number is not None:
        number = personal_identity_number
        identity = check(lambda: validated("personal_identity_number", ids.parse_personal_identity, number))
        if identity is not None:
            check(lambda: _refuse_duplicate_person(session, identity.number))
            if joined_on is not None:
                check(lambda: _refuse_birth_after_joining(identity.birth_date, joined_on))
    check(lambda: postal_code_for(country, postal_code))
    check(lambda: bank_account(bank_clearing_number, bank_account_number))
    if bank_iban is not None:
        check(lambda: salary_iban(bank_iban))
    if tax is not None:
        check(lambda: new_tax_setting(tax))
    return refusals


def _check_tax_identification(member: Member) -> None:
    """A TIN is only useful with the country that issued it (the AGI writes FK252 with FK076)."""
    if bool(member.tax_identification_number) != bool(member.tax_identification_country):
        raise RuleViolation(
            "tax_identification_number and tax_identification_country are given together",
            code="tax_identification_incomplete",
            field="tax_identification_country",
        )


def _check_tin_format(tin: str | None) -> None:
    """The TIN is kept for the AGI alone (FK252, with FK076), which Skatteverket refuses whole when the TIN
    is outside its format (``core.agi_formats.TIN``): a TIN it cannot take is refused where it is typed. A
    record with such a TIN from before is named by the AGI export instead."""
    if tin and not agi_formats.TIN.accepts(tin):
        raise RuleViolation(
            "tax_identification_number: Skatteverket's employer declaration (AGI, FK252) takes "
            + agi_formats.TIN.requirement,
            code="agi_tin_format",
            field="tax_identification_number",
        )


def update_member(
    session: Session, *, member: Member, update: MemberUpdate, actor: User, now: datetime
) -> MemberChange:
    """Change a member's record. A change of identity (name, personnummer) or bank account is an audit event
    with the old and new values masked; a new bank account waits for a second person's confirmation. The
    record of a member purged after the retention period is not changed any more: it identifies nobody, and
    a person who joins again is a new member (docs/personal-data.md)."""
    if not policy.may_act_on(actor, owner_user_id=member.user_id):
        # The auditor reads every record (``get_member``) and changes none.
        raise PermissionDenied(
            "only the treasurer, an admin or the member herself can change a member's record"
        )
    if member.purged_at is not None:
        raise Conflict(
            f"member {member.id}'s personal data was erased after the retention period on "
            f"{swedish_day(member.purged_at)}; the record is not changed any more (a person "
            "who joins again is registered as a new member)",
            code="member_purged",
        )
    check_version(member, update.version, what=f"member {member.id}")
    changes = update.model_dump(exclude_unset=True, exclude={"version"})
    if not policy.acts_for_everyone(actor):
        refused = sorted(set(changes) - MEMBER_CONTACT_FIELDS)
        if refused:
            raise PermissionDenied(
                "members may change only their contact fields; "
                f"ask the treasurer to change {', '.join(refused)}"
            )
    for field in MEMBER_REQUIRED_FIELDS & set(changes):
        if changes[field] is None:
            raise RuleViolation(f"{field} cannot be empty", field=field)
    # In a savepoint from the first change on, so that a personnummer another request registered at the
    # same moment is refused as a 409 the form can show (``unique_rows``).
    with unique_rows(session, DUPLICATE_PERSON, "personal_identity_number"):
        change = _apply_changes(session, member, changes, actor=actor, now=now)
        member.version += 1
    return change


def _apply_changes(
    session: Session, member: Member, changes: dict[str, Any], *, actor: User, now: datetime
) -> MemberChange:
    """Write the allowed, checked changes to the record; what the caller must tell is in the answer."""
    identity_before = _identity(member)
    if "personal_identity_number" in changes:
        identity = validated(
            "personal_identity_number",
            ids.parse_personal_identity,
            changes.pop("personal_identity_number"),
        )
        if identity.number != member.personal_identity_number:
            _refuse_duplicate_person(session, identity.number)
        member.personal_identity_number = identity.number
        member.birth_date = identity.birth_date
        member.is_coordination_number = identity.is_coordination_number
    bank_account_changed = False
    if {"bank_clearing_number", "bank_account_number", "bank_iban"} & set(changes):
        bank_account_changed = change_bank_account(
            session,
            member,
            changes.pop("bank_clearing_number", member.bank_clearing_number),
            changes.pop("bank_account_number", member.bank_account_number),
            changes.pop("bank_iban", member.bank_iban),
            actor=actor,
            now=now,
        )
    if "user_id" in changes:
        _change_login(session, member, changes.pop("user_id"), actor=actor, now=now)
    for field, value in changes.items():
        setattr(member, field, value.strip() if isinstance(value, str) else value)
    if {"postal_code", "country"} & set(changes):
        member.postal_code = postal_code_for(member.country, member.postal_code)
    _check_membership_dates(member)
    _check_tax_identification(member)
    if "tax_identification_number" in changes:
        _check_tin_format(member.tax_identification_number)
    identity_fields = _record_identity_change(session, member, identity_before, actor=actor, now=now)
    return MemberChange(
        member=member, identity_fields=identity_fields, bank_account_changed=bank_account_changed
    )


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
        query = query.where(or_(contains_text(Member.first_name, q), contains_text(Member.last_name, q)))
    if current_on is not None:
        query = query.where(Member.current_on(current_on))
    order = [Member.last_name, Member.first_name]
    return fetch_page(session, query, limit=limit, offset=offset, order=order, tiebreak=Member.id)


def _refuse_duplicate_person(session: Session, number: str) -> None:
    index = blind_index(number, context=PERSONAL_IDENTITY_INDEX)
    if session.scalar(select(Member.id).where(Member.personal_identity_number_index == index)) is not None:
        raise Conflict(
            "a member with this personnummer already exists",
            code="duplicate_personal_identity_number",
            field="personal_identity_number",
        )


def _change_login(
    session: Session, member: Member, user_id: int | None, *, actor: User, now: datetime
) -> None:
    """Link ``member`` to another login (or to none), audited: the member's login is who may confirm a change
    of her bank account as "the member herself" (``bank_accounts.confirm_bank_account``)."""
    if user_id == member.user_id:
        return
    if user_id is not None and member.has_pending_bank_account:
        # Linked now, the new login could confirm as "the member" an account the same person entered: one
        # person alone would redirect the salary. The login that confirms is the one the change found.
        raise Conflict(
            f"member {member.id} has a change of bank account waiting for confirmation; her login cannot be "
            "changed until the change is confirmed or withdrawn",
            code="bank_account_pending",
            field="user_id",
        )
    append_event(
        session,
        kind="member_login_changed",
        payload={
            "member_id": member.id,
            "changed_by_user_id": actor.id,
            "old_user_id": member.user_id,
            "new_user_id": user_id,
        },
        now=now,
    )
    if user_id is None:
        member.user_id = None
    else:
        _link_user(session, member, user_id)


def _link_user(session: Session, member: Member, user_id: int) -> None:
    if session.get(User, user_id) is None:
        raise RuleViolation(f"user {user_id} does not exist", code="unknown_user", field="user_id")
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
        raise RuleViolation("left_on cannot be before joined_on", code="left_before_joined", field="left_on")
    _refuse_birth_after_joining(member.birth_date, member.joined_on)


def _refuse_birth_after_joining(birth_date: date | None, joined_on: date) -> None:
    # A personnummer of a date still to come passes every check of its digits; nobody joins before birth,
    # and the employer contribution rates would be chosen by a birth year ahead.
    if birth_date is not None and birth_date > joined_on:
        raise RuleViolation(
            f"the personnummer gives a date of birth ({birth_date}) after the day of joining ({joined_on})",
            code="born_after_joining",
            field="personal_identity_number",
        )
