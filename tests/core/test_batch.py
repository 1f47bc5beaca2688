"""Batch work holds CPython's cyclic garbage collector back while it runs and gives it back afterwards."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from kooperativet.core.batch import cyclic_collector_paused


@pytest.fixture(autouse=True)
def collector_running() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_paused_inside_and_running_again_after() -> None:
    with cyclic_collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_it_comes_back_after_an_error() -> None:
    with pytest.raises(ZeroDivisionError), cyclic_collector_paused():
        _ = 1 / 0
    assert gc.isenabled()


def test_overlapping_pauses_end_with_the_last() -> None:
    """Two batches in two threads: the first to end must not restart the collector under the other."""
    first_inside, first_may_end, first_ended, second_may_end = (threading.Event() for _ in range(4))
    seen: dict[str, bool] = {}

    def first() -> None:
        with cyclic_collector_paused():
            first_inside.set()
            first_may_end.wait(5)
        first_ended.set()

    thread = threading.Thread(target=first)
    thread.start()
    first_inside.wait(5)
    with cyclic_collector_paused():
        first_may_end.set()
        first_ended.wait(5)
        seen["after the first ended"] = gc.isenabled()
        second_may_end.set()
    thread.join(5)
    assert seen == {"after the first ended": False}
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    with cyclic_collector_paused():
        pass
    assert not gc.isenabled()
