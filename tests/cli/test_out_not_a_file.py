"""An ``--out`` that is no regular file — a pipe, a device, or ``/dev/stdout``, a link to one — is a usage
error (exit 2) for every command that writes one, with ``--force`` too, and is left as it was.

Before, ``--force`` wrote the file beside it and put that in its place: the pipe (or, run as root,
``/dev/stdout`` or ``/dev/null`` of the whole machine) became a regular file. A pipe made for the test stands
in for the device, so that a test failing cannot take a device away from the machine.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kooperativet.backup import NotARegularFile, created_private, write_private, written_in_place_of
from tests.cli.fresh import Kooperativet, assert_error, usage_error

#: The commands that write ``--out`` through the file beside it (``backup.written_in_place_of``), with what
#: they need besides it; each runs on a migrated database with nothing in it.
WRITERS = {
    "backup": ("backup",),
    "audit export": ("audit", "export"),
    "knowledge export": ("knowledge", "export"),
    "payroll summary": ("payroll", "summary", "--period", "2026-11"),
}


@pytest.fixture
def pipe(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path, 0o644)
    return path


def assert_still_the_pipe(path: Path) -> None:
    status = path.stat()
    assert stat.S_ISFIFO(status.st_mode)
    assert stat.S_IMODE(status.st_mode) == 0o644


def refusal(out: Path) -> str:
    return (
        f"Invalid value for --out: {out} is not a regular file (a folder, a device, a pipe or a socket); "
        "name a file to write, nothing was written"
    )


@pytest.mark.parametrize("force", [False, True], ids=["plain", "forced"])
@pytest.mark.parametrize("name", sorted(WRITERS))
def test_a_pipe_or_a_link_to_one_is_refused_and_left_as_it_was(
    name: str, force: bool, committed_url: str, tmp_path: Path, pipe: Path
) -> None:
    kooperativet = Kooperativet(committed_url, tmp_path)
    link = tmp_path / "stdout"
    link.symlink_to(pipe)  # as /dev/stdout is a link to the process's pipe or terminal
    forced = ("--force",) if force else ()

    for out in (pipe, link):
        assert_error(
            kooperativet(*WRITERS[name], "--out", str(out), *forced), usage_error(name, refusal(out)), code=2
        )

    assert_still_the_pipe(pipe)
    assert link.is_symlink()
    assert link.readlink() == pipe
    # No file was written beside them either.
    assert sorted(
        path.name for path in tmp_path.iterdir() if {"pipe", "stdout"} & set(path.name.split("."))
    ) == [
        "pipe",
        "stdout",
    ]


def test_write_private_refuses_a_pipe_and_leaves_its_mode(pipe: Path) -> None:
    """``export agi|sie|pain001|download`` write through ``write_private``: it made a pipe 0600 (a terminal,
    through /dev/stdout, too) and wrote into it. A reader is kept open so that a write does not wait."""
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
    try:
        for overwrite in (False, True):
            with pytest.raises(NotARegularFile, match="is not a regular file"):
                write_private(pipe, b"<Skatteverket/>", overwrite=overwrite)
        assert os.read(reader, 100) == b""
    finally:
        os.close(reader)
    assert_still_the_pipe(pipe)


def test_the_library_refuses_a_pipe_before_anything_is_written(pipe: Path, tmp_path: Path) -> None:
    with pytest.raises(NotARegularFile):
        created_private(pipe)
    with pytest.raises(NotARegularFile), written_in_place_of(pipe, overwrite=True):
        pytest.fail("nothing may be written for a pipe")

    assert_still_the_pipe(pipe)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["pipe"]
