"""Separation of duties: nobody decides money on their own work.

An employment cooperative's treasurer or admin is often a member too, paid through the books she keeps. The
board must see that the bookkeeping and the management of funds are controlled in a satisfactory way (lagen
(2018:672) om ekonomiska föreningar, 7 kap. 4 §), and the usual means, which the auditor (revisor) looks for,
is the four-eyes principle (fyra ögon): a decision about money is not made by the person it pays. So approving
or rejecting a commission, invoicing or crediting it, recording or matching the client's payment for it, and
approving the payroll run (or adding the payslip correction) that pays her are done by another treasurer or
an admin. Her roles do not matter: an admin acting on her own work is refused as well. The rule is identity
only (the acting user is the member's login), so it lives here once and every service that decides money
asks it.
"""

from __future__ import annotations

from kooperativet.errors import Conflict
from kooperativet.parties.models import Member


def is_own_work(*, actor_id: int, worker: Member) -> bool:
    """True when the acting user is the login linked to ``worker``, the member whose work or pay it is."""
    return worker.user_id is not None and worker.user_id == actor_id


def refuse_own_work(*, actor_id: int, worker: Member, act: str) -> None:
    """Refuse (409 ``own_work``) when the acting user would ``act`` on her own work or pay.

    ``act`` completes "you cannot …", e.g. "approve assignment 7".
    """
    if is_own_work(actor_id=actor_id, worker=worker):
        raise Conflict(
            f"you cannot {act}: it is your own work (member {worker.id}); nobody decides money on their own "
            "work, so another treasurer or an admin must do it",
            code="own_work",
            member_id=worker.id,
        )
