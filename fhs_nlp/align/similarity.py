"""How the aligner compares a draft with the strategy: through the FAISS reference index.

Every passage vector is searched in the index (:meth:`ReferenceIndex.search_arrays`), and
the hits are laid out as a dense (passages × entries) matrix of cosines, the shape the
scoring in :mod:`fhs_nlp.align.areas` reads. Going through the index (rather than
multiplying with all its vectors) is what lets a large index serve: from
:data:`~fhs_nlp.index.reference_index.APPROXIMATE_FROM` entries on it is HNSW, and a draft
costs a graph search per passage instead of a pass over every vector.

* On the exact (flat) index every entry is fetched (k = the number of entries), so every
  score is exact and the reports are those of a full comparison.
* On an approximate (HNSW) index the ``search_k`` nearest entries of each passage are
  fetched (:attr:`~fhs_nlp.settings.AlignSettings.search_k`); an entry beyond them gets
  :data:`NOT_FOUND` (cosine -1, the lowest there is), so it never counts as close.

Also here: which document's viljeriktningar are the reference (:func:`strategy_id`), and the
background each entry's similarity is standardised against (:func:`background`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from fhs_nlp.index.reference_index import IndexEntry, ReferenceIndex

#: The cosine given to an entry that is not among a passage's k nearest (HNSW only).
NOT_FOUND = -1.0


def search_k(index: ReferenceIndex, k: int) -> int:
    """How many entries to fetch per passage: all of them from an exact index (so every
    score is exact), ``k`` from an approximate one."""
    n = len(index.entries)
    return n if index.is_exact() else min(k, n)


def similarities(index: ReferenceIndex, vectors: np.ndarray, k: int) -> np.ndarray:
    """Cosines of each query vector (rows) with each index entry (columns), found by
    searching the index for the :func:`search_k` nearest entries of each vector; the
    others are :data:`NOT_FOUND`."""
    n_entries = len(index.entries)
    vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    sims = np.full((len(vectors), n_entries), NOT_FOUND, dtype=np.float32)
    if len(vectors) == 0 or n_entries == 0:
        return sims
    scores, ids = index.search_arrays(vectors, search_k(index, k))
    rows = np.repeat(np.arange(len(vectors)), ids.shape[1])
    found = ids.ravel() >= 0
    sims[rows[found], ids.ravel()[found]] = scores.ravel()[found]
    return sims


def strategy_id(entries: Sequence[IndexEntry], dates: Mapping[str, str | None] | None = None
                ) -> str:
    """The document whose viljeriktningar and fokusförflyttningar are the reference: the
    newest strategy that has viljeriktningar.

    "Newest" is by the corpus manifest's date (``dates``: document id -> ISO date; default
    the bundled corpus's manifest). A document without a date ranks as the oldest; among
    equal dates the first id wins. Called once per aligner, not once per entry.
    """
    ids = {e.document_id for e in entries if e.kind == "viljeriktning"}
    if not ids:
        return ""
    if dates is None:
        from fhs_nlp.ingest.corpus import load_manifest

        dates = {entry.id: entry.date for entry in load_manifest()}
    return min(ids, key=lambda d: (-_day(dates.get(d)), d))


def _day(date: str | None) -> int:
    digits = (date or "").replace("-", "")
    return int(digits) if digits.isdigit() else 0


def background(vectors: np.ndarray, index: ReferenceIndex) -> tuple[np.ndarray, np.ndarray]:
    """Mean and spread (floored at 0.001) of each entry's cosine with ordinary strategy text.

    E5 similarities are compressed (most pairs score 0.8-0.9) and some references are close
    to everything; a similarity is only telling relative to what that reference scores
    against text in general. This needs every entry's score for every text, so it is one
    exact pass over the index's vectors, done once when the aligner loads (in blocks of
    entries, so a large index never needs the whole matrix at once).
    """
    n = len(index.entries)
    mean = np.zeros(n, dtype=np.float32)
    std = np.zeros(n, dtype=np.float32)
    block = 4096
    for start in range(0, n, block):
        sims = vectors @ index.vectors[start:start + block].T
        mean[start:start + block] = sims.mean(axis=0)
        std[start:start + block] = sims.std(axis=0)
    return mean, np.maximum(std, 1e-3)
