"""Work that builds tens of thousands of rows at once in one Python process: a payroll run, the month's
exports.

CPython frees an object as soon as nothing refers to it (reference counting). Its *cyclic* collector exists
only for objects that refer to each other in a ring, and it runs by counting: after every 700 new container
objects (dicts, lists, instances) it looks at the young ones, and each time the objects that survived have
grown by a quarter it walks **every** live object of the process. A run of 20 000 payouts builds about a
million containers that all stay alive until its payslips are written (the drafts, their lines and
snapshots). Measured on the benchmark's month (``bench/payroll_month.py``, 2026-12-02), the collector walked
the whole heap fourteen times during it, at about 0.15 s each, and gave back 15 000 objects: with the young
generations, 2.1–2.6 s of a month of 8.5–10.7 s spent finding almost nothing. Taken in turns on one machine,
the month took 8.5–9.6 s without the pause and 5.9–6.9 s with it, its peak memory 220 MB either way.

``cyclic_collector_paused`` holds the collector back while such work runs; reference counting goes on
freeing everything else as usual, and the few rings made meanwhile are collected after it. The collector is
one for the whole process: while a run is calculated in one thread, requests served by the others are not
walked either, for those seconds, which costs them nothing. Pauses may overlap (two exports at once): the
collector comes back when the last of them ends, and only if it was running before the first.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0
_was_enabled = False


@contextmanager
def cyclic_collector_paused() -> Iterator[None]:
    """Hold CPython's cyclic garbage collector back for the duration (also usable as a decorator)."""
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()
