"""The worker loop: run due jobs, enqueue periodic work, sleep when idle, stop cleanly.

One loop serves both the ``kooperativet worker`` command (a process of its own, any number of them) and the
worker thread the API process runs in the embedded setup (``jobs.embedded``). It stops between jobs: a
stop asked for while a handler runs lets that handler finish and record its outcome, so a deployment that
restarts the workers (SIGTERM) loses nothing and leaves no job waiting for its lease to run out.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from kooperativet.db import clock_of
from kooperativet.jobs.periodic import PeriodicSchedule
from kooperativet.jobs.runner import run_one

log = logging.getLogger(__name__)


def worker_name(suffix: str = "") -> str:
    """``hostname:pid``: who holds a lease, to read in the jobs table and in the logs."""
    name = f"{socket.gethostname()}:{os.getpid()}"
    return f"{name}:{suffix}" if suffix else name


class Worker:
    """Claims and runs due jobs from ``factory``'s database until ``stop`` is set."""

    def __init__(self, factory: Callable[[], Session], settings: Any, *, name: str | None = None) -> None:
        self.factory = factory
        self.settings = settings
        self.name = name or worker_name()
        self.poll_seconds: float = getattr(settings, "worker_poll_seconds", 2.0)
        #: Set to stop after the current job; the loop also wakes up for it.
        self.stop = threading.Event()
        #: Set when work was enqueued (a commit in the same process): look at once instead of after the poll.
        self.wake = threading.Event()
        self.schedule = PeriodicSchedule()

    def request_stop(self) -> None:
        self.stop.set()
        self.wake.set()

    def drain(self) -> int:
        """Enqueue due periodic work and run due jobs until none is due or a stop is asked; how many ran."""
        ran = 0
        with self.factory() as session:
            self.schedule.enqueue_due(session, clock_of(session))
            while not self.stop.is_set() and run_one(session, self.settings, self.name):
                ran += 1
        return ran

    def run(self) -> None:
        """Loop until stopped: drain, then sleep for the poll interval or until woken."""
        log.info("worker %s started", self.name)
        while not self.stop.is_set():
            self.wake.clear()  # a wake-up during the drain below is kept: the wait then returns at once
            try:
                self.drain()
            except Exception:  # the database went away, a bug in the loop: log it and try again after a pause
                log.exception("worker %s: looking for due work failed", self.name)
            if not self.stop.is_set():
                self.wake.wait(self.poll_seconds)
        log.info("worker %s stopped", self.name)
