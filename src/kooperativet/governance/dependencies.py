"""What the governance routers ask of a request: a caller who runs meetings, and the tally key's size."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from kooperativet.auth import policy
from kooperativet.auth.dependencies import require_roles
from kooperativet.auth.models import User
from kooperativet.governance.ballot_encryption import TALLY_KEY_BITS

#: Board members and the admin run meetings and votes.
BoardOrAdmin = Annotated[User, Depends(require_roles(*policy.MEETING_RUNNERS))]


def tally_key_bits() -> int:
    """Paillier modulus size for new secret ballots; a dependency so that tests can use a smaller key."""
    return TALLY_KEY_BITS


TallyKeyBits = Annotated[int, Depends(tally_key_bits)]
