"""Alignment through the FAISS index, and which strategy is the reference.

Model-free: the aligner runs here with the :class:`FakeEmbedder` (hash bag-of-words
vectors) and a classifier trained on them, over the real reference records of the
bundled corpus. What is checked is the plumbing the review found wrong, not quality:

* ``_strategy_id`` took the alphabetically first document id where the newest strategy
  is meant, and was called once per index entry;
* the index was never searched (``vectors @ index.vectors.T``): alignment now goes through
  FAISS, giving the same report on the exact index, and serves a large HNSW index.

The tests that align a draft train a classifier on the fake vectors first (about a
minute on 2 cores): they are marked slow.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from conftest import FakeEmbedder

from fhs_nlp.align import aligner as aligner_module
from fhs_nlp.align import similarity
from fhs_nlp.align.aligner import Aligner
from fhs_nlp.classify.classifier import load_or_train
from fhs_nlp.embed.embedders import EmbeddingCache
from fhs_nlp.index import faiss_index
from fhs_nlp.index import reference_index as index_module
from fhs_nlp.index.reference_index import (
    APPROXIMATE_FROM,
    IndexEntry,
    ReferenceIndex,
    build_index,
    reference_records,
)
from fhs_nlp.report.alignment import render_json

DRAFT = "examples/verksamhetsplan_2027_vardcentralen_linneasand.md"


@pytest.fixture(scope="module")
def flat(tmp_path_factory):
    folder = tmp_path_factory.mktemp("align-index")
    cache = EmbeddingCache(folder / "cache.sqlite")
    embedder = FakeEmbedder()
    records = reference_records()
    yield embedder, records, cache, build_index(embedder, None, records=records, cache=cache)
    cache.close()


@pytest.fixture(scope="module")
def parts(flat, tmp_path_factory):
    folder = tmp_path_factory.mktemp("align-search")
    embedder, records, cache, index = flat
    classifier = load_or_train(embedder, records, cache, cache_dir=folder / "models")
    mean, std = aligner_module._background(embedder, index, records, cache)
    return embedder, index, classifier, cache, mean, std


def _aligner(parts, index=None, mean=None, std=None) -> Aligner:
    embedder, flat, classifier, cache, flat_mean, flat_std = parts
    return Aligner(embedder, index or flat, classifier, cache,
                   flat_mean if mean is None else mean, flat_std if std is None else std,
                   scoring="v1")


def _entry(i: int, document_id: str, kind: str = "viljeriktning") -> IndexEntry:
    return IndexEntry(entry_id=i, kind=kind, area="Nära vård", record_id=f"r{i}",
                      text=f"text {i}", label=f"label {i}", year=None,
                      document_id=document_id, source="", statement_id=f"nara-vard/{i}")


def test_align_strategy_id_is_the_newest_strategy_not_the_first_id():
    entries = [_entry(0, "001"), _entry(1, "009"), _entry(2, "000", kind="milestone")]
    dates = {"001": "2020-04-16", "009": "2025-12-04"}
    # before the fix: sorted ids, first one: "001", the 2020 decision
    assert similarity.strategy_id(entries, dates) == "009"
    # a document without a date ranks as the oldest; equal dates: the first id
    assert similarity.strategy_id([_entry(0, "a"), _entry(1, "b")], {"b": "2019-01-01"}) == "b"
    assert similarity.strategy_id([_entry(0, "b"), _entry(1, "a")], {}) == "a"
    assert similarity.strategy_id([_entry(0, "x", kind="milestone")], {}) == ""


def test_align_strategy_id_of_the_bundled_corpus_is_the_2025_strategy(flat):
    # 000, Strategi för Framtidens hälsosystem (2025-12-04), not 001 (2020)
    assert similarity.strategy_id(flat[3].entries) == "000"
    assert {e.document_id for e in flat[3].entries if e.kind == "viljeriktning"} >= {"000",
                                                                                     "001"}


@pytest.mark.slow
def test_align_strategy_id_is_found_once_per_aligner_not_per_entry(parts, monkeypatch):
    aligner = _aligner(parts)
    calls: list[int] = []
    monkeypatch.setattr(similarity, "strategy_id", lambda *a: calls.append(1) or "000")
    monkeypatch.setattr(aligner_module, "strategy_id", lambda *a: calls.append(1) or "000")
    report = aligner.align(DRAFT)
    assert calls == []  # once, when the aligner was made: not once per index entry
    assert sum(len(a.viljeriktningar) for a in report.areas) == 18


@pytest.mark.slow
def test_align_searches_the_index_and_gives_todays_report_on_the_flat_index(parts,
                                                                          monkeypatch):
    aligner = _aligner(parts)
    searched: list[int] = []
    real_search = ReferenceIndex.search_arrays

    def counting(self, queries, k):
        searched.append(k)
        return real_search(self, queries, k)

    monkeypatch.setattr(ReferenceIndex, "search_arrays", counting)
    through_index = json.loads(render_json(aligner.align(DRAFT)))
    assert searched == [len(aligner.index.entries)]  # flat: every entry, so all exact
    # the comparison the aligner made before: every passage with every vector
    monkeypatch.setattr(aligner_module, "similarities",
                        lambda index, vectors, k: vectors @ index.vectors.T)
    full = json.loads(render_json(aligner.align(DRAFT)))
    for report in (through_index, full):
        report.pop("timings")
        # the hash vectors give exact ties, whose order follows the last bits of the sums
        # (FAISS and numpy add in different orders); real embeddings have none
        for passage in report["passages"]:
            passage["nearest"].sort(key=lambda m: (-m["similarity"], m["record_id"],
                                                   m["label"]))
    assert through_index == full


def _large_index(index: ReferenceIndex, n_total: int) -> ReferenceIndex:
    """The bundled entries plus other regions' strategies (random unit vectors) up to
    ``n_total`` entries: from APPROXIMATE_FROM on, the index is HNSW."""
    rng = np.random.default_rng(7)
    extra = n_total - len(index.entries)
    noise = rng.standard_normal((extra, index.dim)).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    template = replace(index.entries[-1], document_id="other-region", kind="milestone")
    entries = [*index.entries, *(replace(template, entry_id=len(index.entries) + i,
                                         record_id=f"other-{i}") for i in range(extra))]
    vectors = np.vstack([index.vectors, noise])
    return ReferenceIndex(entries, vectors, {"n_entries": len(entries)},
                          faiss_index=index_module.make_faiss(vectors))


@pytest.fixture(scope="module")
def large(flat):
    return _large_index(flat[3], APPROXIMATE_FROM + 1000)


@pytest.mark.slow  # builds an HNSW graph of 51 000 vectors
def test_align_hnsw_path_serves_a_large_index(flat, large):
    _check_hnsw(flat, large)


def test_align_hnsw_path_on_a_small_approximate_index(flat, monkeypatch):
    """The same checks with the HNSW threshold lowered, so the fast suite runs them."""
    monkeypatch.setattr(faiss_index, "APPROXIMATE_FROM", 2000)
    _check_hnsw(flat, _large_index(flat[3], 3000))


def _check_hnsw(flat, large):
    embedder, _records, _cache, index = flat
    assert not large.is_exact() and index.is_exact()
    queries = embedder.embed_queries([
        "Primärvården ska vara navet i vården med fast läkarkontakt.",
        "Digitala vårdtjänster och egenmonitorering för invånarna.",
        "Medarbetarnas kompetens och arbetsmiljö.",
    ]).astype(np.float32)
    k = 64
    sims = similarity.similarities(large, queries, k)
    exact = queries @ large.vectors.T
    assert sims.shape == exact.shape
    for row, exact_row in zip(sims, exact, strict=True):
        found = row != similarity.NOT_FOUND
        assert found.sum() == k
        np.testing.assert_allclose(row[found], exact_row[found], atol=1e-5)  # true cosines
        best = set(np.argsort(-exact_row)[:10])
        assert len(best & set(np.flatnonzero(found))) >= 9  # recall@10 of the graph search
    # on the exact index every entry comes back, with its exact cosine
    small = similarity.similarities(index, queries, k)
    np.testing.assert_allclose(small, queries @ index.vectors.T, atol=1e-6)


@pytest.mark.slow
def test_align_hnsw_index_gives_a_whole_report(parts, large):
    embedder = parts[0]
    mean, std = similarity.background(
        embedder.embed_queries(["Nära vård i hemmet.", "Digitalisering."]), large)
    report = _aligner(parts, large, mean, std).align(DRAFT)
    data = json.loads(render_json(report))
    assert len(data["areas"]) == 7 and data["index"] == {"n_entries": len(large.entries)}
    assert all(np.isfinite(v["score"]) for a in data["areas"] for v in a["viljeriktningar"])
    assert all(m["similarity"] >= -1 for p in data["passages"] for m in p["nearest"])
