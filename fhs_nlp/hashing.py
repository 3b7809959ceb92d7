"""The one file hasher: sha256 of bytes and of files, as run manifests and caches store it.

Manifests (extraction runs, the reference index, converted models, the gold version)
and caches compare files by content. They all hash the same way, with this module, so a
digest written by one can be checked by another.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

#: Files are read in pieces of this size, so a large model file never sits in memory.
_CHUNK = 1 << 20


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path | str) -> str:
    """Hex sha256 of a file's content, read in 1 MB pieces."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def content_hash(data: bytes) -> str:
    """``"sha256:<hex>"`` of a file's bytes: the form run manifests and caches store."""
    return "sha256:" + sha256_bytes(data)


def file_content_hash(path: Path | str) -> str:
    """:func:`content_hash` of a file's bytes, read in pieces instead of whole."""
    return "sha256:" + sha256_file(path)
