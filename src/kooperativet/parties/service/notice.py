"""What a member is told when the office changed their identity or bank account."""

from __future__ import annotations

from dataclasses import dataclass

from kooperativet.parties.models import Member


@dataclass(frozen=True)
class MemberChange:
    """What an update changed that the member must be told about (identity fields, a new bank account)."""

    member: Member
    identity_fields: tuple[str, ...]
    bank_account_changed: bool

    @property
    def tells_the_member(self) -> bool:
        return bool(self.identity_fields) or self.bank_account_changed


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
