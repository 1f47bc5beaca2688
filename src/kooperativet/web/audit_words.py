"""The words the log page uses for the audit chain's keys: each kind of entry and each field of a payload.

Each value is an English message id; the template translates it. Every kind the services append has a label
(``tests/web/test_office_audit.py`` reads the sources and fails for one without); a kind or a field without a
label is shown as its key in a code tag, never as an error: the log holds every entry ever written.
"""

from __future__ import annotations

from typing import Final

from kooperativet.audit.service import SEAL_KIND
from kooperativet.web.i18n import N_
from kooperativet.web.meeting_words import CHOICES, MEETING_KINDS, OUTCOMES, ROLES, VOTE_METHODS

KINDS: Final = {
    SEAL_KIND: N_("Audit chain keyed"),
    "account_invited": N_("Account invited"),
    "agenda_item_decided": N_("Agenda item decided without a vote"),
    "agenda_item_taken_up": N_("Agenda item taken up"),
    "bank_entry_assigned": N_("Bank entry matched to an invoice"),
    "bank_entry_not_ours": N_("Bank entry marked as not ours"),
    "cooperative_changed": N_("Cooperative's details changed"),
    "credit_note_issued": N_("Credit note issued"),
    "document_rendered": N_("Document's PDF stored"),
    "export_created": N_("Export file made"),
    "export_files_erased_after_retention": N_("Export files erased after the retention period"),
    "invoice_issued": N_("Invoice issued"),
    "invoice_sent": N_("Invoice sent"),
    "job_retried": N_("Background job tried again"),
    "login_changed": N_("Login changed"),
    "login_created": N_("Login created"),
    "meeting_closed": N_("Meeting closed"),
    "meeting_opened": N_("Meeting opened"),
    "meeting_time_changed": N_("Meeting's start time changed"),
    "member_bank_account_changed": N_("Member's bank account changed"),
    "member_bank_account_confirmed": N_("Member's bank account confirmed"),
    "member_identity_changed": N_("Member's identity changed"),
    "member_login_changed": N_("Member's login changed"),
    "member_pseudonymised": N_("Member pseudonymised"),
    "member_tax_setting_added": N_("Member's tax setting added"),
    "member_purged_after_retention": N_("Member's data erased after the retention period"),
    "minutes_approvals_withdrawn": N_("Approvals of the minutes withdrawn"),
    "minutes_approved": N_("Minutes approved by an adjuster"),
    "minutes_locked": N_("Minutes locked"),
    "parameter_value_added": N_("Parameter value added"),
    "password_set_by_link": N_("Password set by link"),
    "payment_recorded": N_("Payment recorded"),
    "payroll_run_approved": N_("Payroll run approved"),
    "payroll_run_paid": N_("Payroll run marked paid"),
    "reminders_made": N_("Reminders made"),
    "reminders_resumed": N_("Reminders resumed"),
    "reminders_stopped": N_("Reminders stopped"),
    "vote_cast": N_("Vote cast"),
    "vote_closed": N_("Vote closed"),
    "vote_opened": N_("Vote opened"),
}

#: The fields of the payloads, the nested ones (``old``/``new``, ``before``/``after``) included. The ids of
#: rows stay ids, but logins and members are named (``LOGINS``, ``MEMBERS`` below); masked values are shown as
#: they were stored (docs/audit.md).
FIELDS: Final = {
    "account": N_("Account"),
    "active": N_("Active"),
    "adjusted": N_("Adjusted"),
    "after": N_("After"),
    "amount": N_("Amount"),
    "approved_by": N_("Approved by (members)"),
    "approved_by_id": N_("Approved by (login)"),
    "ballot_commitment": N_("Ballot commitment"),
    "bank_entry_reference": N_("Bank reference"),
    "batch_id": N_("Export batch"),
    "batches": N_("Export batches"),
    "before": N_("Before"),
    "by": N_("By (login)"),
    "by_user_id": N_("By (login)"),
    "called_for": N_("Called for"),
    "cast_by_member_id": N_("Cast by (member)"),
    "changed_by_user_id": N_("Changed by (login)"),
    "changes": N_("Changes"),
    "choice": N_("Choice"),
    "confirmed_by_user_id": N_("Confirmed by (login)"),
    "cooperative_id": N_("Cooperative"),
    "covers": N_("Covers"),
    "created_by_id": N_("Made by (login)"),
    "day": N_("Day"),
    "decision": N_("Decision"),
    "decision_reference": N_("Decision reference"),
    "document": N_("Document"),
    "documents": N_("Documents"),
    "draft_sha256": N_("Draft's SHA-256"),
    "early_opening_reason": N_("Reason for opening early"),
    "elected": N_("Elected"),
    "employer_contributions": N_("Employer contributions"),
    "employments": N_("Employments"),
    "entry_id": N_("Bank entry"),
    "excluded_member_ids": N_("Members excluded"),
    "extra_monthly_tax": N_("Extra tax withheld a month"),
    "filename": N_("File name"),
    "files": N_("Files"),
    "gross_salary": N_("Gross salary"),
    "held_as": N_("§ in the minutes"),
    "held_on": N_("Meeting day"),
    "id": N_("Id"),
    "invoice": N_("Invoice"),
    "invoice_id": N_("Invoice (id)"),
    "invoice_number": N_("Invoice number"),
    "issued_by_id": N_("Issued by (login)"),
    "item_id": N_("Agenda item"),
    "items_not_dealt_with": N_("Agenda items not dealt with"),
    "job": N_("Kind of job"),
    "job_id": N_("Job"),
    "key": N_("Parameter"),
    "kind": N_("Kind"),
    "link_id": N_("Link"),
    "mail_id": N_("E-mail"),
    "meeting_id": N_("Meeting"),
    "member_id": N_("Member"),
    "member_ids": N_("Members"),
    "members_told": N_("Members told"),
    "messages": N_("Messages"),
    "method": N_("Method"),
    "minutes_id": N_("Minutes"),
    "name_changed": N_("Name changed"),
    "net_pay": N_("Net pay"),
    "new": N_("New"),
    "new_user_id": N_("Login after"),
    "notice_override_reason": N_("Reason for the short notice"),
    "noticed_on": N_("Notice sent on"),
    "number": N_("Number"),
    "old": N_("Old"),
    "old_user_id": N_("Login before"),
    "opened_on": N_("Opened on"),
    "outcome": N_("Outcome"),
    "overpayment": N_("Overpayment declared"),
    "paid_by_id": N_("Marked paid by (login)"),
    "paid_on": N_("Paid on"),
    "parameter_value_id": N_("Parameter value"),
    "password_set": N_("Password set"),
    "pay_date": N_("Pay date"),
    "payable": N_("To pay"),
    "payment_id": N_("Payment"),
    "payslip_snapshots": N_("Payslip snapshots"),
    "payslips": N_("Payslips"),
    "pdf_sha256": N_("PDF's SHA-256"),
    "plain_entries": N_("Entries from before the key"),
    "plain_head_hash": N_("Their last hash"),
    "position": N_("Position"),
    "prepayment": N_("Paid before the invoice's date"),
    "purpose": N_("Purpose"),
    "question": N_("Question"),
    "reason": N_("Reason"),
    "reference": N_("Reference"),
    "receipts": N_("Receipts"),
    "recorded_by_id": N_("Recorded by (login)"),
    "refers_to_id": N_("Credits invoice (id)"),
    "reminders": N_("Reminders"),
    "resolved_by_id": N_("Resolved by (login)"),
    "retained_until": N_("Kept until"),
    "roles": N_("Roles"),
    "roll_count": N_("Members on the roll"),
    "rulebook_id": N_("Rulebook"),
    "run_id": N_("Payroll run"),
    "sha256": N_("SHA-256"),
    "source": N_("Source"),
    "tax": N_("Tax"),
    "tax_information_missing": N_("Tax information missing"),
    "tax_mode": N_("How tax is withheld"),
    "tax_percent": N_("Percent"),
    "tax_settings": N_("Tax settings"),
    "tax_table_column": N_("Column (tax table)"),
    "tax_table_number": N_("Tax table"),
    "text_sha256": N_("Text's SHA-256"),
    "title": N_("Title"),
    "to": N_("To"),
    "ubl_sha256": N_("UBL's SHA-256"),
    "user_id": N_("Login"),
    "valid_from": N_("Valid from"),
    "value": N_("Value"),
    "version": N_("Version"),
    "vote_id": N_("Vote no."),
    "waits_for_confirmation": N_("Waits for confirmation"),
    "with_ubl": N_("With e-invoice (UBL)"),
    "without_vote": N_("Without a vote"),
}

#: Fields that hold the id of a login (``by_user_id``) or the ids of members (``member_id``, the adjusters of
#: ``approved_by``): the page shows each by name (``web/reads/audit_people.py``), never a removed one's.
LOGINS: Final = frozenset(
    {
        "approved_by_id",
        "by",
        "by_user_id",
        "changed_by_user_id",
        "confirmed_by_user_id",
        "created_by_id",
        "issued_by_id",
        "new_user_id",
        "old_user_id",
        "paid_by_id",
        "recorded_by_id",
        "resolved_by_id",
        "user_id",
    }
)
MEMBERS: Final = frozenset(
    {"approved_by", "cast_by_member_id", "excluded_member_ids", "member_id", "member_ids"}
)

#: Fields that hold a day as a string (``"2026-11-25"``): shown as every page shows a day.
DAYS: Final = frozenset(
    {
        "called_for",
        "day",
        "held_on",
        "noticed_on",
        "opened_on",
        "paid_on",
        "pay_date",
        "retained_until",
        "valid_from",
    }
)
#: Fields that hold an amount as a string (``"1250.00"``): shown the Swedish way (``1 250,00``).
AMOUNTS: Final = frozenset(
    {"amount", "payable", "gross_salary", "tax", "employer_contributions", "net_pay", "extra_monthly_tax"}
)

#: Fields that hold a percent as a string (``"32.5"``): shown as the pages write one (``32,5 %``).
PERCENTS: Final = frozenset({"tax_percent"})

#: The document of ``document_rendered``: its kind in the document pipeline (``documents.pipeline``).
DOCUMENTS: Final = {
    "invoice": N_("Invoice"),
    "credit_note": N_("Credit note"),
    "invoice_reminder": N_("Payment reminder"),
    "minutes": N_("Minutes"),
    "payslip": N_("Payslip"),
    "employment_certificate": N_("Employment certificate"),
}
#: The kind of ``meeting_opened`` (a meeting's) and of ``export_created`` (a file's): no key is both.
KINDS_OF: Final = {
    **MEETING_KINDS,
    "agi": N_("Employer declaration (AGI)"),
    "sie": N_("Bookkeeping (SIE 4)"),
    "pain001": N_("Salary payments (pain.001)"),
}
#: Fields whose values are keys with words of their own: a login's roles (and their ``before``, ``after``),
#: the document whose PDF was stored, a vote's method, outcome and choice, how a payment was recorded, what a
#: one-time link was for.
VALUES: Final = {
    "roles": ROLES,
    "document": DOCUMENTS,
    "kind": KINDS_OF,
    "method": VOTE_METHODS,
    "outcome": OUTCOMES,
    "choice": CHOICES,
    "source": {"manual": N_("Recorded by hand"), "camt054": N_("The bank's file (camt.054)")},
    "purpose": {"invite": N_("Invitation"), "reset": N_("Forgotten password")},
    "tax_mode": {
        "flat": N_("flat percent"),
        "table": N_("tax table"),
        "sink": N_("SINK (resident abroad)"),
        "asink": N_("A-SINK (artist resident abroad)"),
    },
}
