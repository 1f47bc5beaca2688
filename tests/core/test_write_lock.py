"""SQLite's writers queue in order across the processes that serve one database file (``db.WriteLock``)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from kooperativet.db import WriteLock, make_engine, write_lock_for

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="flock is POSIX; Windows keeps a process lock"
)


#: Another process serving the same database: it says when it starts waiting and when it has the lock.
_OTHER_PROCESS = """
import sys, time
from pathlib import Path
from kooperativet.db import WriteLock
lock = WriteLock(Path(sys.argv[1]))
print("waiting", time.monotonic(), flush=True)
with lock:
    print("took", time.monotonic(), flush=True)
"""


def test_another_process_waits_until_the_lock_is_given_back(tmp_path: Path) -> None:
    path = tmp_path / "kooperativet.sqlite3.write-lock"
    lock = WriteLock(path)
    lock.acquire()
    other = subprocess.Popen(
        [sys.executable, "-c", _OTHER_PROCESS, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert other.stdout is not None
        assert other.stdout.readline().split()[0] == "waiting"
        time.sleep(0.5)  # the other process blocks on the lock meanwhile
        given_back = time.monotonic()
        lock.release()
        event, when = other.stdout.readline().split()
        assert event == "took"
        assert float(when) >= given_back  # CLOCK_MONOTONIC is the machine's, the same in both processes
    finally:
        other.wait(timeout=60)
    assert other.returncode == 0


def test_threads_of_one_process_take_turns(tmp_path: Path) -> None:
    lock = WriteLock(tmp_path / "db.write-lock")
    with lock:
        assert not lock._threads.acquire(blocking=False)
    assert lock._threads.acquire(blocking=False)
    lock._threads.release()


def test_a_database_file_has_a_lock_file_beside_it_and_memory_has_none(tmp_path: Path) -> None:
    on_file = write_lock_for(make_engine(f"sqlite:///{tmp_path / 'k.sqlite3'}"))
    assert on_file is not None
    assert on_file.path == tmp_path / "k.sqlite3.write-lock"
    in_memory = write_lock_for(make_engine("sqlite://"))
    assert in_memory is not None
    assert in_memory.path is None
    assert write_lock_for(create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")) is None
