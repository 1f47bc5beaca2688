"""Login throttling per account at an address and per address (sliding window, per process).

Two limits, so that nobody can lock out someone else:

* failures for one account from one address (``login_attempts_per_window``): stops guessing one password,
  yet an attacker elsewhere cannot lock the account's owner out, and ten failures behind an office proxy
  lock out only that account there;
* failures from one address for any account (``login_attempts_per_address``, higher): stops one address
  from trying many accounts, while leaving room for everyone behind a shared proxy.

A success clears only its account-at-address count, so a valid login cannot reset an address's count.
Guessing one account slowly from many addresses is not stopped here; the argon2 cost and the minimum
password length are the defence against that.

Failed attempts are kept in memory rather than in the request's transaction, because a refused login
rolls that transaction back. With several server processes each keeps its own window: the limits are then
at most ``workers ×`` the configured ones, which still stops online guessing.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from kooperativet.errors import TooManyRequests

Key = tuple[str, ...]


class LoginThrottle:
    refusal = "too many failed logins; try again later"

    def __init__(
        self,
        *,
        attempts: int,
        attempts_per_address: int,
        window_seconds: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clock = clock
        self._attempts = attempts
        self._attempts_per_address = attempts_per_address
        self._window = window_seconds
        self._failures: dict[Key, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, *, account: str, address: str) -> None:
        """Refuse (429) while either limit is reached; ``retry_after_seconds`` is when it frees again."""
        now = self._clock()
        with self._lock:
            waits = [
                self._wait(key, limit, now) for key, limit in self._limits(account=account, address=address)
            ]
        retry_after = max(waits)
        if retry_after > 0:
            raise TooManyRequests(self.refusal, retry_after_seconds=retry_after)

    def fail(self, *, account: str, address: str) -> None:
        now = self._clock()
        with self._lock:
            for key, _ in self._limits(account=account, address=address):
                self._failures.setdefault(key, deque()).append(now)

    def succeed(self, *, account: str, address: str) -> None:
        with self._lock:
            self._failures.pop(_account_at_address(account, address), None)

    def _limits(self, *, account: str, address: str) -> list[tuple[Key, int]]:
        return [
            (_account_at_address(account, address), self._attempts),
            (("address", address), self._attempts_per_address),
        ]

    def _wait(self, key: Key, limit: int, now: float) -> int:
        """Whole seconds until fewer than ``limit`` failures of ``key`` lie in the window; 0 if already."""
        recent = self._failures.get(key)
        if recent is None:
            return 0
        while recent and now - recent[0] >= self._window:
            recent.popleft()
        if not recent:
            del self._failures[key]  # forget idle keys, so memory stays bounded by recent activity
            return 0
        if len(recent) < limit:
            return 0
        frees_at = recent[len(recent) - limit] + self._window
        return max(1, math.ceil(frees_at - now))


def _account_at_address(account: str, address: str) -> Key:
    return ("account", account, address)
