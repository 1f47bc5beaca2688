"""Login throttling per account and per client address (sliding window, per process).

Failed attempts are kept in memory rather than in the request's transaction, because a refused login
rolls that transaction back. With several server processes each keeps its own window: the limit per
address is then at most ``workers ×`` the configured one, which still stops online guessing.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from kooperativet.errors import TooManyRequests


class LoginThrottle:
    def __init__(self, *, attempts: int, window_seconds: int) -> None:
        self._attempts = attempts
        self._window = window_seconds
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def check(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                recent = self._prune(key, now)
                if len(recent) >= self._attempts:
                    retry = int(self._window - (now - recent[0])) + 1
                    raise TooManyRequests(
                        "too many failed logins; try again later", retry_after_seconds=retry
                    )

    def fail(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._prune(key, now).append(now)

    def succeed(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _prune(self, key: str, now: float) -> deque[float]:
        recent = self._failures[key]
        while recent and now - recent[0] > self._window:
            recent.popleft()
        return recent
