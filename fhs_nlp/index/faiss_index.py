"""The loaded reference index: entries, their vectors and the FAISS index that searches them.

Exact inner product (``IndexFlatIP``) while small, HNSW from :data:`APPROXIMATE_FROM`
entries on; vectors are L2-normalised, so scores are cosines. Kept apart from building and
loading (:mod:`fhs_nlp.index.build`, :mod:`fhs_nlp.index.reference_index`) because this
is what the aligner holds and searches for every draft.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fhs_nlp.index.entries import ENTRY_KINDS, IndexEntry

#: From this many entries on, the index is approximate (HNSW) instead of exact. Chosen
#: with ``bench/bench_index.py`` (2 cores, dim 384, a batch of 300 queries = a 30-page
#: draft): exact search takes 7 ms at 1k vectors, 80 ms at 10k, 340 ms at 30k, 600 ms at
#: 50k and 1.2 s at 100k; HNSW answers the batch in 20-85 ms with recall@10 1.00 on
#: clustered vectors, but needs 6 s to build at 50k and loses recall on unstructured
#: ones. From 50k on, exact search would cost more than a tenth of the 5 s target for a
#: draft, and HNSW is 20x faster. The corpus index has about 300 entries: exact.
APPROXIMATE_FROM = 50_000
#: HNSW settings (see the benchmark for their recall against exact search).
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128


@dataclass
class ReferenceIndex:
    """Entries, their vectors and the FAISS index over them; see :meth:`search`."""

    entries: list[IndexEntry]
    vectors: np.ndarray
    manifest: dict[str, Any]
    path: Path | None = None
    faiss_index: Any = field(default=None, repr=False)
    note: str | None = None
    """What :func:`ensure_index` did: None (loaded as it was), "built on first use",
    "rebuilt: <reason>"."""

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ENTRY_KINDS, 0)
        for entry in self.entries:
            counts[entry.kind] = counts.get(entry.kind, 0) + 1
        return counts

    def search(
        self, queries: np.ndarray, k: int = 10, kinds: Collection[str] | None = None
    ) -> list[list[tuple[IndexEntry, float]]]:
        """The ``k`` nearest entries of each query vector, best first, as (entry, cosine).

        ``queries``: shape (n, dim) or (dim,), from the same embedder's query side,
        L2-normalised. ``kinds`` keeps only entries of those kinds (the filter runs
        inside FAISS, so ``k`` results come back whenever that many entries exist).
        """
        import faiss

        q = np.ascontiguousarray(np.atleast_2d(np.asarray(queries, dtype=np.float32)))
        if q.shape[1] != self.dim:
            raise ValueError(
                f"query vectors have dimension {q.shape[1]}, the index has {self.dim}; embed "
                f"the queries with the index's embedder ({self.manifest.get('embedder')})"
            )
        if kinds is not None:
            unknown = set(kinds) - set(ENTRY_KINDS)
            if unknown:
                raise ValueError(
                    f"unknown entry kind(s) {sorted(unknown)}; choose from {list(ENTRY_KINDS)}"
                )
            ids = np.array([e.entry_id for e in self.entries if e.kind in kinds],
                           dtype=np.int64)
        else:
            ids = None
        n_candidates = len(self.entries) if ids is None else len(ids)
        k_eff = min(k, n_candidates)
        if k_eff <= 0 or len(q) == 0:
            return [[] for _ in range(len(q))]
        index = self._faiss()
        params: Any = None
        if ids is not None:
            lib: Any = faiss  # the SWIG parameter classes are missing from faiss's stubs
            selector = lib.IDSelectorBatch(ids)  # held here until the search is done
            if isinstance(index, faiss.IndexHNSW):
                params = lib.SearchParametersHNSW(
                    sel=selector, efSearch=max(int(index.hnsw.efSearch), k_eff))
            else:
                params = lib.SearchParameters(sel=selector)
        scores, found = index.search(q, k_eff, params=params)
        return [
            [(self.entries[j], float(s)) for j, s in zip(row_ids, row_scores, strict=True)
             if j >= 0]
            for row_ids, row_scores in zip(found, scores, strict=True)
        ]

    def is_exact(self) -> bool:
        """True for the flat (exact) index, False for HNSW (approximate)."""
        import faiss

        return not isinstance(self._faiss(), faiss.IndexHNSW)

    def search_arrays(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """FAISS's own answer for the ``k`` nearest entries of each query: cosines and
        entry ids, both of shape (n, k), best first; id -1 where fewer were found.

        What the aligner uses (:mod:`fhs_nlp.align.similarity`): arrays, not one Python
        tuple per hit. On HNSW the search looks at ``max(efSearch, k)`` candidates, so a
        large ``k`` is answered in full.
        """
        import faiss

        q = np.ascontiguousarray(np.atleast_2d(np.asarray(queries, dtype=np.float32)))
        if q.shape[1] != self.dim:
            raise ValueError(
                f"query vectors have dimension {q.shape[1]}, the index has {self.dim}; embed "
                f"the queries with the index's embedder ({self.manifest.get('embedder')})"
            )
        k = min(k, len(self.entries))
        if k <= 0 or len(q) == 0:
            return np.zeros((len(q), 0), np.float32), np.zeros((len(q), 0), np.int64)
        index = self._faiss()
        params: Any = None
        if isinstance(index, faiss.IndexHNSW):
            lib: Any = faiss  # the SWIG parameter classes are missing from faiss's stubs
            params = lib.SearchParametersHNSW(efSearch=max(int(index.hnsw.efSearch), k))
        scores, ids = index.search(q, k, params=params)
        return scores, ids

    def _faiss(self) -> Any:
        if self.faiss_index is None:
            self.faiss_index = make_faiss(self.vectors)
        return self.faiss_index


def make_faiss(vectors: np.ndarray) -> Any:
    """Exact inner-product search while small; HNSW from :data:`APPROXIMATE_FROM` on."""
    import faiss

    n, dim = vectors.shape
    index: Any
    if n >= APPROXIMATE_FROM:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        index = faiss.IndexFlatIP(dim)
    if n:
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def faiss_params(index: Any) -> dict[str, Any]:
    import faiss

    if isinstance(index, faiss.IndexHNSW):
        return {"M": HNSW_M, "efConstruction": index.hnsw.efConstruction,
                "efSearch": index.hnsw.efSearch, "metric": "inner_product"}
    return {"metric": "inner_product"}
