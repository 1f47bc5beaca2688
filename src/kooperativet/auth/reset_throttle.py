"""How often password-reset e-mail may be asked for, so that the form cannot be used to flood someone's inbox
or to send mail in bulk.

Every request counts, whether or not the address has an account, so the limit itself tells nothing about
which addresses exist; it is checked and counted in one step (``check_and_count``), so parallel requests
cannot all slip under a limit. Two limits, like the login's (``auth.throttle``): requests for one e-mail
address from anywhere (a handful an hour stops flooding one inbox), and requests from one client address
for any e-mail (higher, for an office behind one proxy).
"""

from __future__ import annotations

from kooperativet.auth.throttle import Key, LoginThrottle


class ResetThrottle(LoginThrottle):
    refusal = "too many password reset requests; try again later"

    def _limits(self, *, account: str, address: str) -> list[tuple[Key, int]]:
        # Per e-mail address from any client: someone rotating client addresses still cannot flood one inbox.
        return [
            (("reset-account", account), self._attempts),
            (("reset-address", address), self._attempts_per_address),
        ]
