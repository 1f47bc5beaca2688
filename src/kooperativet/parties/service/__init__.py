"""Members, clients and the cooperative's identity, one module per use case. Services flush; the caller's
transaction commits.

- ``cooperative``: the cooperative's identity, seeded from settings on an empty database, changed by an admin.
- ``members``: register, change, read one, read your own and list members' records; identity changes audited.
- ``bank_accounts``: a member's account for salary (clearing and account number, IBAN), a change pending until
  a second person confirms it.
- ``notice``: what a member is told by e-mail when the office changed their identity or bank account.
- ``tax_settings``: a member's dated tax settings.
- ``clients``: register, change, read and list clients, and who may see a private person.
- ``checks``: identifiers parsed into 422s and unique races into 409s, alike for every use case.

Whose a row is (the user linked to its member) is in ``parties.ownership``. The names below are what the
router and other packages call.
"""

from kooperativet.parties.service.bank_accounts import confirm_bank_account
from kooperativet.parties.service.clients import (
    client_visibility,
    create_client,
    get_client,
    list_clients,
    update_client,
)
from kooperativet.parties.service.cooperative import get_cooperative, seed_cooperative, update_cooperative
from kooperativet.parties.service.members import (
    create_member,
    get_member,
    get_own_member,
    list_members,
    new_member_refusals,
    update_member,
)
from kooperativet.parties.service.notice import MemberChange, queue_change_notice
from kooperativet.parties.service.tax_settings import add_tax_setting

__all__ = [
    "MemberChange",
    "add_tax_setting",
    "client_visibility",
    "confirm_bank_account",
    "create_client",
    "create_member",
    "get_client",
    "get_cooperative",
    "get_member",
    "get_own_member",
    "list_clients",
    "list_members",
    "new_member_refusals",
    "queue_change_notice",
    "seed_cooperative",
    "update_client",
    "update_cooperative",
    "update_member",
]
