"""What a page says after an action of the office it shows the result of: "the payment is recorded".

An action answers with 303 to the page that shows its result (post/redirect/get, so that a reload sends
nothing again), and the status badge there may be the only thing that changed: the treasurer at month end
should not have to look for it. The handler sends the browser on with ``?done=<key>`` (``done(url, key)``)
and ``base.html`` says the fixed sentence for that key above the page, in a ``role="status"`` box that a
screen reader reads out. Only a key travels, never text: an address someone makes up shows one of these
sentences or nothing, so it cannot put words of its own on the cooperative's pages. Nothing is stored (no
session, no cookie): the sentence is part of that one address, and the form-once record (``web.once``)
sends a repeated form to the same address, so it says the same. An address from before a page said its
sentence by a key (a bookmarked ``?saved=1``) still opens the page, only without the sentence.
"""

from __future__ import annotations

from typing import Final

from starlette.requests import Request

from kooperativet.web.i18n import N_

#: The query parameter that carries the key, and the id of the box that says its sentence (``base.html``).
PARAMETER: Final = "done"
BOX_ID: Final = "done"

DONE: Final = {
    # Inbox
    "approved": N_("The commission is approved: the member is employed for the period."),
    "rejected": N_("The commission is rejected. The member reads why."),
    # Invoices and payments
    "invoice_issued": N_("The invoice is issued."),
    "credit_note_issued": N_("The credit note is issued."),
    "invoice_sent": N_("The invoice is on its way to the client by e-mail."),
    "reminders_stopped": N_("No more payment reminders are made for this invoice."),
    "reminders_resumed": N_("Payment reminders are made again for this invoice."),
    "payment_recorded": N_("The payment is recorded."),
    "entry_assigned": N_("The bank entry is recorded as a payment of the invoice."),
    "entry_not_ours": N_("The bank entry is marked as not ours."),
    # Payroll
    "run_created": N_("The draft run is created. Check the payslips before it is approved."),
    "run_recalculated": N_("The draft run is calculated again."),
    "run_approved": N_("The run is approved: the payslips are issued with their numbers."),
    "run_paid": N_("The run is marked paid."),
    "run_discarded": N_("The draft run is discarded."),
    "correction_added": N_("The correction is added to the run."),
    # E-mail
    "mail_sent_again": N_("The e-mail is queued to be sent again."),
    # Members
    "member_registered": N_("The member is registered."),
    "member_invited": N_(
        # Queued for the mail worker, as "mail_sent_again": not yet sent when no mail server answers.
        "The member is registered. An invitation is queued to be e-mailed to her: she chooses her password "
        "with the link in it."
    ),
    "member_given_password": N_(
        "The member is registered. She signs in with her e-mail and the initial password."
    ),
    "member_given_login": N_("The member is registered. She signs in with the login linked to her record."),
    "member_saved": N_("The changes are saved."),
    "tax_setting_added": N_("The tax setting is added; payslips paid from its first day follow it."),
    "account_confirmed": N_("The bank account is confirmed; salary is paid to it from now on."),
    "account_removal_confirmed": N_(
        "The removal is confirmed: the member has no bank account for salary until a new one is entered and "
        "confirmed."
    ),
    # Dated parameters
    "parameter_value_added": N_("The value is added."),
    # Meetings: said in her motion's card, where the meeting page opens (``web.pages.meetings``)
    "motion_submitted": N_("Your motion is submitted. The board gives its opinion on it before the meeting."),
    # Guides and routines
    "article_saved": N_("The article is saved."),
    # Administration
    "user_created": N_("The user is created."),
    "user_saved": N_("The changes are saved."),
    "cooperative_saved": N_("The cooperative's details are saved."),
}


def done(url: str, key: str) -> str:
    """``url`` with ``done=key`` in its query. A fragment that would open the page at the section acted on
    (``#reminders``, far down an invoice) becomes ``#done``, the sentence's box: opened further down, the page
    would leave above the screen the one line that says what was done."""
    if key not in DONE:
        raise KeyError(f"no sentence says {key!r}")  # a key without words would show nothing
    path, hash_mark, _ = url.partition("#")
    joiner = "&" if "?" in path else "?"
    return f"{path}{joiner}{PARAMETER}={key}{hash_mark and '#' + BOX_ID}"


def said(request: Request) -> str | None:
    """The message id of the sentence the address asks for, or None (no key, or one nobody wrote)."""
    return DONE.get(request.query_params.get(PARAMETER, ""))
