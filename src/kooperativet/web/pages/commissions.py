"""A member's commissions (uppdrag): her list, the form to register or change a draft, the detail with its
invoices and payments, handing a draft in, and the receipts and invoice PDFs behind them.

Every change goes through the services the API's commission workflow calls (``workflows/commission_router``,
``assignments/router``), with the signed-in user as the actor, so the same rules and the same 404 for what is
someone else's hold here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from typing import Annotated, Final

from fastapi import APIRouter, Depends, Form, Query, Request, UploadFile
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile as StarletteUpload
from starlette.responses import RedirectResponse, Response

from kooperativet.api.body_limit import megabytes
from kooperativet.api.dependencies import DbSession, Now, Today, Window
from kooperativet.assignments import rules
from kooperativet.assignments import service as assignments_service
from kooperativet.assignments.models import Assignment, Expense
from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.assignments.schemas import AssignmentCreate, AssignmentUpdate, ExpenseCreate
from kooperativet.auth.models import Role, User
from kooperativet.errors import DomainError, NotFound
from kooperativet.parties import service as parties_service
from kooperativet.web import commission_form as cf
from kooperativet.web import commission_refusals as refusals
from kooperativet.web.dependencies import CheckedForm, require_web_roles
from kooperativet.web.forms import FormRejected, PageRoute, Posted, stored_integer
from kooperativet.web.i18n import N_, request_language, translations
from kooperativet.web.no_member import no_member_page
from kooperativet.web.reads import commissions as reads
from kooperativet.web.templating import render
from kooperativet.workflows.commission_read import read_assignment

router = APIRouter(include_in_schema=False, route_class=PageRoute)
NO_COMMISSIONS: Final = N_(
    "No member record is linked to your account, so you cannot register commissions. Ask the treasurer."
)
MemberUser = Annotated[User, Depends(require_web_roles(Role.member))]
#: The clients a member picks from: those she may see (organisations, and private persons she works for).
CLIENT_CHOICES = 100


@router.get("/commissions")
def commission_list(
    request: Request, user: MemberUser, session: DbSession, window: Window, today: Today
) -> Response:
    member = reads.member_of(session, user=user)
    rows: list[reads.CommissionRow] = []
    total = 0
    if member is not None:
        rows, total = reads.her_commissions(
            session, user=user, member=member, limit=window.limit, offset=window.offset, today=today
        )
    return render(
        request,
        "commissions/list.html",
        {
            "rows": rows,
            "total": total,
            "window": window,
            "today": today,
            "is_member": member is not None,
            **_words(),
        },
    )


@router.get("/commissions/new")
def new_commission(
    request: Request,
    user: MemberUser,
    session: DbSession,
    like: Annotated[int | None, Query(alias="from")] = None,
) -> Response:
    """An empty form; or, ``from`` one of her commissions (one rejected, which cannot be handed in again), the
    form filled in as that one was, to change and save as a new draft: not typed again on a phone. A login
    with no member record is told so, as her list of commissions tells her, not given a form to fill in
    that can only be refused."""
    if reads.member_of(session, user=user) is None:
        return no_member_page(request, title="Register a commission", message=NO_COMMISSIONS)
    if like is None:
        return _form_page(request, session, user=user, form=cf.empty_form(), errors={})
    earlier = her_assignment(session, assignment_id=like, user=user)
    form = cf.form_of(earlier, language=request_language(request))
    return _form_page(request, session, user=user, form=form, errors={}, filled_from=earlier)


@router.post("/commissions/new", dependencies=[CheckedForm])
def create_commission(request: Request, user: MemberUser, session: DbSession, posted: Posted) -> Response:
    form = cf.read_form(posted)
    if form.action != "save":
        return _form_page(request, session, user=user, form=_rearranged(form), errors={})
    form = cf.without_blank_rows(form)
    language = request_language(request)

    def rejected(errors: dict[str, str], status: int = 422) -> FormRejected:
        return _rejected(request, session, user=user, form=form, errors=errors, status=status)

    try:
        payload = cf.assignment_payload(form, language=language)
        payload["expenses"] = [cf.expense_payload(e, language=language) for e in form.expenses]
        data = AssignmentCreate.model_validate(payload)
    except ValidationError as exc:
        raise rejected(refusals.schema_errors(request, exc, form)) from exc
    if form.impossible_client:
        raise rejected(refusals.no_such_client(request))
    try:
        assignment = assignments_service.create_assignment(session, data=data, actor=user)
        new_expenses = list(assignment.expenses)
    except DomainError as exc:
        raise rejected(refusals.rule_errors(request, exc, form)) from exc
    _attach_receipts(
        request, session, user=user, expenses=new_expenses, form=form, assignment=assignment, refused=rejected
    )
    return RedirectResponse(f"/commissions/{assignment.id}", status_code=303)


@router.get("/commissions/{assignment_id}")
def commission_detail(
    request: Request, assignment_id: int, user: MemberUser, session: DbSession, today: Today
) -> Response:
    assignment = her_assignment(session, assignment_id=assignment_id, user=user)
    return _detail_page(request, session, assignment=assignment, today=today)


@router.get("/commissions/{assignment_id}/edit")
def edit_commission(request: Request, assignment_id: int, user: MemberUser, session: DbSession) -> Response:
    assignment = her_assignment(session, assignment_id=assignment_id, user=user)
    if assignment.status != AssignmentStatus.draft:
        return RedirectResponse(f"/commissions/{assignment.id}", status_code=303)
    form = cf.form_of(assignment, language=request_language(request))
    return _form_page(request, session, user=user, form=form, errors={}, assignment=assignment)


@router.post("/commissions/{assignment_id}/edit", dependencies=[CheckedForm])
def change_commission(
    request: Request, assignment_id: int, user: MemberUser, session: DbSession, posted: Posted, today: Today
) -> Response:
    assignment = her_assignment(session, assignment_id=assignment_id, user=user)
    form = cf.read_form(posted)
    if form.action != "save":
        return _form_page(
            request, session, user=user, form=_rearranged(form), errors={}, assignment=assignment
        )
    form = cf.without_blank_rows(form)
    language = request_language(request)
    kept = list(assignment.expenses)

    def rejected(errors: dict[str, str], status: int = 422) -> FormRejected:
        return _rejected(
            request,
            session,
            user=user,
            form=form,
            errors=errors,
            status=status,
            assignment=assignment,
            kept=kept,
        )

    try:
        payload = cf.assignment_payload(form, language=language)
        payload.pop(
            "client", None
        )  # a draft changes to one of her clients; a new client comes with a new draft
        update = AssignmentUpdate.model_validate({**payload, "version": form.values.get("version", "")})
        expenses = [
            ExpenseCreate.model_validate(cf.expense_payload(expense, language=language))
            for expense in form.expenses
        ]
    except ValidationError as exc:
        raise rejected(refusals.schema_errors(request, exc, form)) from exc
    if form.impossible_client:
        raise rejected(refusals.no_such_client(request))
    try:
        assignments_service.update_assignment(session, assignment=assignment, update=update, actor=user)
    except DomainError as exc:
        if exc.code == "not_a_draft":
            raise _no_longer_a_draft(request, session, assignment=assignment, today=today, exc=exc) from exc
        raise rejected(refusals.rule_errors(request, exc, form), status=_status(exc)) from exc
    added = []
    for index, expense in enumerate(expenses):
        try:
            added.append(
                assignments_service.add_expense(session, assignment=assignment, data=expense, actor=user)
            )
        except DomainError as exc:
            raise rejected(refusals.rule_errors(request, exc, form, prefix=f"expenses.{index}.")) from exc
    _attach_receipts(
        request, session, user=user, expenses=added, form=form, assignment=assignment, refused=rejected
    )
    _attach_saved_receipts(
        request, session, user=user, kept=kept, form=form, assignment=assignment, refused=rejected
    )
    # Last, once nothing more can send the form back: a page sent back still shows these as marked. An
    # expense already removed (from another window) is gone as she wanted, and another's id names nothing.
    for saved in kept:
        if saved.id in form.removed:
            assignments_service.remove_expense(
                session, assignment=assignment, expense_id=saved.id, actor=user
            )
    return RedirectResponse(f"/commissions/{assignment.id}", status_code=303)


@router.post("/commissions/{assignment_id}/submit", dependencies=[CheckedForm])
def submit_commission(
    request: Request,
    assignment_id: int,
    user: MemberUser,
    session: DbSession,
    now: Now,
    today: Today,
    version: Annotated[int, Form()] = 0,
) -> Response:
    assignment = her_assignment(session, assignment_id=assignment_id, user=user)
    try:
        assignments_service.submit_assignment(
            session, assignment=assignment, version=version, actor=user, now=now
        )
    except DomainError as exc:
        message = refusals.hand_in_message(request, exc)
        page = _detail_page(request, session, assignment=assignment, today=today, error=message)
        page.status_code = _status(exc)
        raise FormRejected(page) from exc
    return RedirectResponse(f"/commissions/{assignment.id}?submitted=1", status_code=303)


# The edit form marks a saved expense and removes it with the draft's save (``remove_saved``); this address
# stays for a page rendered before, whose button sent only the removal.
@router.post("/commissions/{assignment_id}/expenses/{expense_id}/remove", dependencies=[CheckedForm])
def remove_expense(assignment_id: int, expense_id: int, user: MemberUser, session: DbSession) -> Response:
    assignment = her_assignment(session, assignment_id=assignment_id, user=user)
    assignments_service.remove_expense(session, assignment=assignment, expense_id=expense_id, actor=user)
    return RedirectResponse(f"/commissions/{assignment.id}/edit", status_code=303)


# The edit form takes a saved expense's receipt as one of its fields and attaches it with the draft's save
# (``_attach_saved_receipts``); this address stays for a page rendered before, whose form sent only the file.
@router.post("/commissions/{assignment_id}/expenses/{expense_id}/receipt", dependencies=[CheckedForm])
def replace_receipt(
    request: Request,
    assignment_id: int,
    expense_id: int,
    user: MemberUser,
    session: DbSession,
    today: Today,
    receipt: UploadFile | None = None,
) -> Response:
    """A receipt for an expense already on the draft (replacing an earlier one), as the API's upload."""
    assignment = her_assignment(session, assignment_id=assignment_id, user=user)
    content = receipt.file.read(rules.MAX_RECEIPT_BYTES + 1) if receipt is not None else b""
    try:
        assignments_service.attach_receipt(
            session,
            assignment=assignment,
            expense_id=expense_id,
            filename=(receipt.filename if receipt is not None else None) or "receipt",
            content=content,
            actor=user,
        )
    except DomainError as exc:
        if exc.status == 404:  # not an expense of her draft: a 404 page, as for the draft itself
            raise
        if exc.code == "not_a_draft":
            raise _no_longer_a_draft(request, session, assignment=assignment, today=today, exc=exc) from exc
        form = cf.form_of(assignment, language=request_language(request))
        errors = {cf.saved_receipt_field(expense_id): refusals.rule_message(request, exc, "file")}
        raise _rejected(request, session, user=user, form=form, errors=errors, assignment=assignment) from exc
    return RedirectResponse(f"/commissions/{assignment.id}/edit", status_code=303)


def her_assignment(session: Session, *, assignment_id: int, user: User) -> Assignment:
    """Her own commission. The service answers 404 for another member's; the office reads everyone's through
    its own pages, so on the member's pages another member's commission is 404 for the office too."""
    assignment = assignments_service.get_assignment(session, assignment_id=assignment_id, actor=user)
    if assignment.member.user_id != user.id:
        raise NotFound(f"assignment {assignment_id} does not exist")
    return assignment


def _attach_receipts(
    request: Request,
    session: Session,
    *,
    user: User,
    expenses: Sequence[Expense],
    form: cf.CommissionForm,
    assignment: Assignment,
    refused: Callable[[dict[str, str]], FormRejected],
) -> None:
    """Each new expense's receipt, stored by the same service as the API's upload. A refused file sends the
    whole form back, and the request's transaction rolls back the commission with it."""
    for index, (expense, receipt) in enumerate(zip(expenses, form.receipts, strict=True)):
        if receipt is None:
            continue
        try:
            _store_receipt(session, user=user, assignment=assignment, expense=expense, receipt=receipt)
        except DomainError as exc:
            raise refused(refusals.rule_errors(request, exc, form, prefix=f"expenses.{index}.")) from exc


def _attach_saved_receipts(
    request: Request,
    session: Session,
    *,
    user: User,
    kept: Sequence[Expense],
    form: cf.CommissionForm,
    assignment: Assignment,
    refused: Callable[[dict[str, str]], FormRejected],
) -> None:
    """The receipts she chose for expenses saved before, each replacing an earlier one. A refused file sends
    the whole form back with its message by that expense, and the request's transaction rolls back the rest
    of the save with it, as for a new expense's receipt. An expense marked to be removed takes no receipt;
    one gone meanwhile (removed from another window) or another's id names nothing."""
    for expense in kept:
        receipt = form.saved_receipts.get(expense.id)
        if receipt is None or expense.id in form.removed:
            continue
        try:
            _store_receipt(session, user=user, assignment=assignment, expense=expense, receipt=receipt)
        except DomainError as exc:
            message = refusals.rule_message(request, exc, "file")
            raise refused({cf.saved_receipt_field(expense.id): message}) from exc


def _store_receipt(
    session: Session, *, user: User, assignment: Assignment, expense: Expense, receipt: StarletteUpload
) -> None:
    """A chosen file as the expense's receipt, by the same service as the API's upload. Read to one byte
    past the limit, so that the service says it is too large without the whole of a larger file in memory."""
    assignments_service.attach_receipt(
        session,
        assignment=assignment,
        expense_id=expense.id,
        filename=receipt.filename or "receipt",
        content=receipt.file.read(rules.MAX_RECEIPT_BYTES + 1),
        actor=user,
    )


def _no_longer_a_draft(
    request: Request, session: Session, *, assignment: Assignment, today: date, exc: DomainError
) -> FormRejected:
    """A change sent from an edit page read while it was a draft, handed in since (in another window): its
    page as it is now, saying why nothing was changed, not the draft's form again with a button that can
    never save it."""
    message = refusals.rule_message(request, exc, "form")
    page = _detail_page(request, session, assignment=assignment, today=today, error=message)
    page.status_code = 409
    return FormRejected(page)


def _status(exc: DomainError) -> int:
    """A stale version is a conflict (409); any other refusal of a form is 422."""
    return 409 if exc.code == "version_conflict" else 422


def _row(which: str, count: int) -> int | None:
    """The row of ``count`` a remove button names, or None for a number no row has (a tampered button:
    ``²``, or more digits than ``int`` reads)."""
    number = stored_integer(which)
    return number if number is not None and number < count else None


def _rearranged(form: cf.CommissionForm) -> cf.CommissionForm:
    """Add or remove a line or an expense row; nothing is saved."""
    action, _, which = form.action.partition(":")
    if action == "add_line":
        form.lines.append(cf.blank_line())
    elif action == "add_expense":
        form.expenses.append(cf.blank_expense())
        form.receipts.append(None)
    elif action == "remove_line" and (line := _row(which, len(form.lines))) is not None:
        del form.lines[line]
    elif action == "remove_expense" and (expense := _row(which, len(form.expenses))) is not None:
        del form.expenses[expense]
        del form.receipts[expense]
    elif action == "remove_saved" and (saved := stored_integer(which)) is not None:
        # A saved expense is only marked here: removed when the draft is saved, so that a tap by mistake
        # costs nothing and what she typed in the rest of the form is saved with it.
        if saved not in form.removed:
            form.removed.append(saved)
    elif action == "keep_saved" and (saved := stored_integer(which)) is not None:
        form.removed = [expense_id for expense_id in form.removed if expense_id != saved]
    if not form.lines:
        form.lines.append(cf.blank_line())
    return form


def _rejected(
    request: Request,
    session: Session,
    *,
    user: User,
    form: cf.CommissionForm,
    errors: dict[str, str],
    status: int = 422,
    assignment: Assignment | None = None,
    kept: Sequence[Expense] | None = None,
) -> FormRejected:
    if not form.lines:
        form.lines.append(cf.blank_line())
    page = _form_page(
        request, session, user=user, form=form, errors=errors, assignment=assignment, kept=kept, status=status
    )
    return FormRejected(page)


def _form_page(
    request: Request,
    session: Session,
    *,
    user: User,
    form: cf.CommissionForm,
    errors: dict[str, str],
    assignment: Assignment | None = None,
    kept: Sequence[Expense] | None = None,
    status: int = 200,
    filled_from: Assignment | None = None,
) -> Response:
    clients, _ = parties_service.list_clients(
        session,
        worked_for=assignments_service.clients_worked_for(actor=user),
        limit=CLIENT_CHOICES,
        offset=0,
    )
    # The version the person read travels in the form; a page that comes back keeps the one she sent.
    version = form.values.get("version") or (str(assignment.version) if assignment is not None else "")
    request_limit: int = request.app.state.settings.max_request_bytes
    return render(
        request,
        "commissions/form.html",
        {
            "form": form,
            "values": form.values,
            "errors": errors,
            "clients": clients,
            "assignment": assignment,
            "kept_expenses": list(kept if kept is not None else assignment.expenses if assignment else []),
            "version": version,
            "action": f"/commissions/{assignment.id}/edit" if assignment is not None else "/commissions/new",
            # Any page that comes back, refused or rearranged (a line removed), has lost the chosen files.
            "lost_receipts": form.chose_files,
            "receipt_types": cf.RECEIPT_TYPES,
            # What app.js weighs the chosen files against before the form is sent: a receipt's own limit and
            # the server's for the whole request (KOOPERATIVET_MAX_REQUEST_BYTES), the latter in MB as the
            # page's language writes it, cut off, never rounded up.
            "receipt_max_bytes": rules.MAX_RECEIPT_BYTES,
            "request_max_bytes": request_limit,
            "request_max_size": megabytes(request_limit, "," if request_language(request) == "sv" else "."),
            "removed_field": cf.REMOVED,
            "saved_receipt_field": cf.saved_receipt_field,
            "new_client": cf.NEW_CLIENT,
            "filled_from": filled_from,
            **_words(),
        },
        status=status,
    )


def _detail_page(
    request: Request, session: Session, *, assignment: Assignment, today: date, error: str = ""
) -> Response:
    money = reads.money_of(session, assignment_ids=[assignment.id])[assignment.id]
    return render(
        request,
        "commissions/detail.html",
        {
            "assignment": assignment,
            "read": read_assignment(session, assignment),
            "line_amounts": [line.amount for line in assignments_service.fee_lines(assignment)],
            "stage": reads.stage(assignment, money, today=today),
            "money": money,
            "expense_invoices": reads.expense_invoices(session, assignment_id=assignment.id),
            "today": today,
            "error": error,
            "submitted": request.query_params.get("submitted") == "1",
            "unit_word": partial(cf.unit_word, translations(request_language(request))),
            **_words(),
        },
    )


def _words() -> dict[str, object]:
    """The tables that turn codes into words, for every commission template."""
    return {
        "units": cf.UNITS,
        "unit_words": dict(cf.UNITS),
        "extent_units": cf.EXTENT_UNITS,
        "extent_words": dict(cf.EXTENT_UNITS),
        "vat_choices": cf.VAT_CHOICES,
        "vat_choice": cf.vat_choice,
        "warning_words": reads.WARNINGS,
        "invoice_state": reads.invoice_state,
    }
