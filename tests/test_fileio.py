"""The one atomic writer and the one file lock (fhs_nlp.fileio)."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from fhs_nlp import fileio
from fhs_nlp.report import output


def _umask_from_proc() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        lines = status.read().splitlines()
    for line in lines:
        if line.startswith("Umask:"):
            return int(line.split()[1], 8)
    pytest.skip("no Umask line in /proc/self/status")


def test_output_umask_is_never_changed_by_an_atomic_write(tmp_path, monkeypatch):
    """Review bug: ``_umask()`` set the process umask to 0 for a moment to read it, so a
    file another thread created meanwhile came out world-writable. The writer must never
    call ``os.umask``; the file still gets the mode the umask gives an ordinary file."""
    calls: list[int] = []
    real_umask = os.umask
    monkeypatch.setattr(os, "umask", lambda mask: calls.append(mask) or real_umask(mask))
    umask = _umask_from_proc()
    target = tmp_path / "out" / "records.jsonl"
    output.atomic_write_text(target, "å ä ö\n")
    assert calls == []
    assert target.read_text(encoding="utf-8") == "å ä ö\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert _umask_from_proc() == umask
    assert not list(target.parent.glob(".*.tmp"))


def test_atomic_write_with_keeps_the_old_file_when_the_writer_fails(tmp_path):
    target = tmp_path / "draft.pdf"
    target.write_bytes(b"old")

    def broken(path):
        path.write_bytes(b"half")
        raise RuntimeError("renderer failed")

    with pytest.raises(RuntimeError):
        fileio.atomic_write_with(target, broken)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["draft.pdf"]
    fileio.atomic_write_with(target, lambda p: p.write_bytes(b"new"))
    assert target.read_bytes() == b"new"


def test_file_lock_is_exclusive_and_can_be_tried(tmp_path):
    lock = tmp_path / "sub" / ".lock"
    seen: list[bool] = []
    with fileio.file_lock(lock) as held:
        assert held

        def other() -> None:  # flock locks are per open file: a second open conflicts
            with fileio.file_lock(lock, wait=False) as got:
                seen.append(got)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert seen == [False]
    with fileio.file_lock(lock, wait=False) as again:
        assert again
