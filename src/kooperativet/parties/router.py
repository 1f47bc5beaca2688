from __future__ import annotations

from fastapi import APIRouter, status

from kooperativet.api.dependencies import DbSession, Now, Window
from kooperativet.api.problems import problem_responses
from kooperativet.api.types import IsoDate, Page
from kooperativet.auth import policy
from kooperativet.auth.dependencies import AdminUser, CurrentUser, TreasurerOrAdmin
from kooperativet.parties import service
from kooperativet.parties.schemas import (
    BankAccountConfirmation,
    ClientCreate,
    ClientRead,
    ClientUpdate,
    CooperativeRead,
    CooperativeUpdate,
    MemberCreate,
    MemberListItem,
    MemberRead,
    MemberUpdate,
    TaxSettingCreate,
    TaxSettingRead,
)

router = APIRouter(prefix="/api/v1")


@router.get("/cooperative", tags=["cooperative"], responses=problem_responses(401, 404))
def get_cooperative(_user: CurrentUser, session: DbSession) -> CooperativeRead:
    """The cooperative's identity: name, organisation and VAT number, F-skatt, address, bank details."""
    return CooperativeRead.model_validate(service.get_cooperative(session))


@router.patch("/cooperative", tags=["cooperative"], responses=problem_responses(401, 403, 404, 409, 422))
def update_cooperative(
    body: CooperativeUpdate, admin: AdminUser, session: DbSession, clock: Now
) -> CooperativeRead:
    """Change the cooperative's identity (admin). Send the ``version`` you read. The fields changed are
    recorded in the audit log (``cooperative_changed``: who, old and new values)."""
    return CooperativeRead.model_validate(
        service.update_cooperative(session, update=body, actor=admin, now=clock)
    )


@router.get("/members", tags=["members"], responses=problem_responses(401, 422))
def list_members(
    user: CurrentUser,
    session: DbSession,
    window: Window,
    q: str | None = None,
    current_on: IsoDate | None = None,
) -> Page[MemberListItem]:
    """Members with personnummer and bank account masked. A member sees only their own record."""
    rows, total = service.list_members(
        session,
        limit=window.limit,
        offset=window.offset,
        q=q,
        current_on=current_on,
        user_id=None if policy.sees_every_member(user) else user.id,
    )
    return window.page([MemberListItem.from_model(m) for m in rows], total)


@router.post(
    "/members",
    tags=["members"],
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 409, 422),
)
def create_member(body: MemberCreate, _user: TreasurerOrAdmin, session: DbSession) -> MemberRead:
    """Register a member's personal record (treasurer or admin). Tax is flat 30 % unless given."""
    return MemberRead.model_validate(service.create_member(session, data=body))


@router.get("/members/me", tags=["members"], responses=problem_responses(401, 404))
def get_own_member(user: CurrentUser, session: DbSession) -> MemberRead:
    """Your own member record."""
    return MemberRead.model_validate(service.get_own_member(session, actor=user))


@router.get("/members/{member_id}", tags=["members"], responses=problem_responses(401, 404))
def get_member(member_id: int, user: CurrentUser, session: DbSession) -> MemberRead:
    """A member's full record: the treasurer and admin see anyone's, a member only their own. The auditor
    reads anyone's with the personnummer and the account numbers masked, as in the list."""
    member = service.get_member(session, member_id=member_id, actor=user)
    record = MemberRead.model_validate(member)
    return record if policy.may_act_on(user, owner_user_id=member.user_id) else record.masked()


@router.patch("/members/{member_id}", tags=["members"], responses=problem_responses(401, 403, 404, 409, 422))
def update_member(
    member_id: int,
    body: MemberUpdate,
    user: CurrentUser,
    session: DbSession,
    clock: Now,
) -> MemberRead:
    """Change a member's record. A member may change only their own contact fields.

    A new bank account, or the removal of the account, takes effect only after another treasurer or admin,
    or the member, confirms it (``POST …/bank-account/confirm``); going back to the confirmed account needs
    no confirmation. A change of name, personnummer or bank account is recorded in the audit
    log and e-mailed to the member (a notice she cannot turn off), queued with the change."""
    member = service.get_member(session, member_id=member_id, actor=user)
    change = service.update_member(session, member=member, update=body, actor=user, now=clock)
    service.queue_change_notice(session, change)
    return MemberRead.model_validate(change.member)


@router.post(
    "/members/{member_id}/bank-account/confirm",
    tags=["members"],
    responses=problem_responses(401, 403, 404, 409, 422),
)
def confirm_bank_account(
    member_id: int,
    user: CurrentUser,
    session: DbSession,
    clock: Now,
    body: BankAccountConfirmation | None = None,
) -> MemberRead:
    """Confirm the waiting change of a member's bank account, so salary is paid to the new account (or, for
    a removal, to none): another treasurer or admin than the one who entered it, or the member herself.
    Send the member's ``version`` you read with the change: a change entered since is refused (409
    ``version_conflict``), never confirmed unseen. Without a body (clients from before the version) the
    change waiting now is confirmed; the web's form always sends the version."""
    member = service.get_member(session, member_id=member_id, actor=user)
    return MemberRead.model_validate(
        service.confirm_bank_account(
            session, member=member, version=body.version if body else None, actor=user, now=clock
        )
    )


@router.get("/members/{member_id}/tax-settings", tags=["members"], responses=problem_responses(401, 404))
def list_tax_settings(member_id: int, user: CurrentUser, session: DbSession) -> list[TaxSettingRead]:
    """A member's dated tax settings, oldest first."""
    member = service.get_member(session, member_id=member_id, actor=user)
    return [TaxSettingRead.model_validate(s) for s in member.tax_settings]


@router.post(
    "/members/{member_id}/tax-settings",
    tags=["members"],
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def add_tax_setting(
    member_id: int, body: TaxSettingCreate, user: TreasurerOrAdmin, session: DbSession, clock: Now
) -> TaxSettingRead:
    """Add a tax setting valid from a date (treasurer or admin); earlier settings stay as history. The
    audit log records who added it (``member_tax_setting_added``)."""
    member = service.get_member(session, member_id=member_id, actor=user)
    setting = service.add_tax_setting(session, member=member, data=body, actor=user, now=clock)
    return TaxSettingRead.model_validate(setting)


@router.post(
    "/clients",
    tags=["clients"],
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 409, 422),
)
def create_client(body: ClientCreate, _user: TreasurerOrAdmin, session: DbSession) -> ClientRead:
    """Register a client (treasurer or admin)."""
    return ClientRead.model_validate(service.create_client(session, data=body))


@router.patch("/clients/{client_id}", tags=["clients"], responses=problem_responses(401, 403, 404, 409, 422))
def update_client(
    client_id: int, body: ClientUpdate, _user: TreasurerOrAdmin, session: DbSession
) -> ClientRead:
    """Change a client (treasurer or admin). Send the ``version`` you read."""
    client = service.get_client(session, client_id=client_id, worked_for=None)
    return ClientRead.model_validate(service.update_client(session, client=client, update=body))
