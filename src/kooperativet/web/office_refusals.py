"""The office's refusals in words: a service's error code said as a sentence a person understands.

The services' details are English and often name ids (``payroll run 7 is approved and locked``); on a page the
stable ``code`` picks the sentence, so a refusal reads the same in Swedish and English whatever the ids. A
code not listed falls back to the detail through the catalog (``web.domain_messages``).
"""

from __future__ import annotations

from starlette.requests import Request

from kooperativet.errors import DomainError
from kooperativet.web.forms import domain_errors
from kooperativet.web.i18n import N_
from kooperativet.web.templating import gettext

BY_CODE = {
    "job_not_failed": N_(
        "That work has not stopped: it is done, or still being tried. Nothing was sent again."
    ),
    "own_work": N_(
        "You cannot decide on your own pay: nobody decides money on their own work, so another treasurer or "
        "an admin must do it."
    ),
    "nothing_ready": N_(
        "No payout is ready for a run on that pay date: no assignment has work that is paid (or invoiced) "
        "and not yet on a payslip."
    ),
    "draft_changed": N_(
        "Something the run was calculated from has changed since. Recalculate it and review it again."
    ),
    "run_locked": N_("The run is approved and locked. Correct a payslip with a correction in a later run."),
    "run_not_approved": N_("The run is not approved yet; approve it first."),
    "member_without_bank_account": N_(
        "The run cannot be approved: salary cannot be paid to every member. See the warnings by the payslips."
    ),
    "missing_tax_table": N_(
        "A member is taxed by table, and the tax table for that year is not imported. An admin imports it."
    ),
    "missing_tax_setting": N_("A member has no tax setting in force on the pay date."),
    "missing_parameter": N_("A parameter has no value in force on that date; an admin must add one."),
    "nothing_to_export": N_("There is nothing left to export for that choice."),
    "already_exported": N_("The salary file of this run is already exported; download that batch again."),
    "cooperative_incomplete": N_(
        "The cooperative's details are incomplete for this file (organisation number, contact, bank "
        "account); an admin fills them in."
    ),
    "nothing_to_confirm": N_("There is no bank account waiting for confirmation."),
    "invalid_parameter_value": N_("This is not a valid value for this parameter; see the hint."),
    "overlapping_valid_from": N_("There is already a value valid from that date; choose another date."),
    "version_conflict": N_("Someone else changed this in the meantime. Reload the page and try again."),
    "duplicate_personal_identity_number": N_("A member with this personnummer already exists."),
}

BANK_ACCOUNT_ENTERED_BY_YOU = N_(
    "You entered this bank account; another treasurer or an admin, or the member, must confirm it."
)


def refusal_text(request: Request, exc: DomainError) -> str:
    if exc.code in BY_CODE:
        return gettext(request, BY_CODE[exc.code])
    if exc.detail.startswith("you entered this bank account"):
        return gettext(request, BANK_ACCOUNT_ENTERED_BY_YOU)
    return gettext(request, exc.detail)


def refusal_errors(request: Request, exc: DomainError) -> dict[str, str]:
    """By the refusal's field when it names one (as ``forms.domain_errors``), in the office's words."""
    field = next(iter(domain_errors(request, exc)))
    return {field: refusal_text(request, exc)}
