"""Building the reference index: extract the records, embed them (through the cache), write
the folder. Apart from loading and searching because it is the slow, first-use path
(extraction, a model pass over every text) and has its own bookkeeping: counts, timings,
the corpus and code hashes that later decide whether the index is still current.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from fhs_nlp import settings
from fhs_nlp._version import __version__
from fhs_nlp.datamodel.records import Record
from fhs_nlp.embed.embedders import Embedder, EmbeddingCache
from fhs_nlp.errors import IndexBuildError
from fhs_nlp.index.entries import ENTRIES_VERSION, ENTRY_KINDS, reference_entries
from fhs_nlp.index.faiss_index import (
    APPROXIMATE_FROM,
    ReferenceIndex,
    faiss_params,
    make_faiss,
)
from fhs_nlp.index.folder import INDEX_SCHEMA_VERSION, model_spec, write_folder
from fhs_nlp.index.sources import bundled_corpus, corpus_files, corpus_hash, reference_records

#: The embedder side the reference texts are embedded with; drafts use the other one.
ENTRY_SIDE = "passage"
QUERY_SIDE = "query"
_EMBED_BATCH = 32


class _Counting:
    """The embedder, counting the texts that really reach the model (cache misses)."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder
        self.name = embedder.name
        self.dim = embedder.dim
        self.embedded = 0

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded += len(texts)
        return self._embedder.embed_queries(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded += len(texts)
        return self._embedder.embed_passages(texts)


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


def _versions() -> dict[str, str]:
    import faiss

    return {"fhs-nlp": __version__, "faiss": faiss.__version__, "numpy": np.__version__,
            "python": sys.version.split()[0]}


def build_index(
    embedder: Embedder,
    out_dir: Path | None,
    *,
    corpus: Sequence[Path] | None = None,
    records: Mapping[str, Sequence[Record]] | None = None,
    cache: EmbeddingCache | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ReferenceIndex:
    """Build the reference index and, with ``out_dir``, write it as a folder.

    The records come from ``records`` (extracted already) or are extracted from
    ``corpus`` (files or folders; default :func:`bundled_corpus`). Texts are embedded
    through ``cache`` (default: the repository's :func:`default_cache_path`), so only
    texts not seen before reach the model. ``on_progress(done, total)`` follows the
    embedding, in entries.
    """
    started = time.perf_counter()
    if records is not None and corpus is not None:
        raise ValueError("give corpus or records, not both")
    corpus_info: dict[str, Any]
    if records is None:
        bundled = corpus is None
        paths = bundled_corpus() if corpus is None else [Path(p) for p in corpus]
        records = reference_records(paths)
        corpus_info = {
            "source": "bundled" if bundled else "paths",
            "paths": [_display_path(p) for p in paths],
            "hash": corpus_hash(paths),
            "files": [f.name for f in corpus_files(paths)],
        }
    else:
        corpus_info = {"source": "records", "paths": [], "hash": None, "files": []}
    extracted = time.perf_counter()
    entries = reference_entries(records)
    if not entries:
        where = ", ".join(corpus_info["paths"]) or "the records given"
        raise IndexBuildError(
            "holds no reference records (insatsområden, viljeriktningar, milestones …) to "
            "index; point --corpus to the FHS strategy documents, or leave it out to use "
            "the bundled corpus",
            where,
        )

    own_cache = cache is None
    cache = EmbeddingCache(settings.EMBEDDING_CACHE) if cache is None else cache
    counting = _Counting(embedder)
    texts = [e.text for e in entries]
    parts: list[np.ndarray] = []
    try:
        if on_progress is not None:
            on_progress(0, len(texts))
        for start in range(0, len(texts), _EMBED_BATCH):
            chunk = texts[start : start + _EMBED_BATCH]
            parts.append(cache.embed(counting, chunk, ENTRY_SIDE))
            if on_progress is not None:
                on_progress(start + len(chunk), len(texts))
    finally:
        if own_cache:
            cache.close()
    vectors = _normalise(np.concatenate(parts))
    if vectors.shape[1] != embedder.dim:
        raise ValueError(  # a bug in the embedder, not bad input
            f"the embedder {embedder.name} says dim {embedder.dim} but gave vectors of "
            f"{vectors.shape[1]}"
        )
    embedded = time.perf_counter()
    index = make_faiss(vectors)
    finished = time.perf_counter()
    counts = dict.fromkeys(ENTRY_KINDS, 0)
    for entry in entries:
        counts[entry.kind] += 1
    manifest: dict[str, Any] = {
        "schema_version": INDEX_SCHEMA_VERSION,
        "entries_version": ENTRIES_VERSION,
        "embedder": embedder.name,
        "embedder_spec": model_spec(embedder),
        "dim": int(vectors.shape[1]),
        "entry_side": ENTRY_SIDE,
        "query_side": QUERY_SIDE,
        "n_entries": len(entries),
        "counts": counts,
        "index_type": type(index).__name__,
        "index_params": faiss_params(index),
        "approximate_from": APPROXIMATE_FROM,
        "corpus_hash": corpus_info["hash"],
        "corpus": corpus_info,
        "code_hash": _code_hash(),
        "versions": _versions(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": 0.0,
        "timings": {
            "extract_seconds": round(extracted - started, 3),
            "embed_seconds": round(embedded - extracted, 3),
            "index_seconds": round(finished - embedded, 3),
        },
        "embedded": {"new": counting.embedded, "from_cache": len(texts) - counting.embedded},
    }
    manifest["build_seconds"] = round(time.perf_counter() - started, 3)
    result = ReferenceIndex(entries, vectors, manifest, None, index)
    if out_dir is not None:
        write_folder(Path(out_dir), index, entries, manifest)
        result.path = Path(out_dir)
    return result


#: The code that decides what is indexed: readers, extractors, record types, this module.
_CODE = ("ingest", "extract", "index/entries.py", "index/sources.py", "datamodel/records.py",
         "datamodel/vocabulary.py", "datamodel/document.py", "lines.py")


def _code_hash() -> str:
    """sha256 over the source of :data:`_CODE`: an index built by other extraction code
    may hold other entries even though the corpus is the same."""
    package = settings.PACKAGE_DIR
    digest = hashlib.sha256()
    for name in _CODE:
        target = package / name
        files = sorted(target.rglob("*.py")) if target.is_dir() else [target]
        for file in files:
            if file.is_file():
                digest.update(file.relative_to(package).as_posix().encode() + b"\0")
                digest.update(file.read_bytes())
    return "sha256:" + digest.hexdigest()


def _display_path(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(settings.DATA_ROOT))
    except ValueError:
        return str(Path(path).resolve())
