"""The one atomic writer and the one file lock of fhs-nlp.

Every output (records, reports, summaries, index files, caches' manifests) goes through
:func:`atomic_write_bytes`: the data is written to a temporary file in the target's
folder and renamed over the target, so an interrupted run leaves the old file or the new
one, never half of one. Every cross-process "one at a time" (a batch folder, an index
build, a model conversion, workers loading the model) goes through :func:`file_lock`.
Keeping one of each means a fix (permissions, Windows, fsync) is made once.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

from fhs_nlp.errors import OutputError

__all__ = ["TEMP_SUFFIX", "atomic_write_bytes", "atomic_write_text", "atomic_write_with",
           "file_lock", "remove_temp_files"]

#: Temporary files of an atomic write are ``.<name>.<random>.tmp`` next to the target.
TEMP_SUFFIX = ".tmp"


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` via a temporary file and a rename."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    The temporary file is created with mode 0666, so the kernel applies the process's
    umask as for any ordinary file (outputs are for sharing). The umask is never read or
    changed: changing it, even for a moment, would race with other threads creating files.
    """
    path = Path(path)
    tmp = _temp_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o666)
    except OSError as exc:
        raise OutputError(
            f"cannot be written ({exc.strerror}); choose another --out folder", path
        ) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_with(path: Path, write: Callable[[Path], None]) -> None:
    """Let ``write`` create the file at a temporary path, then rename it to ``path``.

    For writers that want a file name rather than bytes (the PDF and DOCX renderers).
    The temporary name keeps the target's suffix: some writers choose the format by it.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot be written ({exc.strerror}); choose another --out folder", path
        ) from exc
    tmp = path.with_name(f".{path.stem}.{secrets.token_hex(6)}{TEMP_SUFFIX}{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _temp_path(path: Path) -> Path:
    return path.parent / f".{path.name}.{secrets.token_hex(6)}{TEMP_SUFFIX}"


def remove_temp_files(folder: Path) -> None:
    """Temporary files that an atomic write left behind when its process was killed."""
    if Path(folder).is_dir():
        for tmp in Path(folder).rglob(f".*{TEMP_SUFFIX}"):
            with contextlib.suppress(OSError):
                tmp.unlink()


@contextlib.contextmanager
def file_lock(path: Path, *, wait: bool = True) -> Iterator[bool]:
    """An exclusive advisory lock on the file ``path`` across processes (POSIX ``flock``).

    Yields True once the lock is held; with ``wait=False`` yields False at once if another
    process holds it. The lock file is created (with its folder) and left in place: removing
    it would let two processes lock two different files of the same name. Where ``fcntl`` is
    missing (Windows) there is no lock and True is yielded.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield True
        return
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
