"""Login throttling per account at an address and per address (sliding window, per process).

Two limits, so that nobody can lock out someone else:

* failures for one account from one address (``login_attempts_per_window``): stops guessing one password,
  yet an attacker elsewhere cannot lock the account's owner out, and ten failures behind an office proxy
  lock out only that account there;
* failures from one address for any account (``login_attempts_per_address``, higher): stops one address
  from trying many accounts, while leaving room for everyone behind a shared proxy.

An attempt counts the moment it is checked, in one step under the lock (``check_and_count``), and a success
takes it back: checked first and counted only after the slow password check, parallel wrong guesses would all
pass the check together and exceed the limits. A success clears only its account-at-address count (and takes
its own attempt back from the address's), so a valid login neither counts against nor resets an address's.
Guessing one account slowly from many addresses is not stopped here; the argon2 cost and the minimum
password length are the defence against that.

Attempts are kept in memory rather than in the request's transaction, because a refused login rolls that
transaction back. With several server processes each keeps its own window: the limits are then at most
``workers ×`` the configured ones, which still stops online guessing.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from kooperativet.errors import TooManyRequests

Key = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Attempt:
    """An attempt counted by ``check_and_count``, for ``succeed`` to take back."""

    account: str
    address: str
    at: float


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
        self._counted: dict[Key, deque[float]] = {}
        self._lock = threading.Lock()

    def check_and_count(self, *, account: str, address: str) -> Attempt:
        """Refuse (429) while either limit is reached, else count this attempt at once, under the same lock:
        of parallel attempts only as many as the limits allow get through. ``retry_after_seconds`` is when a
        limit frees again."""
        limits = self._limits(account=account, address=address)
        with self._lock:
            now = self._clock()  # read under the lock, so that every window stays in time order
            retry_after = max(self._wait(key, limit, now) for key, limit in limits)
            if retry_after == 0:
                for key, _ in limits:
                    self._counted.setdefault(key, deque()).append(now)
        if retry_after > 0:
            raise TooManyRequests(self.refusal, retry_after_seconds=retry_after)
        return Attempt(account=account, address=address, at=now)

    def succeed(self, attempt: Attempt) -> None:
        """The right password: forget the account's count at the address, and take this attempt back from
        the address's count, which a success must neither add to nor reset."""
        with self._lock:
            self._counted.pop(_account_at_address(attempt.account, attempt.address), None)
            at_address = self._counted.get(_address(attempt.address))
            if at_address is not None and attempt.at in at_address:
                at_address.remove(attempt.at)

    def _limits(self, *, account: str, address: str) -> list[tuple[Key, int]]:
        return [
            (_account_at_address(account, address), self._attempts),
            (_address(address), self._attempts_per_address),
        ]

    def _wait(self, key: Key, limit: int, now: float) -> int:
        """Whole seconds until fewer than ``limit`` attempts of ``key`` lie in the window; 0 if already."""
        recent = self._counted.get(key)
        if recent is None:
            return 0
        while recent and now - recent[0] >= self._window:
            recent.popleft()
        if not recent:
            del self._counted[key]  # forget idle keys, so memory stays bounded by recent activity
            return 0
        if len(recent) < limit:
            return 0
        frees_at = recent[len(recent) - limit] + self._window
        return max(1, math.ceil(frees_at - now))


def _account_at_address(account: str, address: str) -> Key:
    return ("account", account, address)


def _address(address: str) -> Key:
    return ("address", address)
