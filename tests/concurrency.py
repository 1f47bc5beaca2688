"""Requests at the same moment, for the tests of races: each piece of work in a thread of its own, all
released together by a barrier, as parallel requests reach the server."""

from __future__ import annotations

import threading
from collections.abc import Callable

from kooperativet.errors import DomainError


def at_once(*work: Callable[[], str], timeout: float = 120) -> list[str]:
    """Run every callable at once; what each ended in, in the order given: what it returned, or the code of
    the refusal it raised (``DomainError.code``), or the class name of any other exception (the defect a
    race test looks for: a server error)."""
    start = threading.Barrier(len(work))
    outcomes: list[str] = ["not finished"] * len(work)

    def run(index: int, job: Callable[[], str]) -> None:
        start.wait()
        try:
            outcomes[index] = job()
        except DomainError as refusal:
            outcomes[index] = refusal.code or type(refusal).__name__
        except Exception as error:
            outcomes[index] = type(error).__name__

    threads = [threading.Thread(target=run, args=(index, job)) for index, job in enumerate(work)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcomes
