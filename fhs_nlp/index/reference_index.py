"""The reference index: every FHS reference record as a vector, in a FAISS index folder.

The aligner compares each passage of a draft with the strategy's insatsområden,
viljeriktningar, målbilder, milestones with their effects and fokusförflyttningar. They
are turned into :class:`IndexEntry` rows (:func:`reference_entries`), embedded once with
the passage side of the embedder (drafts are embedded as queries), and stored as a
folder:

``index.faiss``
    the FAISS index (exact inner product while small, HNSW above
    :data:`APPROXIMATE_FROM` entries; vectors are L2-normalised, so scores are cosines);
``entries.jsonl``
    one :class:`IndexEntry` per line, in vector order (the id map);
``manifest.json``
    embedder, dimension, counts, index type, corpus hash, versions, checksums of the two
    files, timings. It is written last, so a folder without it is an interrupted build.

:func:`load_index` refuses a folder built with another embedder
(:class:`~fhs_nlp.errors.IndexMismatchError`) and a damaged one
(:class:`~fhs_nlp.errors.DamagedIndexError`), each with the command that rebuilds it.
:func:`ensure_index` is what the aligner calls: it builds the index from the bundled
corpus on first use, rebuilds it when the corpus changed, and repairs a damaged index in
the default location (never at a path the user gave). Vectors go through an
:class:`~fhs_nlp.embed.embedders.EmbeddingCache`, so a rebuild embeds only new texts.

This module loads and keeps the index current; the parts live beside it:
:mod:`~fhs_nlp.index.entries` (what is indexed), :mod:`~fhs_nlp.index.sources` (the
corpus and its records), :mod:`~fhs_nlp.index.build` (building),
:mod:`~fhs_nlp.index.folder` (the files on disk and their checks) and
:mod:`~fhs_nlp.index.faiss_index` (the loaded index and its search).
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from fhs_nlp import settings
from fhs_nlp.embed.embedders import Embedder
from fhs_nlp.errors import DamagedIndexError, IndexMismatchError, IndexNotFoundError
from fhs_nlp.fileio import file_lock
from fhs_nlp.index import build as _build
from fhs_nlp.index.build import ENTRY_SIDE, QUERY_SIDE, build_index  # noqa: F401
from fhs_nlp.index.entries import ENTRIES_VERSION, ENTRY_KINDS, IndexEntry, reference_entries
from fhs_nlp.index.faiss_index import (  # noqa: F401 - re-exported
    APPROXIMATE_FROM,
    HNSW_EF_CONSTRUCTION,
    HNSW_EF_SEARCH,
    HNSW_M,
    ReferenceIndex,
    make_faiss,
)
from fhs_nlp.index.folder import (  # noqa: F401 - re-exported
    ENTRIES_FILE,
    INDEX_FILE,
    INDEX_SCHEMA_VERSION,
    MANIFEST_FILE,
    folder_slug,
    is_default_location,
    model_spec,
    read_folder,
    read_manifest,
    shell_quote,
    spec_from_name,
    vectors_of,
)
from fhs_nlp.index.sources import bundled_corpus, corpus_hash, reference_records

__all__ = [
    "APPROXIMATE_FROM",
    "ENTRY_KINDS",
    "IndexEntry",
    "ReferenceIndex",
    "build_index",
    "bundled_corpus",
    "corpus_hash",
    "default_cache_path",
    "default_index_dir",
    "ensure_index",
    "inspect_index",
    "load_index",
    "reference_entries",
    "reference_records",
]



def default_index_dir(embedder: Embedder) -> Path:
    """``models/index/<embedder name as a file name>`` in the work folder (the checkout,
    kept out of git, or the user's cache folder; :mod:`fhs_nlp.settings`)."""
    return settings.INDEX_ROOT / folder_slug(embedder.name)


def default_cache_path() -> Path:
    """The embedding cache, ``.fhs-cache/embeddings.sqlite`` in the work folder."""
    return settings.EMBEDDING_CACHE


def load_index(path: Path, embedder: Embedder) -> ReferenceIndex:
    """Open an index folder for ``embedder``.

    Raises :class:`~fhs_nlp.errors.IndexNotFoundError` (no index there),
    :class:`~fhs_nlp.errors.IndexMismatchError` (built with another embedder or
    dimension) or :class:`~fhs_nlp.errors.DamagedIndexError` (a file missing,
    unreadable or not matching the manifest; no manifest: an interrupted build).
    """
    path = Path(path)
    spec = model_spec(embedder)
    manifest = read_manifest(path, spec)
    if manifest["embedder"] != embedder.name or int(manifest["dim"]) != int(embedder.dim):
        built = manifest.get("embedder_spec") or spec_from_name(str(manifest["embedder"]))
        # the model the index was built with comes first: that is how to use this index;
        # building for the model in use goes to another folder, never over this one
        if is_default_location(path):  # another model's own folder: leave it alone
            fix = ("build the index for it in its own folder: run `fhs-nlp index "
                   f"build --model {shell_quote(spec)}`")
        else:
            other = path.with_name(f"{path.name}-{folder_slug(embedder.name)}")
            fix = ("build an index for it in another folder: run `fhs-nlp index build "
                   f"--model {shell_quote(spec)} --out {shell_quote(str(other))}` and pass "
                   f"--index {shell_quote(str(other))}")
        raise IndexMismatchError(
            f"was built with the embedder {manifest['embedder']} (dimension "
            f"{manifest['dim']}): query it with the model it was built with, --model "
            f"{shell_quote(str(built))}. The model in use is {embedder.name} (dimension "
            f"{embedder.dim}), and vectors of two models cannot be compared; to use that "
            f"model, {fix}",
            path,
        )
    entries, index = read_folder(path, manifest, spec)
    return ReferenceIndex(entries, vectors_of(index), manifest, path, index)


def inspect_index(path: Path) -> ReferenceIndex:
    """Open an index folder without an embedder (for ``fhs-nlp index info``): every check
    of :func:`load_index` except the embedder's."""
    path = Path(path)
    manifest = read_manifest(path, None)
    entries, index = read_folder(path, manifest, None)
    return ReferenceIndex(entries, vectors_of(index), manifest, path, index)


# --------------------------------------------------------------------------- ensure


def _build_lock(folder: Path) -> contextlib.AbstractContextManager[bool]:
    """One build at a time per folder, across processes (the lock file sits beside it)."""
    return file_lock(folder.parent / f".{folder.name}.lock")


def _stale_reason(manifest: Mapping[str, Any]) -> str | None:
    """Why an intact index no longer matches its corpus or this fhs-nlp, or None."""
    corpus = manifest.get("corpus") or {}
    if corpus.get("source") == "bundled":
        paths = bundled_corpus()
    elif corpus.get("source") == "paths":
        paths = [settings.DATA_ROOT / p if not Path(p).is_absolute() else Path(p)
                 for p in corpus.get("paths", [])]
        if not paths or not all(p.exists() for p in paths):
            return None  # the corpus it was built from is gone: keep the index as it is
    else:
        return None  # built from records given in Python: nothing to compare
    if str(manifest.get("entries_version")) != ENTRIES_VERSION:
        return "this fhs-nlp indexes the reference records differently"
    if manifest.get("code_hash") != _build._code_hash():
        return "the extraction code changed since it was built"
    if corpus_hash(paths) != manifest.get("corpus_hash"):
        return "the corpus changed since it was built"
    return None


def _corpus_of(manifest: Mapping[str, Any] | None) -> list[Path] | None:
    corpus = (manifest or {}).get("corpus") or {}
    if corpus.get("source") == "paths":
        paths = [settings.DATA_ROOT / p if not Path(p).is_absolute() else Path(p)
                 for p in corpus.get("paths", [])]
        if paths and all(p.exists() for p in paths):
            return paths
    return None


def ensure_index(
    embedder: Embedder,
    path: Path | None = None,
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> ReferenceIndex:
    """The reference index for ``embedder``, built or rebuilt when needed.

    ``path`` None means :func:`default_index_dir`. The index is built from the bundled
    corpus where there is none yet, and rebuilt (same corpus, same place) when its
    corpus or the extraction code changed (only texts not in the cache are embedded).
    A damaged index, or one made with another embedder, is rebuilt if it lives in the
    default location, with a :class:`UserWarning`; at a path the user gave it is refused
    (:class:`~fhs_nlp.errors.DamagedIndexError`,
    :class:`~fhs_nlp.errors.IndexMismatchError`), since that folder is theirs. What was
    done is in :attr:`ReferenceIndex.note`.
    """
    default = path is None
    folder = default_index_dir(embedder) if path is None else Path(path)
    with _build_lock(folder):
        try:
            index = load_index(folder, embedder)
        except IndexNotFoundError:
            built = build_index(embedder, folder, on_progress=on_progress)
            built.note = "built on first use"
            return built
        except (DamagedIndexError, IndexMismatchError) as error:
            if not default:
                raise
            warnings.warn(f"{error}. It is in the default location, so it is rebuilt now.",
                          UserWarning, stacklevel=2)
            built = build_index(embedder, folder, on_progress=on_progress)
            built.note = f"rebuilt: {error.message.split(';')[0]}"
            return built
        reason = _stale_reason(index.manifest)
        if reason is None:
            return index
        rebuilt = build_index(embedder, folder, corpus=_corpus_of(index.manifest),
                              on_progress=on_progress)
        rebuilt.note = f"rebuilt: {reason}"
        return rebuilt
