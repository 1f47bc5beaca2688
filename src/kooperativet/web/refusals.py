"""The web's refusals in words: a service's error code said as a sentence a person understands.

The services answer in English for API clients, with details that often name ids and amounts (``payroll run
7 is approved and locked``, ``member 7 has already voted``), so a detail cannot be looked up in the catalog
as it is. A page says a refusal by its stable ``code`` instead, from this one table, so that the same refusal
reads the same on every page and in both languages. A page whose reader needs other words for a code (a
run that includes the approver's own pay, the new-member form that offers to link an existing login) passes
its own (``own``). Every code a service raises is listed here, or said by its status (not found, not allowed),
or named with its reason in ``tests/web/test_refusals_cover_codes.py`` as one no page shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from starlette.requests import Request

from kooperativet.errors import DomainError
from kooperativet.web.forms import domain_errors
from kooperativet.web.i18n import N_
from kooperativet.web.templating import gettext

#: A file the month end makes that fails its own format check: a fault in the program, not in what was typed.
FORMAT_CHECK: Final = N_(
    "The file did not pass its format check, so nothing was exported. This is a fault in the program: tell "
    "whoever looks after it."
)
REFUSALS: Final = {
    # Payroll, exports and the office's own pages
    "job_not_failed": N_(
        "That work has not stopped: it is done, or still being tried. Nothing was sent again."
    ),
    "own_work": N_(
        "This is your own work. Nobody decides money on their own work: another treasurer or an admin must "
        "do it."
    ),
    "nothing_ready": N_(
        "No payout is ready for a run on that pay date: no assignment has work that is paid (or invoiced) "
        "and not yet on a payslip."
    ),
    "nothing_left_to_pay": N_(
        "Nothing is left to pay in this run: the invoices it pays have been credited. Discard the draft."
    ),
    "draft_changed": N_(
        "Something the run was calculated from has changed since. Recalculate it and review it again."
    ),
    "run_locked": N_("The run is approved and locked. Correct a payslip with a correction in a later run."),
    "run_not_approved": N_("The run is not approved yet; approve it first."),
    "paid_before_approval": N_(
        "That day is before the run was approved. The salaries can have left the bank on the day of the "
        "approval at the earliest."
    ),
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
    # The month's files: the month or the range asked for
    "period_format": N_("Write the month as YYYY-MM, e.g. 2026-03."),
    "month_in_future": N_("This month has not begun: its file can be made from the month's first day."),
    "date_range_reversed": N_("The last day is before the first day."),
    "date_in_future": N_("The first day has not come yet: nothing can be booked for it yet."),
    # The arbetsgivarintyg's leave line (employments.service.may_state_leave)
    "leave_too_long": N_("Write the leave in at most 200 characters."),
    "leave_by_office": N_("Only the treasurer or an admin states leave on an employer certificate."),
    "own_leave": N_(
        "Nobody states the leave on their own employer certificate: another treasurer or an admin does it."
    ),
    "run_or_period": N_("Choose a payroll run or a month, one of them."),
    "invalid_declaration": FORMAT_CHECK,
    "invalid_payment_file": FORMAT_CHECK,
    "invalid_sie": FORMAT_CHECK,
    "invalid_account_map": N_("The account map (a parameter) is not valid; an admin corrects it."),
    "agi_fields_invalid": N_(
        "Skatteverket would refuse the employer declaration: some details are not in the form it takes."
    ),
    "invalid_tax_table_file": N_("This is not Skatteverket's tax table file for that year."),
    "tax_tables_already_imported": N_("This file has already been imported for that year."),
    "no_contribution_rule": N_(
        "No rule for the employer contributions of this member's age is in force on that date; an admin adds "
        "one."
    ),
    "net_out_of_reach": N_("No invoiced amount gives that net pay; try a smaller one."),
    # What Skatteverket's employer declaration (AGI) takes (docs/exports.md, "Field formats")
    "agi_contact_name_format": N_(
        "The contact person goes into the employer declaration, which takes no < or > and not only spaces."
    ),
    "agi_contact_phone_format": N_(
        "The employer declaration takes a phone number of at most 20 characters, with no < or >."
    ),
    "agi_contact_email_format": N_(
        "The employer declaration takes an e-mail address of 5–254 characters with only the letters a–z, "
        "digits and _ . - + ' (no å, ä or ö), such as kassor@example.se."
    ),
    "agi_tin_format": N_(
        "The employer declaration takes a foreign tax identification number (TIN) of at most 20 characters, "
        "with no < or >."
    ),
    "auditor_in_office": N_(
        "The auditor cannot also be treasurer, administrator or board member on the same login: she reviews "
        "their bookkeeping and administration. Give the auditor a login of her own."
    ),
    "invalid_parameter_value": N_("This value is not valid for the parameter."),
    "overlapping_valid_from": N_("There is already a value valid from that date; choose another date."),
    "version_conflict": N_("Someone else changed this in the meantime. Reload the page and try again."),
    "concurrent_change": N_(
        "Someone else did the same at the same moment, and theirs was saved. Reload the page and see whether "
        "yours is still needed."
    ),
    "payslip_without_assignment": N_(
        "The payslip has no line for that commission. Choose a commission the payslip paid."
    ),
    "correction_without_amount": N_(
        "Write the amount that was missing: a correction of nothing pays nothing."
    ),
    "negative_correction": N_(
        "A correction pays what was missing and is never negative. Pay that is too much is settled with the "
        "member outside the run."
    ),
    "duplicate_personal_identity_number": N_("A member with this personal identity number already exists."),
    "born_after_joining": N_("The personal identity number gives a date of birth after the day of joining."),
    "mail_not_failed": N_("Only a failed message can be sent again; this one is waiting or has been sent."),
    "bank_account_incomplete": N_("Give both the clearing number and the account number."),
    "bank_account_pending": N_(
        "The member has a change of bank account waiting for confirmation: her login is changed once it is "
        "confirmed or withdrawn."
    ),
    "tax_identification_incomplete": N_(
        "Give the foreign tax identification number (TIN) and its country together."
    ),
    "unknown_user": N_("Choose a login from the list."),
    "user_already_linked": N_("This login is already linked to another member."),
    "left_before_joined": N_("The day she left cannot be before the day she joined."),
    "member_not_left": N_("The member has not left the cooperative: give the day she left first."),
    "already_removed": N_("The member's personal data has already been removed."),
    "percent_for_flat_only": N_(
        "A percentage applies only to a flat tax rate; the other ways take their rate from the parameters."
    ),
    "table_incomplete": N_("Tax by table needs the table number (29–42) and the column (1–6)."),
    "table_for_table_mode_only": N_("The table number and column apply only to tax by table."),
    "extra_tax_whole_kronor": N_("Extra tax is withheld in whole kronor: write the amount without öre."),
    "extra_tax_with_final_tax": N_(
        "SINK and A-SINK are final taxes: no extra tax is withheld with them. Leave the extra tax at 0."
    ),
    "source_required": N_(
        "Every value needs its source: the law, the decision or the authority it comes from."
    ),
    "entered_by_you": N_(
        "You entered this bank account; another treasurer or an admin, or the member, must confirm it."
    ),
    # The purge after the retention period (docs/personal-data.md)
    "erased_after_retention": N_(
        "This needs personal data that was erased when the retention period (seven years under the "
        "Bookkeeping Act) had ended, so it cannot be made or shown again."
    ),
    "member_purged": N_(
        "The member's personal data was erased after the retention period, so the record is not changed "
        "any more. A person who joins again is registered as a new member."
    ),
    # Meetings, votes, minutes and users
    "already_voted": N_("This vote has already been cast; a vote cannot be changed."),
    "vote_closed": N_("The vote is closed."),
    "not_a_current_member": N_("This person is not a member on the meeting's day."),
    "unknown_member": N_("Choose a member from the list."),
    "voter_excluded": N_("The member is disqualified (jäv) on this matter and does not vote."),
    "no_proxy": N_("You hold no proxy for this member at this meeting."),
    "not_present": N_("Only members registered as present vote. Ask the board to register you."),
    "not_on_the_board": N_("This member is not on the board."),
    "not_a_member": N_("Only members vote and submit motions."),
    "invalid_ballot": N_("Choose at most as many candidates as there are seats, each once."),
    "notice_not_in_time": N_(
        "The notice was not given within the rulebook's time (or not at all). Write why the meeting opens "
        "anyway."
    ),
    "opened_before_its_day": N_("The meeting is called for a later day. Write why it opens today."),
    "notice_too_early": N_(
        "It is too early to send the notice: the rulebook sets the first day it may go out. Nothing was sent."
    ),
    "meeting_in_the_past": N_("That day has passed: a meeting is planned for today or a later day."),
    "nobody_entitled_to_vote": N_(
        "Nobody would be entitled to vote: every member present or represented is marked disqualified. "
        "Untick those who may vote."
    ),
    "votes_open": N_("Close every vote before closing the meeting."),
    "items_not_dealt_with": N_(
        "Agenda items are not dealt with. Tick that you want to close the meeting anyway, or deal with them "
        "first."
    ),
    "closing_not_procedural": N_("The closing of the meeting is a procedural item."),
    "closing_on_agenda": N_(
        "The agenda already ends with the closing of the meeting. Items added are put before it."
    ),
    "items_not_dealt_with_changed": N_(
        "The agenda items not dealt with have changed since the list was shown. Read the list as it is now "
        "and tick again to close the meeting anyway."
    ),
    "meeting_planned": N_("The meeting has not opened yet."),
    "meeting_open": N_("The meeting is in session: this is done before it opens or after it closes."),
    "meeting_closed": N_("The meeting is closed."),
    "agenda_not_empty": N_(
        "The agenda already has items. The standard agenda is added only to an empty agenda; add further "
        "items one at a time."
    ),
    "standard_agenda_not_planned": N_(
        "The standard agenda is added before the meeting opens; add items one at a time."
    ),
    "not_an_annual_meeting": N_("The standard agenda is that of an annual meeting."),
    "not_quorate": N_("The meeting is not quorate: too few of those entitled to vote are present."),
    "casting_vote_required": N_("The votes are tied: choose the chair's casting vote and close again."),
    "early_close_not_allowed": N_(
        "The vote runs until its end time; the rulebook does not let it close earlier."
    ),
    "tellers_passphrase_required": N_("Write the tellers' passphrase."),
    "wrong_tellers_passphrase": N_("This is not the tellers' passphrase."),
    "tally_refused": N_("The count was refused: the stored ballots do not add up. Nothing was closed."),
    "already_present": N_("This member is already registered as present."),
    "represented_by_proxy": N_("This member is represented by a proxy."),
    "principal_present": N_("This member is present and votes in person."),
    "proxy_not_allowed": N_("The rulebook does not allow proxies."),
    "proxy_dated_after_meeting": N_("The proxy is dated after the meeting."),
    "proxy_not_signed": N_(
        "A proxy counts only when the member has signed it. Tick the box once you have seen the member's "
        "signature."
    ),
    "proxy_expired": N_("The proxy has expired."),
    "proxy_over_limit": N_("This member already holds as many proxies as the rulebook allows."),
    "proxy_duplicate_principal": N_("This member is already represented by a proxy."),
    "proxy_for_oneself": N_("A member cannot be her own proxy: the proxy is another member."),
    "adjusters_not_distinct": N_("Choose two different adjusters, neither of them the chair."),
    "statute_change_item": N_(
        "A change of the statutes is decided only under an agenda item marked as a statute change, and such "
        "an item decides nothing else. Choose the item and what is decided to match."
    ),
    "statute_change_not_on_agenda": N_(
        "A change of the statutes is decided only under an agenda item the notice announced as a statute "
        "change. Choose that item; a change the notice did not announce waits for a meeting called with it."
    ),
    "statute_change_needs_a_vote": N_(
        "A change of the statutes is decided by a counted vote with the majority the statutes require: put "
        "it to the vote."
    ),
    "confirmation_not_required": N_(
        "The statutes let one meeting decide a change of the statutes: there is no first adoption to confirm."
    ),
    "confirmation_not_a_statute_change": N_(
        "Only an item that changes the statutes confirms a first adoption: tick that the item changes the "
        "statutes."
    ),
    "not_a_first_adoption": N_(
        "Choose a change of the statutes that an earlier general meeting adopted in a first reading."
    ),
    "proposal_differs": N_(
        "The proposal must be word for word the one the first meeting adopted. Leave the text empty to take "
        "it as adopted."
    ),
    "meetings_not_consecutive": N_(
        "Only the next general meeting after the first adoption can confirm it, and a general meeting has "
        "been held since (or this is the same meeting)."
    ),
    "already_confirmed": N_("This change of the statutes has already been confirmed."),
    "confirmation_vote_open": N_(
        "A vote on confirming this change of the statutes is already open: close it first."
    ),
    "confirmation_kind_differs": N_(
        "Decide the same kind of change of the statutes as the first meeting adopted."
    ),
    "item_decided": N_("This item is already decided."),
    "item_vote_open": N_("A vote on this item is open: the meeting decides the item by that vote."),
    "decision_required": N_("Write what the meeting decided."),
    "decision_too_long": N_("This is too long."),
    "officials_missing": N_("Choose the chair, the secretary and two adjusters before drawing up minutes."),
    "correction_reason_required": N_("The minutes are adjusted and locked: write why they are corrected."),
    "minutes_locked": N_("The minutes are already adjusted and locked."),
    "not_an_adjuster": N_("Only the adjusters chosen at the meeting approve its minutes."),
    "already_approved": N_("You have already approved these minutes."),
    "draft_redrawn": N_(
        "The minutes were drawn up again after you opened this page. Read the new draft, then approve it."
    ),
    "not_a_general_meeting": N_("Motions go to general meetings."),
    "motion_by_member": N_("Members submit motions themselves."),
    "not_a_motion": N_("Only a motion gets the board's answer."),
    "statute_change_at_board": N_("A change of the statutes is decided by a general meeting, not the board."),
    "term_reversed": N_("The term cannot end before it begins."),
    "no_notice": N_("No notice of the meeting has been given yet."),
    "per_capsulam_between_meetings": N_("Per capsulam decisions are made between meetings."),
    "election_candidates": N_("An election needs the number of seats and its candidates, each named once."),
    "election_sets_nothing": N_("An election sets no parameter, and nobody is disqualified from it."),
    "seats_for_elections_only": N_("Only an election has seats and candidates."),
    "election_by_method": N_("An election is held with the method Election."),
    "board_decides_by_board": N_("Board decisions are made by the board."),
    "tellers_for_secret_only": N_("Only secret ballots and elections have tellers."),
    "choice_required": N_("Choose yes, no or abstain."),
    "vote_ends_before_it_opens": N_("That end time has passed: choose a time after now."),
    "candidates_required": N_("Choose your candidates."),
    "proxy_undated": N_("The proxy has no date."),
    "not_a_secret_ballot": N_("This vote is not a secret ballot."),
    "vote_open": N_("The vote is still open: its ballots are published and recounted once it closes."),
    "not_encrypted": N_("This vote closed before ballots were encrypted, so there is nothing to recount."),
    "no_tally_key": N_("This vote has no tellers' key, so its ballots cannot be counted."),
    "draft_pending": N_("The draft's PDF is still being made: read it once it is ready, then approve it."),
    "approvals_of_different_drafts": N_(
        "The adjusters approved different drafts: draw up the minutes again and approve them again."
    ),
    "invalid_rulebook": N_("The rulebook is not valid: check its values."),
    "wrong_vote_method": N_(
        "A board meeting decides by board vote; a general meeting by open vote, secret ballot or election."
    ),
    "missing_rulebook": N_("No rulebook is in force on that day; an administrator must add one."),
    "no_board": N_("There is no board on this day."),
    "duplicate_email": N_("A user with this e-mail already exists."),
    "last_admin": N_("The last active administrator cannot lose the role or be disabled."),
    "invalid_identifier": N_("This number is not valid; check it and try again."),
    "wrong_password": N_("The current password is wrong."),
    "same_password": N_("The new password must differ from the current one."),
    "password_too_short": N_("The password is too short."),
    "password_too_long": N_("The password is too long."),
    "csrf_refused": N_("The form has expired. Reload the page and try again."),
    "another_role": N_("This page is for another role."),
    "auditor_reads_only": N_("As the auditor you can read the office's records but not change anything."),
    "permission_denied": N_("You may not do this."),
    "not_saved": N_("The database could not save the change, so nothing was saved. Try again."),
    "notification_required": N_("This notice cannot be turned off."),
    "unknown_notification": N_("There is no such notice."),
    "invalid_anchor": N_("Write the anchor as the minutes print it: HASH or N:HASH."),
    # Commissions, invoices, payments, the bank's files and clients
    "client_twice": N_("Choose a client or add a new one, not both."),
    "client_required": N_("Choose a client from the list, or add a new one."),
    "unknown_client": N_("Choose a client from the list, or add a new one."),
    "rejection_reason_required": N_("Say why the commission is rejected."),
    "receipt_too_large": N_("A receipt may be at most 10 MB."),
    "date_out_of_range": N_("Write a day between 1900-01-01 and 2999-12-31."),
    "amount_too_large": N_(
        "The fee lines with VAT and the expenses add up to more than an invoice can hold (twelve digits of "
        "kronor)."
    ),
    "unsupported_receipt": N_("A receipt must be a PDF, JPEG or PNG file of at most 10 MB, and not empty."),
    "vat_rule": N_("This VAT choice does not fit the line or the client."),
    "invoice_rule_violation": N_(
        "The invoice breaks a rule for its content: check its lines and the client."
    ),
    "credit_note_changed": N_(
        "The invoice changed after you opened this page, so the credit note is not the one shown. Look at it "
        "again."
    ),
    "nothing_to_credit": N_("Nothing is left to credit."),
    "not_issued": N_("Only an issued invoice or credit note can be sent."),
    "not_a_draft": N_("Only a draft can be changed, and this commission is no longer a draft."),
    "warnings_not_confirmed": N_("The commission has warnings: tick that you have read them, then approve."),
    "invalid_transition": N_("This commission is no longer waiting for a decision."),
    "overpayment_not_declared": N_(
        "This is more than is due on the invoice. Tick 'Overpayment' to record it anyway."
    ),
    "invalid_amount": N_("A payment is above zero."),
    "paid_in_the_future": N_(
        "The payment day is after today. Record a payment once the money has come in, on the day it came."
    ),
    "paid_before_issue": N_(
        "The payment day is before the invoice was issued. Check the year; if the client paid in advance, "
        "tick 'Paid in advance' to record it anyway."
    ),
    "invoice_credited": N_("The invoice is credited: nothing is due."),
    "not_an_invoice": N_("Choose an invoice, not a credit note."),
    "nothing_to_invoice": N_("Everything on this commission has been invoiced already."),
    "signed_out": N_(
        "You are no longer signed in, so nothing was saved. Go back in your browser to see what you wrote, "
        "or sign in again."
    ),
    "nothing_to_remind": N_(
        "The invoice is paid or credited: no reminders come for it, so there are none to stop."
    ),
    "more_than_remains": N_("That is more than is left to invoice of this line."),
    "unknown_line": N_("This line does not belong here."),
    "buyer_reference_missing": N_(
        "A public-sector buyer needs its reference (Er referens): set it on the commission or the client."
    ),
    "assignment_not_approved": N_("Only an approved commission can be invoiced."),
    "already_credited": N_("The invoice is already credited in full."),
    "more_than_invoiced": N_("That is more than is left to credit of this line."),
    "invalid_camt054": N_("This is not a camt.054 file from the bank."),
    "file_too_large": N_("The file is over 5 MB."),
    "already_resolved": N_("This bank entry has already been dealt with."),
    "entry_without_amount": N_(
        "The bank gave no amount for this entry: check it with the bank, or mark it not ours."
    ),
    "no_file": N_("Choose the bank's file."),
    "paid_on_required": N_("The bank gave no booking date: give the day the money arrived."),
    "currency_mismatch": N_("The entry and the invoice are in different currencies."),
    "invalid_postal_code": N_("A Swedish postal code has five digits, such as 123 45."),
    "duplicate_organisation_number": N_("Another client already has this organisation number."),
    "duplicate_vat_number": N_("Another client already has this VAT number."),
    "duplicate": N_("Another client already has this organisation or VAT number."),
    "peppol_incomplete": N_("Give both the Peppol scheme and the Peppol address, or neither."),
    "private_person_organisation_number": N_("A private person has no organisation number."),
    "vat_number_country": N_("The VAT number does not belong to the client's country."),
    "peppol_address_missing": N_(
        "A public-sector client must get an e-invoice: record its Peppol address or organisation number."
    ),
    "not_found": N_("It does not exist any more. Reload the page."),
    "no_invoice_address": N_("The client has no e-mail address for invoices: add one on the client first."),
    "reminders_stopped": N_("Reminders for this invoice are stopped already."),
    "reminders_not_stopped": N_("Reminders for this invoice are not stopped."),
    "reason_required": N_("Say why the reminders stop."),
    # The knowledge bank
    "knowledge_title_missing": N_("An article needs a title and a text."),
    "knowledge_title_too_long": N_("The title is longer than 200 characters."),
    "knowledge_category": N_("Choose one of the categories."),
    "knowledge_audience": N_("Choose whom the article is for: the members or the office."),
    "knowledge_language": N_("Choose one of the bank's languages."),
    "knowledge_no_default": N_(
        "This article is the cooperative's own and has no default text to go back to."
    ),
    "knowledge_no_language": N_("Choose a language to take."),
    "knowledge_slug": N_("The address may hold lower-case letters a–z, digits and hyphens, 3–80 of them."),
    "knowledge_slug_taken": N_("There is already an article at this address."),
    "knowledge_source_address": N_("A source needs an address that begins with http:// or https://."),
    "knowledge_unknown_parameter": N_("The text names a parameter that does not exist."),
    "knowledge_bundle_invalid": N_("This is not a knowledge bank bundle, or it is damaged."),
    "knowledge_no_bundle": N_("Choose a bundle file."),
    "knowledge_bundle_too_large": N_("The file is too large to be a bundle."),
    # Links in e-mails (invitations, password resets)
    "link_unknown": N_("This link is not known. Check that you opened the whole link from the e-mail."),
    "link_used": N_("This link has been used already. Each link works only once."),
    "link_superseded": N_("A newer link has been sent to you. Use the link in the latest e-mail."),
    "link_expired": N_("This link has expired."),
    "account_disabled": N_("This account is disabled. Ask the office if you think it should not be."),
}
FILL_IN: Final = N_("Please fill in this field.")
#: What a refusal without a sentence of its own says by its status: what is not found (or not the reader's
#: to see) or not hers to do reads the same whichever service refused it.
BY_STATUS: Final = {
    403: REFUSALS["permission_denied"],
    404: REFUSALS["not_found"],
    503: REFUSALS["not_saved"],
}


def refusal_text(request: Request, exc: DomainError, *, own: Mapping[str, str] | None = None) -> str:
    """``exc`` as a sentence in the person's language: the page's ``own`` words for its code, the table's,
    the words for its status, or (for a code nobody listed, which ``tests/web/test_refusals_cover_codes.py``
    keeps from happening) the service's English detail."""
    message = (own or {}).get(exc.code) or REFUSALS.get(exc.code)
    if message is None and exc.detail.endswith("cannot be empty"):
        message = FILL_IN
    return gettext(request, message or BY_STATUS.get(exc.status) or exc.detail)


def refusal_errors(
    request: Request, exc: DomainError, *, own: Mapping[str, str] | None = None
) -> dict[str, str]:
    """By the refusal's field when it names one (as ``forms.domain_errors``), in the table's words."""
    field = next(iter(domain_errors(request, exc)))
    return {field: refusal_text(request, exc, own=own)}
