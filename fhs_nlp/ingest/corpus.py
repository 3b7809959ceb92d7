"""The bundled corpus and its manifest (``corpus/manifest.json``).

Documents given to the extractor that are part of the corpus keep their corpus id
("000" … "003") wherever they are read from: a file is recognised by its content hash,
or else by its file name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fhs_nlp.hashing import sha256_bytes
from fhs_nlp.settings import CORPUS_DIR  # noqa: F401 - re-exported: where the corpus is


@dataclass(frozen=True)
class CorpusEntry:
    id: str
    path: Path
    title: str
    body: str | None
    date: str | None
    kind: str
    case_number: str | None
    source_file: str
    sha256: str


@cache
def load_manifest(corpus_dir: Path = CORPUS_DIR) -> tuple[CorpusEntry, ...]:
    """Entries of the corpus manifest; empty if there is no corpus next to the package."""
    manifest = corpus_dir / "manifest.json"
    if not manifest.exists():
        return ()
    data = json.loads(manifest.read_text(encoding="utf-8"))
    return tuple(
        CorpusEntry(
            id=d["id"],
            path=corpus_dir / d["file"],
            title=d["title"],
            body=d.get("body"),
            date=d.get("date"),
            kind=d["kind"],
            case_number=d.get("case_number"),
            source_file=d["source_file"],
            sha256=d["sha256"],
        )
        for d in data["documents"]
    )


def corpus_entry_for(path: Path, data: bytes | None = None) -> CorpusEntry | None:
    """The manifest entry of a file, by content hash, else by file name."""
    entries = load_manifest()
    if not entries:
        return None
    if data is not None:
        digest = sha256_bytes(data)
        for entry in entries:
            if entry.sha256 == digest:
                return entry
    for entry in entries:
        if entry.source_file == path.name:
            return entry
    return None
